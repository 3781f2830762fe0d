/**
 * What the benchmark measures: every server variant, the token traffic it gets, and what it
 * needs from the package. Variants whose verifiers the package does not export are skipped
 * with a note, so the benchmark runs on any branch.
 */
import type { Fixture } from './fixture.js';

export interface Variant {
  id: string;
  label: string;
  /** Server entry and its argument. */
  entry: 'server.ts' | 'peers.mjs';
  arg: string;
  /** Token traffic for the load driver: `reused:<token>`, `pool` or `cold`. */
  tokens: (fixture: Fixture) => string;
  /** Exports of the package the variant needs. */
  needs?: readonly string[];
  /** For peers: the bearer-guard variant with the same key source. */
  ours?: string;
}

const reused = (pick: (fixture: Fixture) => string) => (fixture: Fixture) =>
  `reused:${pick(fixture)}`;
const rs256 = reused((f) => f.tokens.RS256);
const INTROSPECTION = ['introspectionVerifier'];

export const BARE: Variant = {
  id: 'bare',
  label: 'bare Express (the limit)',
  entry: 'server.ts',
  arg: 'bare',
  tokens: rs256,
};

export const VARIANTS: readonly Variant[] = [
  {
    id: 'noop',
    label: 'an async no-op middleware on /rest/api (the floor of any middleware)',
    entry: 'server.ts',
    arg: 'noop',
    tokens: rs256,
  },
  {
    id: 'rs256-key',
    label: 'JWT RS256, public key',
    entry: 'server.ts',
    arg: 'rs256-key',
    tokens: rs256,
  },
  {
    id: 'es256-key',
    label: 'JWT ES256, public key',
    entry: 'server.ts',
    arg: 'es256-key',
    tokens: reused((f) => f.tokens.ES256),
  },
  {
    id: 'eddsa-key',
    label: 'JWT EdDSA, public key',
    entry: 'server.ts',
    arg: 'eddsa-key',
    tokens: reused((f) => f.tokens.EdDSA),
  },
  {
    id: 'rs256-jwks',
    label: 'JWT RS256, remote JWKS',
    entry: 'server.ts',
    arg: 'rs256-jwks',
    tokens: rs256,
  },
  {
    id: 'es256-jwks',
    label: 'JWT ES256, remote JWKS',
    entry: 'server.ts',
    arg: 'es256-jwks',
    tokens: reused((f) => f.tokens.ES256),
  },
  {
    id: 'eddsa-jwks',
    label: 'JWT EdDSA, remote JWKS',
    entry: 'server.ts',
    arg: 'eddsa-jwks',
    tokens: reused((f) => f.tokens.EdDSA),
  },
  {
    id: 'mtls',
    label: 'JWT RS256, certificate-bound (mTLS), certificate parsed per request',
    entry: 'server.ts',
    arg: 'mtls',
    tokens: reused((f) => f.certificateBoundToken),
  },
  {
    id: 'rs256-fresh',
    label: 'JWT RS256, a fresh token per request',
    entry: 'server.ts',
    arg: 'rs256-fresh',
    tokens: () => 'pool',
  },
  {
    id: 'dpop',
    label: 'JWT RS256 DPoP-bound, token reused, a new ES256 proof per request',
    entry: 'server.ts',
    arg: 'dpop',
    tokens: () => 'dpop',
  },
  {
    id: 'introspection',
    label: 'introspection (RFC 7662), token reused',
    entry: 'server.ts',
    arg: 'introspection',
    tokens: reused((f) => f.opaqueToken),
    needs: INTROSPECTION,
  },
  {
    id: 'introspection-cold',
    label: 'introspection, a cold token per request',
    entry: 'server.ts',
    arg: 'introspection-cold',
    tokens: () => 'cold',
    needs: INTROSPECTION,
  },
  {
    id: 'chain',
    label: 'chain [clientCredentials, jwt, introspection], RS256 user token',
    entry: 'server.ts',
    arg: 'chain',
    tokens: rs256,
    needs: ['clientCredentialsVerifier', ...INTROSPECTION],
  },
  {
    id: 'express-oauth2-jwt-bearer',
    label: 'express-oauth2-jwt-bearer (remote JWKS)',
    entry: 'peers.mjs',
    arg: 'express-oauth2-jwt-bearer',
    tokens: rs256,
    ours: 'rs256-jwks',
  },
  {
    id: 'express-jwt',
    label: 'express-jwt + jwks-rsa (remote JWKS)',
    entry: 'peers.mjs',
    arg: 'express-jwt',
    tokens: rs256,
    ours: 'rs256-jwks',
  },
  {
    id: 'passport-http-bearer',
    label: 'passport-http-bearer + jose jwtVerify (public key)',
    entry: 'peers.mjs',
    arg: 'passport-http-bearer',
    tokens: rs256,
    ours: 'rs256-key',
  },
  {
    id: 'passport-jwt',
    label: 'passport-jwt (public key)',
    entry: 'peers.mjs',
    arg: 'passport-jwt',
    tokens: rs256,
    ours: 'rs256-key',
  },
];
