/**
 * Scale and bounds, in one process started with --expose-gc (the parent sends `{ cmd: 'run' }`
 * and gets the figures back):
 * - 1 000 concurrent requests with one cold opaque token → exactly one introspection call;
 * - 100 000 distinct forged tokens → no upstream call, bounded memory;
 * - 100 000 distinct valid JWTs → the verified-token cache stays at its `max`, bounded memory.
 * Upstreams are counting loopback servers. The floods call the verifier chain directly, without
 * HTTP, so that they take seconds, not minutes.
 */
import express from 'express';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { runChain } from '../../lib/chain.js';
import * as bearerGuard from '../../lib/index.js';
import {
  bearerAuth,
  jwtVerifier,
  memoryDirectory,
  type Verifier,
  type VerifyContext,
} from '../../lib/index.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { AUDIENCE, b64url, forgeJwt, ISSUER, mintJwt, nowSeconds } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';
import { CLIENT_ID, CLIENT_SECRET, OPAQUE_PREFIX, introspectionAnswer } from './fixture.js';
import type { ScaleFigure } from './report.js';

const lib = bearerGuard as unknown as Record<string, unknown>;
const FLOOD = Number(process.env.BENCH_FLOOD ?? 100_000);
const BATCH = 500;
const MB = 2 ** 20;

type Factory = (options: Record<string, unknown>) => Verifier;
const introspectionVerifier =
  typeof lib.introspectionVerifier === 'function'
    ? (lib.introspectionVerifier as Factory)
    : undefined;

const context = { req: {}, signal: new AbortController().signal } as unknown as VerifyContext;

function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
}

const signedMb = (bytes: number) =>
  `${bytes < 0 ? '−' : '+'}${(Math.abs(bytes) / MB).toFixed(1)} MB`;
const growth = (before: { rss: number; heap: number }, after: { rss: number; heap: number }) =>
  `RSS ${signedMb(after.rss - before.rss)}, heap ${signedMb(after.heap - before.heap)}`;

const calls = { introspect: 0, jwks: 0 };

async function introspectionServer(delayMs: number): Promise<JsonServer> {
  const upstream = await startJsonServer((req) => {
    upstream.requests.length = 0; // only the count matters
    calls.introspect++;
    return { ...introspectionAnswer(req.body), delayMs };
  });
  return upstream;
}

