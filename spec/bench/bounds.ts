/**
 * Resource bounds under hostile load (`npm run bench:bounds`; a measurement, not a test).
 *
 * 1. 100 000 distinct garbage tokens through the middleware: no upstream call, bounded memory.
 * 2. 10 000 valid-looking JWTs with unknown `kid`: at most one JWK Set refetch per cooldown.
 * 3. 20 000 distinct valid tokens through a verifier whose cache holds 1 000: bounded memory;
 *    100 000 distinct keys through the token cache itself: size stays at `max`.
 * 4. An upstream answer far over the size cap is cut off.
 * 5. A silent or trickling upstream is bounded by the timeout.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler, Response } from 'express';
import {
  bearerAuth,
  introspectionVerifier,
  jwtVerifier,
  memoryDirectory,
  type Decision,
} from '../../lib/index.js';
import { createTokenCache } from '../../lib/cache/token-cache.js';
import { callUpstream, HTTP_DEFAULTS } from '../../lib/http/client.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { startJsonServer } from '../helpers/json-server.js';
import { AUDIENCE, b64url, ISSUER, mintJwt } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = (): number => {
  gc?.();
  return process.memoryUsage().rss / MB;
};
const heapMb = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / MB;
};
/** Megabytes with one decimal, without a negative zero for noise. */
const mb = (value: number): string => `${Math.abs(value) < 0.05 ? '0.0' : value.toFixed(1)} MB`;
const rows: Array<[string, string]> = [];
const report = (label: string, value: string) => {
  rows.push([label, value]);
  process.stdout.write(`${label}: ${value}\n`);
};

/** Calls the middleware in-process with the least of a request and a response it reads. */
function invoke(handler: RequestHandler, authorization: string): Promise<number> {
  return new Promise((resolve) => {
    const req = {
      headers: { authorization },
      rawHeaders: ['Authorization', authorization],
      method: 'GET',
      query: {},
      is: () => false,
    } as unknown as Request;
    const res = {
      statusCode: 200,
      writableFinished: false,
      once: () => res,
      set: () => res,
      status(code: number) {
        res.statusCode = code;
        return res;
      },
      json: () => resolve(res.statusCode),
    };
    void handler(req, res as unknown as Response, () => resolve(200));
  });
}

function garbage(i: number): string {
  const r = randomBytes(48).toString('base64url');
  switch (i % 5) {
    case 0:
      return r; // opaque
    case 1:
      return `${r.slice(0, 16)}.${r.slice(16, 40)}.${r.slice(40)}`; // JWT-shaped, header not JSON
    case 2:
      return `${b64url({ alg: 'none', n: i })}.${b64url({ iss: ISSUER })}.`; // alg none
    case 3:
      return `${b64url({ alg: 'HS256', kid: r })}.${b64url({ iss: ISSUER, aud: AUDIENCE })}.${r}`; // HMAC
    default:
      return `${b64url({ typ: 'JWT', n: i })}.${b64url({ iss: ISSUER })}.${r}`; // no alg
  }
}

