/**
 * jwtVerifier's options, their defaults and the one function that checks them at construction.
 */
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import {
  normalizeCacheOption,
  type ResolvedTokenCacheOptions,
  type TokenCacheOptions,
} from '../cache/token-cache.js';
import type { Claims } from '../types.js';
import { ASYMMETRIC_ALGORITHMS } from './jwt-algorithms.js';
import { singleKey, staticKeySet, type KeySource } from './jwt-keys.js';
import { discoveryKeySet, jwksUriKeySet } from './jwt-remote-keys.js';

/** How the username is read from the claims: a claim name, names tried in order, or a function. */
export type UsernameClaim = string | readonly string[] | ((claims: Claims) => string | undefined);

/** Options of `jwtVerifier`. Exactly one of `publicKey`, `jwks`, `jwksUri`, `discovery`. */
export interface JwtVerifierOptions {
  /** A public key: PEM (SPKI, PKCS#1 or certificate), a public JWK, or a `KeyObject`. */
  publicKey?: string | JWK | KeyObject;
  /** A JWK Set object (`{ keys: [...] }`) of public keys. */
  jwks?: { keys: JWK[] };
  /** A remote JWK Set, fetched on first use and refetched for an unknown `kid` (once per cooldown). */
  jwksUri?: string | URL;
  /** An issuer URL whose `/.well-known/openid-configuration` gives `issuer` and `jwks_uri`. */
  discovery?: string | URL;
  /** Expected `iss`. A token from another issuer is passed to the next verifier. */
  issuer?: string | readonly string[];
  /** Expected `aud` (any of). */
  audience?: string | readonly string[];
  /** Allowed `alg` values; inferred from the key when omitted. `none` and HMAC are refused. */
  algorithms?: readonly string[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5. */
  clockTolerance?: number;
  /** Where the username comes from. Default: first of `preferred_username`, `username`, `upn`, `email`, `sub`. */
  usernameClaim?: UsernameClaim;
  /** Claims that must be present. */
  requiredClaims?: readonly string[];
  /** Expected `typ` header, e.g. `'at+jwt'` for RFC 9068 access tokens. */
  typ?: string;
  /** Verifier name in decisions. Default `'jwt'`. */
  name?: string;
  /** Verified-token cache; `false` turns it off. Default `{ max: 10000, ttlSeconds: 300 }`. */
  cache?: TokenCacheOptions | false;
  /** Least time between two fetches of a remote key set, in milliseconds. Default 30 000. */
  cooldownMs?: number;
  /** A fetched key set is refreshed after this many milliseconds. Default 600 000. */
  jwksMaxAgeMs?: number;
  /** Timeout of a key-set or discovery fetch, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Allow plain `http:` to non-loopback hosts. Default `false`. */
  allowInsecureHttp?: boolean;
  /** Clock in milliseconds since the epoch (tests inject one). Default `Date.now`. */
  now?: () => number;
}

/** jwtVerifier's options after defaults and checks. */
export interface ResolvedJwtOptions {
  readonly name: string;
  readonly keys: KeySource;
  readonly issuer: readonly string[] | undefined;
  readonly audience: readonly string[] | undefined;
  readonly algorithms: readonly string[];
  readonly clockTolerance: number;
  readonly usernameClaim: (claims: Claims) => string | undefined;
  readonly requiredClaims: readonly string[];
  readonly typ: string | undefined;
  readonly cache: ResolvedTokenCacheOptions | false;
  readonly now: () => number;
}

/** Defaults of `jwtVerifier`. */
export const JWT_DEFAULTS = Object.freeze({
  name: 'jwt',
  clockTolerance: 5,
  usernameClaims: Object.freeze(['preferred_username', 'username', 'upn', 'email', 'sub']),
  cooldownMs: 30_000,
  jwksMaxAgeMs: 600_000,
  timeoutMs: 5000,
});

const KEY_SOURCES = ['publicKey', 'jwks', 'jwksUri', 'discovery'] as const;

function fail(message: string): never {
  throw new TypeError(`jwtVerifier: ${message}`);
}

function stringList(option: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((v) => typeof v === 'string' && v !== '')
  ) {
    fail(`"${option}" option must be a non-empty string or array of non-empty strings`);
  }
  return Object.freeze([...(list as string[])]);
}