/** 1 000 concurrent requests, one opaque token nobody has seen: one upstream call. */
async function coldConcurrent(figures: ScaleFigure[]): Promise<void> {
  if (!introspectionVerifier) return;
  calls.introspect = 0;
  const server = await introspectionServer(200);
  const app = express();
  app.use(
    '/rest/api',
    bearerAuth({
      verifiers: [
        introspectionVerifier({
          endpoint: `${server.url}/introspect`,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          audience: false,
        }),
      ],
      directory: memoryDirectory(USERS),
    }),
  );
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user);
  });
  const api = app.listen({ port: 0, host: '127.0.0.1', backlog: 2048 });
  await new Promise((resolve) => api.once('listening', resolve));
  const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/rest/api/2/myself`;
  const token = `${OPAQUE_PREFIX}cold-${randomBytes(12).toString('base64url')}`;
  const statuses = await Promise.all(
    Array.from({ length: 1000 }, async () => {
      const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await answer.arrayBuffer();
      return answer.status;
    }),
  );
  const ok = statuses.filter((s) => s === 200).length;
  figures.push({
    check: '1 000 concurrent requests, one cold opaque token',
    result: `${calls.introspect} introspection call(s); ${ok} of 1 000 answered 200`,
    target: 'exactly 1 upstream call',
    met: calls.introspect === 1 && ok === 1000,
  });
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  await server.close();
}

/** A forged token of one of several kinds, all claiming our issuer (so the JWT verifier owns them). */
function forged(i: number): string {
  const claims = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: `u${i}`,
    exp: nowSeconds() + 3600,
    jti: `${i}`,
  };
  const signature = randomBytes(256).toString('base64url');
  switch (i % 4) {
    case 0: // right key id, wrong signature
      return forgeJwt({ alg: 'RS256', kid: 'rs256-1', typ: 'JWT' }, claims, signature);
    case 1: // unknown key id
      return forgeJwt({ alg: 'RS256', kid: `k${i}`, typ: 'JWT' }, claims, signature);
    case 2: // algorithm confusion: HMAC
      return forgeJwt({ alg: 'HS256', kid: 'rs256-1' }, claims, signature.slice(0, 43));
    default: // unsecured
      return `${b64url({ alg: 'none' })}.${b64url(claims)}.`;
  }
}

/** 100 000 distinct forged tokens: refused without any upstream call, memory bounded. */
async function garbageFlood(figures: ScaleFigure[], notes: string[]): Promise<void> {
  calls.jwks = 0;
  calls.introspect = 0;
  const keys = jwksOf(testKey('RS256'));
  const jwks = await startJsonServer(() => {
    calls.jwks++;
    return { json: keys };
  });
  const server = await introspectionServer(0);
  const verifiers: Verifier[] = [
    jwtVerifier({ jwksUri: `${jwks.url}/jwks`, issuer: ISSUER, audience: AUDIENCE }),
  ];
  if (introspectionVerifier) {
    verifiers.push(
      introspectionVerifier({
        endpoint: `${server.url}/introspect`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        audience: false,
      }),
    );
  } else
    notes.push(
      'garbage flood ran with the JWT verifier alone: introspectionVerifier is not exported',
    );
  const warm = await runChain(verifiers, await mintJwt(), context);
  if (warm.kind !== 'accept') throw new Error(`warm-up token refused: ${warm.kind}`);
  calls.jwks = 0;
  const before = memory();
  const started = Date.now();
  let accepted = 0;
  for (let i = 0; i < FLOOD; i += BATCH) {
    const results = await Promise.all(
      Array.from({ length: Math.min(BATCH, FLOOD - i) }, (_, j) =>
        runChain(verifiers, forged(i + j), context),
      ),
    );
    accepted += results.filter((r) => r.kind === 'accept').length;
  }
  const seconds = (Date.now() - started) / 1000;
  const after = memory();
  const upstream = calls.jwks + calls.introspect;
  figures.push({
    check: `${FLOOD.toLocaleString('en')} distinct forged tokens (bad signature, unknown kid, HS256, none)`,
    result: `${upstream} upstream calls (JWKS ${calls.jwks}, introspection ${calls.introspect}); ${accepted} accepted; ${growth(before, after)}; ${seconds.toFixed(1)} s`,
    target: '0 upstream calls, RSS growth < 50 MB',
    met: upstream === 0 && accepted === 0 && after.rss - before.rss < 50 * MB,
  });
  await jwks.close();
  await server.close();
}

/** 100 000 distinct valid JWTs: the cache holds `max` of them, no more. */
async function validFlood(figures: ScaleFigure[]): Promise<void> {
  const key = testKey('ES256');
  const max = 10_000;
  const jwt = jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE });
  const recent: string[] = [];
  const before = memory();
  const started = Date.now();
  let accepted = 0;
  for (let i = 0; i < FLOOD; i += BATCH) {
    const tokens = await Promise.all(
      Array.from({ length: Math.min(BATCH, FLOOD - i) }, (_, j) =>
        mintJwt({ key, claims: { jti: `v${i + j}` } }),
      ),
    );
    const verdicts = await Promise.all(tokens.map((token) => jwt.verify(token, context)));
    accepted += verdicts.filter((v) => v.kind === 'accept').length;
    if (i >= FLOOD - 2 * max) recent.push(...tokens);
  }
  const seconds = (Date.now() - started) / 1000;
  const after = memory();
  // forget() says whether a token was cached: of the last 2 × max tokens, exactly max are.
  const cached = recent.filter((token) => jwt.forget(token)).length;
  figures.push({
    check: `${FLOOD.toLocaleString('en')} distinct valid JWTs (ES256), default cache (max ${max.toLocaleString('en')})`,
    result: `${accepted.toLocaleString('en')} accepted; ${cached.toLocaleString('en')} of the last ${recent.length.toLocaleString('en')} cached; ${growth(before, after)}; ${seconds.toFixed(1)} s`,
    target: `cache stays at max (${max.toLocaleString('en')}); RSS growth reported`,
    met: cached === Math.min(max, FLOOD) && accepted === FLOOD,
  });
}

async function run(): Promise<{ figures: ScaleFigure[]; notes: string[] }> {
  const figures: ScaleFigure[] = [];
  const notes: string[] = [];
  if (!introspectionVerifier) {
    notes.push('the cold-token check was skipped: introspectionVerifier is not exported yet');
  }
  await coldConcurrent(figures);
  await garbageFlood(figures, notes);
  await validFlood(figures);
  return { figures, notes };
}

process.on('message', () => {
  run().then(
    (result) => process.send?.(result),
    (error: unknown) =>
      process.send?.({ figures: [], notes: [`scale checks failed: ${String(error)}`] }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