async function garbageFlood(): Promise<void> {
  const jwks = await startJsonServer(() => ({ json: jwksOf(testKey('RS256')) }));
  const handler = bearerAuth({
    verifiers: [jwtVerifier({ jwksUri: `${jwks.url}/jwks`, issuer: ISSUER, audience: AUDIENCE })],
    directory: memoryDirectory(USERS),
  });
  const statuses = new Map<number, number>();
  const rss0 = rssMb();
  const heap0 = heapMb();
  const started = performance.now();
  for (let i = 0; i < 100_000; i++) {
    const status = await invoke(handler, `Bearer ${garbage(i)}`);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const ms = performance.now() - started;
  report('garbage flood: tokens', '100 000 distinct (opaque, JWT-shaped, alg none, HS256, no alg)');
  report('garbage flood: answers', [...statuses].map(([s, n]) => `${n} × ${s}`).join(', '));
  report('garbage flood: JWK Set requests', String(jwks.count()));
  report('garbage flood: throughput', `${Math.round(100_000 / (ms / 1000))} tokens/s in-process`);
  report(
    'garbage flood: growth',
    `heap ${mb(heapMb() - heap0)} after GC, RSS ${mb(rssMb() - rss0)} (allocator high-water)`,
  );
  await jwks.close();
}

/** Tokens every verifier can refuse without a network call, whatever the chain. */
function locallyRefused(i: number): string {
  const r = randomBytes(24).toString('base64url');
  switch (i % 5) {
    case 0:
      return `Bearer "${r}"`; // outside the b64token grammar
    case 1:
      return `Bearer ${r}${'A'.repeat(8200)}`; // over maxTokenLength
    case 2:
      return `Bearer ${b64url({ alg: 'none', n: r })}.${b64url({ iss: ISSUER })}.`;
    case 3:
      return `Bearer ${b64url({ alg: 'HS256', kid: r })}.${b64url({ iss: ISSUER, aud: AUDIENCE })}.${r}`;
    default:
      return `Bearer ${b64url({ typ: 'JWT', n: r })}.${b64url({ iss: ISSUER })}.${r}`;
  }
}

async function chainFlood(): Promise<void> {
  const jwks = await startJsonServer(() => ({ json: jwksOf(testKey('RS256')) }));
  const introspect = await startJsonServer(() => ({ json: { active: false } }));
  const handler = bearerAuth({
    verifiers: [
      jwtVerifier({ jwksUri: `${jwks.url}/jwks`, issuer: ISSUER, audience: AUDIENCE }),
      introspectionVerifier({
        endpoint: `${introspect.url}/introspect`,
        clientId: 'api',
        clientSecret: 'api-secret-0123456789',
        audience: AUDIENCE,
      }),
    ],
    directory: memoryDirectory(USERS),
  });
  const statuses = new Map<number, number>();
  for (let i = 0; i < 100_000; i++) {
    const status = await invoke(handler, locallyRefused(i));
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  report(
    'jwt + introspection chain: tokens',
    '100 000 failing local checks (b64token grammar, length, alg none, HS256, no alg)',
  );
  report(
    'jwt + introspection chain: answers',
    [...statuses].map(([s, n]) => `${n} × ${s}`).join(', '),
  );
  report(
    'jwt + introspection chain: upstream requests',
    `${introspect.count()} introspection, ${jwks.count()} JWK Set`,
  );
  await jwks.close();
  await introspect.close();
}

async function unknownKidFlood(): Promise<void> {
  const real = testKey('RS256');
  const forger = testKey('EdDSA', 'forger');
  const jwks = await startJsonServer(() => ({ json: jwksOf(real) }));
  let clock = Date.now();
  const cooldownMs = 30_000;
  const handler = bearerAuth({
    verifiers: [
      jwtVerifier({
        jwksUri: `${jwks.url}/jwks`,
        issuer: ISSUER,
        audience: AUDIENCE,
        cooldownMs,
        now: () => clock,
      }),
    ],
    directory: memoryDirectory(USERS),
  });
  const statuses = new Map<number, number>();
  const rss0 = rssMb();
  const heap0 = heapMb();
  const stepMs = 10; // 10 000 tokens over 100 simulated seconds
  for (let i = 0; i < 10_000; i++) {
    const token = await mintJwt({
      key: forger,
      header: { kid: `unknown-${i}-${randomBytes(4).toString('hex')}` },
    });
    const status = await invoke(handler, `Bearer ${token}`);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    clock += stepMs;
  }
  const simulatedS = (10_000 * stepMs) / 1000;
  report(
    'unknown kid flood: tokens',
    `10 000 distinct, signed, right iss/aud, over ${simulatedS} s (injected clock)`,
  );
  report('unknown kid flood: answers', [...statuses].map(([s, n]) => `${n} × ${s}`).join(', '));
  report(
    'unknown kid flood: JWK Set requests',
    `${jwks.count()} (first load + at most one per ${cooldownMs / 1000} s cooldown: ≤ ${1 + Math.ceil((simulatedS * 1000) / cooldownMs)})`,
  );
  report(
    'unknown kid flood: growth',
    `heap ${mb(heapMb() - heap0)} after GC, RSS ${mb(rssMb() - rss0)}`,
  );
  await jwks.close();
}

async function cacheBound(): Promise<void> {
  const key = testKey('EdDSA', 'cache-bound');
  const decisions: Decision[] = [];
  const handler = bearerAuth({
    verifiers: [
      jwtVerifier({ jwks: jwksOf(key), issuer: ISSUER, audience: AUDIENCE, cache: { max: 1000 } }),
    ],
    directory: memoryDirectory(USERS),
    onDecision: (d) => {
      if (d.outcome !== 'accept') decisions.push(d);
    },
  });
  const heap0 = heapMb();
  for (let i = 0; i < 20_000; i++) {
    await invoke(handler, `Bearer ${await mintJwt({ key, claims: { jti: String(i) } })}`);
  }
  report('verified-token cache: tokens', '20 000 distinct valid tokens, cache max 1 000');
  report('verified-token cache: refusals', String(decisions.length));
  report('verified-token cache: heap growth', mb(heapMb() - heap0));

  const cache = createTokenCache<{ ok: boolean }>({ max: 10_000 });
  for (let i = 0; i < 100_000; i++) {
    await cache.resolve(`token-${i}-${randomBytes(8).toString('hex')}`, async () => ({
      value: { ok: true },
      ttlMs: 60_000,
    }));
  }
  report('token cache: entries after 100 000 distinct tokens', `${cache.size} (max 10 000)`);
}

/** A server that streams `chunk` forever (or trickles one byte per `trickleMs`) and counts bytes. */
async function endlessServer(
  mode: 'flood' | 'trickle' | 'silent',
): Promise<{ url: string; sent: () => number; close: () => Promise<void> }> {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const server: Server = createServer((_req, res) => {
    if (mode === 'silent') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"keys":[');
    const timer = setInterval(
      () => {
        if (res.destroyed) return clearInterval(timer);
        const piece = mode === 'flood' ? chunk : Buffer.from(' ');
        sent += piece.length;
        res.write(piece);
      },
      mode === 'flood' ? 1 : 100,
    );
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function upstreamBounds(): Promise<void> {
  const flood = await endlessServer('flood');
  let started = performance.now();
  const big = await callUpstream({ url: new URL(`${flood.url}/jwks`), timeoutMs: 10_000 });
  report(
    'oversized answer',
    `${big.kind === 'failure' ? big.reason : 'read'} after ${(performance.now() - started).toFixed(0)} ms; cap ${HTTP_DEFAULTS.maxResponseBytes / 1024} KiB, server had written ${(flood.sent() / 1024).toFixed(0)} KiB of an endless body`,
  );
  await flood.close();

  const key = testKey('RS256');
  const token = await mintJwt({ key });
  for (const mode of ['silent', 'trickle'] as const) {
    const upstream = await endlessServer(mode);
    const handler = bearerAuth({
      verifiers: [
        jwtVerifier({
          jwksUri: `${upstream.url}/jwks`,
          issuer: ISSUER,
          audience: AUDIENCE,
          timeoutMs: 1000,
        }),
      ],
      directory: memoryDirectory(USERS),
    });
    started = performance.now();
    const status = await invoke(handler, `Bearer ${token}`);
    report(
      `${mode} upstream (timeoutMs 1000)`,
      `${status} after ${(performance.now() - started).toFixed(0)} ms`,
    );
    await upstream.close();
  }
}

async function main(): Promise<void> {
  report(
    'node',
    `${process.version}, gc ${gc ? 'exposed' : 'not exposed'}, start RSS ${rssMb().toFixed(0)} MB`,
  );
  await garbageFlood();
  await chainFlood();
  await unknownKidFlood();
  await cacheBound();
  await upstreamBounds();
  process.stdout.write(
    `\n| measure | figure |\n| --- | --- |\n${rows.map(([l, v]) => `| ${l} | ${v} |`).join('\n')}\n`,
  );
}

await main();
