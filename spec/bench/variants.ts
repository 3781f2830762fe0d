/**
 * What the benchmark measures: groups of servers run side by side, each group bare Express, a
 * second bare Express (the control), bearer-guard's rows and the peers that do the same job.
 * Rows whose feature the package does not have yet are skipped with a note (`needs`), so the
 * benchmark runs on any branch.
 */

/**
 * The traffic a server's load driver sends (spec/bench/load.mjs):
 * - `reused:<fixture token>`: one token on every request (`rs256`, `trust`, `opaque`, and
 *   `mtls`: the certificate-bound token over plain HTTP);
 * - `pool`: the fixture's distinct RS256 tokens in turn, more than the cache holds;
 * - `l2pool`: the first `L2_POOL` of those, cycled through a verifier cache smaller than them;
 * - `cold`: a new opaque token per request (introspection without a cache hit);
 * - `dpop`: the DPoP-bound token with a new proof signed for each request;
 * - `mtls`: the certificate-bound token over TLS with the client certificate.
 */
export type Traffic =
  | 'reused:rs256'
  | 'reused:trust'
  | 'reused:opaque'
  | 'reused:mtls'
  | 'pool'
  | 'l2pool'
  | 'cold'
  | 'dpop'
  | 'mtls';

/**
 * What a row needs from the package: an export's name, `option:dpop` / `option:mtls` (a
 * `bearerAuth` option), `jwt:<option>` (a `jwtVerifier` option), `module:redis` (the
 * `bearer-guard/redis` adapters) or `service:redis` (a Redis server on 127.0.0.1:6379).
 */
export type Need = string;

export interface Row {
  id: string;
  label: string;
  /** Server entry and its argument. */
  entry: 'server.ts' | 'peers.mjs';
  arg: string;
  traffic: Traffic;
  needs?: readonly Need[];
  /** A peer library (the "best peer" of a group is the peer with the highest ratio). */
  peer?: boolean;
  /** The bare-vs-bare control: its ratio must read 1.00. */
  control?: boolean;
  /** A hand-written reference, not a library: how far the row's work can go (peers.mjs). */
  ceiling?: boolean;
}

export interface Group {
  id: string;
  title: string;
  /** The reference every row of the group is divided by (bare Express, over TLS for mTLS). */
  bare: Row;
  rows: readonly Row[];
}

/** Distinct tokens cycled by the shared-cache L2 row (its own cache holds a quarter of them). */
export const L2_POOL = 2000;

const bare = (tls = false): Row => ({
  id: tls ? 'bare-tls' : 'bare',
  label: tls ? 'bare Express over TLS (client certificate, no check)' : 'bare Express',
  entry: 'server.ts',
  arg: tls ? 'bare-tls' : 'bare',
  traffic: tls ? 'mtls' : 'reused:rs256',
});

const control = (group: string, tls = false): Row => ({
  id: `${group}:control`,
  label: 'control: a second bare Express',
  entry: 'server.ts',
  arg: tls ? 'bare-tls' : 'bare',
  traffic: tls ? 'mtls' : 'reused:rs256',
  control: true,
});

/** The hand-written ceiling of a group (spec/bench/peers.mjs `ceiling`). */
const ceiling = (group: string, cached: boolean, traffic: Traffic): Row => ({
  id: `${group}:ceiling`,
  label: cached
    ? 'ceiling, no library: token → Map → req.auth, synchronous'
    : 'ceiling, no library: synchronous node:crypto verify, key cached, iss/aud/exp checked',
  entry: 'peers.mjs',
  arg: cached ? 'ceiling-cached' : 'ceiling-uncached',
  traffic,
  ceiling: true,
});

const INTROSPECTION = ['introspectionVerifier'];
const REDIS = ['sharedCache', 'module:redis', 'service:redis'];

/** The four peers, with the traffic of their group. */
function peers(group: string, traffic: Traffic): Row[] {
  const peer = (arg: string, label: string): Row => ({
    id: `${group}:${arg}`,
    label,
    entry: 'peers.mjs',
    arg,
    traffic,
    peer: true,
  });
  return [
    peer('express-oauth2-jwt-bearer', 'express-oauth2-jwt-bearer (remote JWKS)'),
    peer('express-jwt', 'express-jwt + jwks-rsa (remote JWKS)'),
    peer('passport-jwt', 'passport-jwt (public key)'),
    peer('passport-http-bearer', 'passport-http-bearer + jose jwtVerify (public key)'),
  ];
}

