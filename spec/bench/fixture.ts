/**
 * The key material and tokens every benchmark server and the load driver share. The parent
 * builds it once (reusing the test helpers' keys and mintJwt) and writes it to a JSON file whose
 * path the children get in BENCH_FIXTURE; every server then verifies the very same token.
 */
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import type { Reply } from '../helpers/json-server.js';
import { USERS } from '../helpers/users.js';

export { AUDIENCE, ISSUER };

export type BenchAlg = 'RS256' | 'ES256' | 'EdDSA';

/** What the children read. */
export interface Fixture {
  keys: Record<BenchAlg, { kid: string; publicPem: string; publicJwk: JWK }>;
  /** One long-lived user token per algorithm: the "token reused" case. */
  tokens: Record<BenchAlg, string>;
  /** Distinct RS256 tokens, rotated through by the "fresh token" variant. */
  freshPool: string[];
  /** A client-credentials token (no end user) for the full chain. */
  serviceToken: string;
  /** Opaque token the local introspection server calls active. */
  opaqueToken: string;
  /** The directory entries (the route answers the caller's entry). */
  users: typeof USERS;
  /** An RFC 9068 token (`typ: at+jwt`, `iat`, `jti`, `client_id`, scopes in `permissions`) for the trust-check row. */
  trustToken: string;
  /** A DPoP proof key (ES256; the load driver signs a fresh proof per request) and an RS256 user token bound to it. */
  dpop: { privateJwk: JWK; publicJwk: JWK; token: string };
  /** Self-signed server and client certificates and a token bound to the client's (absent without `openssl`). */
  mtls?: {
    serverCert: string;
    serverKey: string;
    clientCert: string;
    clientKey: string;
    token: string;
  };
}

export const ALGS: readonly BenchAlg[] = ['RS256', 'ES256', 'EdDSA'];
export const CLIENT_ID = 'bench-client';
export const CLIENT_SECRET = 'bench-secret';
export const SERVICE_CLIENT = 'svc-reports-client';
/** Opaque tokens the introspection server accepts start with this. */
export const OPAQUE_PREFIX = 'op-';

/** The introspection answer for a token (RFC 7662 §2.2). */
export function introspectionAnswer(body: string): Reply {
  const token = new URLSearchParams(body).get('token') ?? '';
  if (!token.startsWith(OPAQUE_PREFIX)) return { json: { active: false } };
  return {
    json: {
      active: true,
      sub: 'user-1',
      aud: AUDIENCE,
      username: 'admin',
      scope: 'read write',
      client_id: 'web-app',
      token_type: 'Bearer',
      exp: Math.floor(Date.now() / 1000) + 3600,
    },
  };
}

/** Mints `count` distinct RS256 tokens (a `jti` each), a batch at a time. */
async function mintPool(count: number): Promise<string[]> {
  const pool: string[] = [];
  while (pool.length < count) {
    const batch = Math.min(500, count - pool.length);
    const start = pool.length;
    pool.push(
      ...(await Promise.all(
        Array.from({ length: batch }, (_, i) => mintJwt({ claims: { jti: `f${start + i}` } })),
      )),
    );
  }
  return pool;
}

/** A self-signed P-256 certificate and its key, made by the `openssl` command; undefined without it. */
function selfSigned(commonName: string): { cert: string; key: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'bearer-guard-bench-cert-'));
  try {
    const run = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '2',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    if (run.status !== 0) return undefined;
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const dayFromNow = () => Math.floor(Date.now() / 1000) + 86_400;

async function mtlsFixture(): Promise<Fixture['mtls']> {
  const server = selfSigned('127.0.0.1');
  const client = selfSigned('bench-client');
  if (!server || !client) return undefined;
  const thumbprint = createHash('sha256')
    .update(new X509Certificate(client.cert).raw)
    .digest('base64url');
  return {
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    token: await mintJwt({ claims: { exp: dayFromNow(), cnf: { 'x5t#S256': thumbprint } } }),
  };
}

/** Builds the fixture: keys, the reused tokens and `freshCount` distinct tokens. */
export async function buildFixture(freshCount: number): Promise<Fixture> {
  const keys = {} as Fixture['keys'];
  const tokens = {} as Fixture['tokens'];
  for (const alg of ALGS) {
    const key = testKey(alg);
    keys[alg] = { kid: key.kid, publicPem: key.publicPem, publicJwk: key.publicJwk };
    tokens[alg] = await mintJwt({ key, claims: { exp: dayFromNow() } });
  }
  const serviceToken = await mintJwt({
    claims: { sub: SERVICE_CLIENT, client_id: SERVICE_CLIENT, preferred_username: undefined },
  });
  const proofKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const proofJwk = proofKey.publicKey.export({ format: 'jwk' }) as JWK;
  const dpop = {
    privateJwk: proofKey.privateKey.export({ format: 'jwk' }) as JWK,
    publicJwk: proofJwk,
    token: await mintJwt({
      claims: { exp: dayFromNow(), cnf: { jkt: await calculateJwkThumbprint(proofJwk, 'sha256') } },
    }),
  };
  const trustToken = await mintJwt({
    header: { typ: 'at+jwt' },
    claims: {
      exp: dayFromNow(),
      jti: 'bench-trust-0001',
      client_id: 'web-app',
      permissions: ['read', 'write'],
    },
  });
  return {
    keys,
    tokens,
    trustToken,
    dpop,
    mtls: await mtlsFixture(),
    freshPool: await mintPool(freshCount),
    serviceToken,
    opaqueToken: `${OPAQUE_PREFIX}reused-token-0001`,
    users: USERS,
  };
}

export function writeFixture(path: string, fixture: Fixture): void {
  writeFileSync(path, JSON.stringify(fixture));
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The fixture a child was given in BENCH_FIXTURE. */
export function readFixture(): Fixture {
  return JSON.parse(readFileSync(requiredEnv('BENCH_FIXTURE'), 'utf8')) as Fixture;
}

/** Base URL of the upstreams child (JWKS at /jwks, RFC 7662 at /introspect, a userinfo at /userinfo), from BENCH_UPSTREAM. */
export function upstreamUrl(): string {
  return requiredEnv('BENCH_UPSTREAM');
}