function usernameReader(value: unknown): (claims: Claims) => string | undefined {
  if (typeof value === 'function') {
    const read = value as (claims: Claims) => unknown;
    return (claims) => {
      const name = read(claims);
      return typeof name === 'string' && name !== '' ? name : undefined;
    };
  }
  const names = stringList('usernameClaim', value) ?? JWT_DEFAULTS.usernameClaims;
  return (claims) => {
    for (const name of names) {
      const candidate = Object.prototype.hasOwnProperty.call(claims, name)
        ? claims[name]
        : undefined;
      if (typeof candidate === 'string' && candidate !== '') return candidate;
    }
    return undefined;
  };
}

function nonNegative(option: string, value: unknown, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved < 0) {
    fail(`"${option}" option must be a non-negative number`);
  }
  return resolved;
}

/** Checks `options`, applies defaults, builds the key source (no network) and freezes the result. */
export function normalizeJwtOptions(options: JwtVerifierOptions): ResolvedJwtOptions {
  if (typeof options !== 'object' || options === null) fail('options object is required');
  const given = KEY_SOURCES.filter((source) => options[source] !== undefined);
  if (given.length !== 1) {
    fail(
      `exactly one of "publicKey", "jwks", "jwksUri", "discovery" is required (got ${given.length === 0 ? 'none' : given.map((g) => `"${g}"`).join(' and ')})`,
    );
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('"now" option must be a function');
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  if (typeof allowInsecureHttp !== 'boolean') fail('"allowInsecureHttp" option must be a boolean');
  const remote = {
    cooldownMs: nonNegative('cooldownMs', options.cooldownMs, JWT_DEFAULTS.cooldownMs),
    maxAgeMs: nonNegative('jwksMaxAgeMs', options.jwksMaxAgeMs, JWT_DEFAULTS.jwksMaxAgeMs),
    timeoutMs: nonNegative('timeoutMs', options.timeoutMs, JWT_DEFAULTS.timeoutMs),
    allowInsecureHttp,
    now,
  };
  const keys =
    options.publicKey !== undefined
      ? singleKey(options.publicKey)
      : options.jwks !== undefined
        ? staticKeySet(options.jwks)
        : options.jwksUri !== undefined
          ? jwksUriKeySet(options.jwksUri, remote)
          : discoveryKeySet(options.discovery, remote);

  const requested = stringList('algorithms', options.algorithms);
  for (const alg of requested ?? []) {
    if (alg.toLowerCase() === 'none' || /^HS/i.test(alg)) {
      fail(
        `"algorithms" option must not contain "${alg}": bearer-guard verifies public-key signatures only`,
      );
    }
    if (!ASYMMETRIC_ALGORITHMS.includes(alg))
      fail(`"algorithms" option: unsupported algorithm "${alg}"`);
    if (keys.algorithms && !keys.algorithms.includes(alg)) {
      fail(`"algorithms" option: "${alg}" cannot be verified with the configured key`);
    }
  }
  const algorithms = requested ?? keys.algorithms ?? ASYMMETRIC_ALGORITHMS;

  const name = options.name ?? JWT_DEFAULTS.name;
  if (typeof name !== 'string' || name === '') fail('"name" option must be a non-empty string');
  if (options.typ !== undefined && (typeof options.typ !== 'string' || options.typ === '')) {
    fail('"typ" option must be a non-empty string');
  }
  const issuer = stringList('issuer', options.issuer);
  if (options.discovery !== undefined && issuer && issuer.length !== 1)
    fail('"issuer" option with "discovery" must be one issuer');
  return Object.freeze({
    name,
    keys,
    issuer,
    audience: stringList('audience', options.audience),
    algorithms: Object.freeze([...algorithms]),
    clockTolerance: nonNegative(
      'clockTolerance',
      options.clockTolerance,
      JWT_DEFAULTS.clockTolerance,
    ),
    usernameClaim: usernameReader(options.usernameClaim),
    requiredClaims: stringList('requiredClaims', options.requiredClaims) ?? [],
    typ: options.typ,
    cache: normalizeCacheOption('jwtVerifier', options.cache),
    now,
  });
}