export const GROUPS: readonly Group[] = [
  {
    id: 'reused',
    title: 'Reused JWT (RS256, cache hit)',
    bare: bare(),
    rows: [
      control('reused'),
      {
        id: 'jwt-root',
        label: 'bearer-guard, JWT reused, mounted at the root',
        entry: 'server.ts',
        arg: 'jwt-root',
        traffic: 'reused:rs256',
      },
      {
        id: 'jwt-mount',
        label: 'bearer-guard, JWT reused, mounted at /rest/api',
        entry: 'server.ts',
        arg: 'jwt-mount',
        traffic: 'reused:rs256',
      },
      {
        id: 'trust-checks',
        label: 'bearer-guard, JWT reused with typ at+jwt, maxTokenAge and scopeClaims',
        entry: 'server.ts',
        arg: 'trust-checks',
        traffic: 'reused:trust',
        needs: ['jwt:scopeClaims', 'jwt:maxTokenAge', 'jwt:typ'],
      },
      ...peers('reused', 'reused:rs256'),
      ceiling('reused', true, 'reused:rs256'),
    ],
  },
  {
    id: 'first-sight',
    title: 'First sight (every request a token never seen, RS256)',
    bare: bare(),
    rows: [
      control('first-sight'),
      {
        id: 'first-sight',
        label: 'bearer-guard, a token not in the cache on every request',
        entry: 'server.ts',
        arg: 'first-sight',
        traffic: 'pool',
      },
      ...peers('first-sight', 'pool'),
      ceiling('first-sight', false, 'pool'),
    ],
  },
  {
    id: 'upstream',
    title: 'Introspection, provider and full chain',
    bare: bare(),
    rows: [
      control('upstream'),
      {
        id: 'introspection',
        label: 'introspection (RFC 7662), cached answer',
        entry: 'server.ts',
        arg: 'introspection',
        traffic: 'reused:opaque',
        needs: INTROSPECTION,
      },
      {
        id: 'introspection-cold',
        label: 'introspection, a cold token per request (one upstream call each)',
        entry: 'server.ts',
        arg: 'introspection-cold',
        traffic: 'cold',
        needs: INTROSPECTION,
      },
      {
        id: 'provider',
        label: 'oauthProviderVerifier custom preset, cached userinfo answer',
        entry: 'server.ts',
        arg: 'provider',
        traffic: 'reused:opaque',
        needs: ['oauthProviderVerifier'],
      },
      {
        id: 'chain',
        label: 'full chain [clientCredentials, jwt, introspection], RS256 user token',
        entry: 'server.ts',
        arg: 'chain',
        traffic: 'reused:rs256',
        needs: ['clientCredentialsVerifier', ...INTROSPECTION],
      },
    ],
  },
  {
    id: 'bound',
    title: 'DPoP, mTLS behind a proxy, and the shared cache',
    bare: bare(),
    rows: [
      control('bound'),
      {
        id: 'dpop',
        label: 'DPoP: bound JWT reused, a new ES256 proof per request',
        entry: 'server.ts',
        arg: 'dpop',
        traffic: 'dpop',
        needs: ['option:dpop'],
      },
      {
        id: 'shared-l1',
        label: 'shared cache (Redis), L1 hit: JWT reused',
        entry: 'server.ts',
        arg: 'shared-l1',
        traffic: 'reused:rs256',
        needs: REDIS,
      },
      {
        id: 'shared-l2',
        label: `shared cache (Redis), L2 hit: ${L2_POOL} tokens through an L1 of ${L2_POOL / 4}`,
        entry: 'server.ts',
        arg: 'shared-l2',
        traffic: 'l2pool',
        needs: REDIS,
      },
      {
        id: 'mtls-forwarded',
        label:
          'mTLS behind a proxy: certificate-bound JWT reused, the certificate (PEM) handed over per request, plain HTTP',
        entry: 'server.ts',
        arg: 'mtls-forwarded',
        traffic: 'reused:mtls',
        needs: ['option:mtls', 'tool:openssl'],
      },
    ],
  },
  {
    id: 'mtls',
    title: 'mTLS (over TLS, against bare Express over TLS)',
    bare: bare(true),
    rows: [
      control('mtls', true),
      {
        id: 'mtls',
        label: 'mTLS: certificate-bound JWT reused, certificate from the socket',
        entry: 'server.ts',
        arg: 'mtls',
        traffic: 'mtls',
        needs: ['option:mtls', 'tool:openssl'],
      },
    ],
  },
];

/** Every row id and group id, for BENCH_ONLY. */
export function allIds(): string[] {
  return GROUPS.flatMap((g) => [g.id, ...g.rows.map((r) => r.id)]);
}
