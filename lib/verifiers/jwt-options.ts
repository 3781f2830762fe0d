/**
 * jwtVerifier's options, their defaults and the one function that checks them at construction.
 */
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Dispatcher } from 'undici';
import { normalizeCacheOption, type TokenCacheOptions } from '../cache/token-cache.js';
import type { Claims } from '../types.js';
import { checkKnownOptions } from '../util/known-options.js';
import { ASYMMETRIC_ALGORITHMS, HMAC_MIN_BYTES } from './jwt-algorithms.js';
import { hmacSecret, singleKey, staticKeySet, type KeySource } from './jwt-keys.js';
import { discoveryKeySet, jwksUriKeySet } from './jwt-remote-keys.js';

/**
 * How the username is read from the claims: a claim name, names tried in order, or a function.
 * In the default list, `email` stands for the verified e-mail only; a name given here is read as
 * the token states it.
 */
export type UsernameClaim = string | readonly string[] | ((claims: Claims) => string | undefined);

/**
 * Options of `jwtVerifier`. Exactly one key source: `publicKey`, `secret`, `jwks`, `jwksUri` or
 * `discovery`. `audience` is always required, `issuer` with every source but `discovery`;
 * `false` switches either check off and must be written out.
 */
export interface JwtVerifierOptions {
  /** A public key: PEM (SPKI, PKCS#1 or certificate), a public JWK, or a `KeyObject`. */
  publicKey?: string | JWK | KeyObject;
  /**
   * A shared HMAC secret: a string (UTF-8) or bytes, at least 32 bytes (HS256), 48 (HS384) or
   * 64 (HS512), RFC 7518 §3.2. Only HS256/384/512 tokens are then accepted.
   */
  secret?: string | Uint8Array;
  /** A JWK Set object (`{ keys: [...] }`) of public keys. */
  jwks?: { keys: JWK[] };
  /** A remote JWK Set, fetched on first use and refetched for an unknown `kid` (once per cooldown). */
  jwksUri?: string | URL;
  /**
   * The issuer URL, or the full URL of its metadata document (`…/.well-known/openid-configuration`
   * or `…/.well-known/oauth-authorization-server[/path]`). OIDC discovery is tried first, RFC 8414
   * when it answers 404 or 405; the document's `issuer` becomes the expected `iss`.
   */
  discovery?: string | URL;
  /**
   * Expected `iss` (any of). Required with `publicKey`, `secret`, `jwks` and `jwksUri`; `false`
   * checks no issuer at all. A token from another issuer is passed to the next verifier.
   */
  issuer?: string | readonly string[] | false;
  /** Expected `aud` (any of). Required; `false` checks no audience at all. */
  audience: string | readonly string[] | false;
  /** Allowed `alg` values; inferred from the key when omitted. `none` is refused. */
  algorithms?: readonly string[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5. */
  clockTolerance?: number;
  /** Largest age of a token (seconds since its `iat`); a token without `iat` is then refused. */
  maxTokenAge?: number;
  /** Where the username comes from. Default: first of `preferred_username`, `username`, `upn`, `email` (verified), `sub`. */
  usernameClaim?: UsernameClaim;
  /** Claims that must be present. */
  requiredClaims?: readonly string[];
  /** `'at+jwt'`: only RFC 9068 access tokens (`typ` `at+jwt` / `application/at+jwt`). */
  typ?: string;
  /** Trust an `email` whose token says nothing about verification (no `email_verified`). Default `false`. */
  trustEmail?: boolean;
  /** Claims whose values are scopes too, beside `scope`/`scp` (e.g. `['permissions']`, `['roles']`). */
  scopeClaims?: string | readonly string[];
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
  /** A failed key-set or metadata fetch is tried again after at most this many seconds. Default 5. */
  retryAfterSeconds?: number;
  /** The undici `Dispatcher` key-set and discovery fetches go through (proxy, custom TLS, MockAgent). */
  dispatcher?: Dispatcher;
  /** Allow plain `http:` to non-loopback hosts. Default `false`. */
  allowInsecureHttp?: boolean;
  /** Clock in milliseconds since the epoch (tests inject one). Default `Date.now`. */
  now?: () => number;
}

/** jwtVerifier's options after defaults and checks. */
export interface ResolvedJwtOptions {
  readonly name: string;
  readonly keys: KeySource;
  /** `undefined`: taken from discovery; `false`: not checked. */
  readonly issuer: readonly string[] | false | undefined;
  /** `false`: not checked. */
  readonly audience: readonly string[] | false;
  readonly algorithms: readonly string[];
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly usernameClaim: (claims: Claims, verifiedEmail?: string) => string | undefined;
  readonly requiredClaims: readonly string[];
  /** `true`: RFC 9068 `at+jwt` only. */
  readonly requireAtJwt: boolean;
  readonly trustEmail: boolean;
  readonly scopeClaims: readonly string[];
  readonly cache: Required<TokenCacheOptions> | false;
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
  retryAfterSeconds: 5,
});

/** Every option `jwtVerifier` knows. */
const KNOWN_OPTIONS = Object.freeze([
  'publicKey',
  'secret',
  'jwks',
  'jwksUri',
  'discovery',
  'issuer',
  'audience',
  'algorithms',
  'clockTolerance',
  'maxTokenAge',
  'usernameClaim',
  'requiredClaims',
  'typ',
  'trustEmail',
  'scopeClaims',
  'name',
  'cache',
  'cooldownMs',
  'jwksMaxAgeMs',
  'timeoutMs',
  'retryAfterSeconds',
  'dispatcher',
  'allowInsecureHttp',
  'now',
]);

/** What to write instead, for names other libraries (and other factories) use. */
const HINTS: Readonly<Record<string, string>> = Object.freeze({
  issuerBaseURL:
    'write "discovery": <issuer URL> (the issuer is then checked against its metadata document)',
  issuerBaseUrl: 'write "discovery": <issuer URL>',
  secretOrKey: 'write "publicKey" (PEM, JWK or KeyObject) or "secret" (HMAC, at least 32 bytes)',
  tokenSigningAlg: 'write "algorithms": [<alg>]',
  algorithm: 'write "algorithms": [<alg>] (a list)',
  audiences: 'write "audience" (a string or a list)',
  aud: 'write "audience"',
  iss: 'write "issuer"',
  expectedAudience: 'write "audience"',
  jwksUrl: 'write "jwksUri"',
  jwksURI: 'write "jwksUri"',
  maxAge: 'write "maxTokenAge" (seconds since the token\'s iat)',
  clockSkew: 'write "clockTolerance" (seconds)',
  clockToleranceSeconds: 'write "clockTolerance" (seconds)',
  endpoint: 'jwtVerifier checks JWTs locally; introspection is introspectionVerifier({ endpoint })',
  cacheMaxAge: 'write "jwksMaxAgeMs" (milliseconds)',
});

const KEY_SOURCES = ['publicKey', 'secret', 'jwks', 'jwksUri', 'discovery'] as const;

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

/** `audience` / `issuer`: a value, a list, or `false`; absent is a mistake (`required`). */
function decision(
  option: 'audience' | 'issuer',
  value: unknown,
  what: string,
): readonly string[] | false {
  if (value === false) return false;
  if (value === undefined) {
    fail(
      `"${option}" option is required: ${what}, or write "${option}: false" to accept tokens of any ${option}`,
    );
  }
  if (typeof value !== 'string' && !Array.isArray(value)) {
    fail(`"${option}" option must be a string, an array of strings, or false`);
  }
  return stringList(option, value) as readonly string[];
}

function usernameReader(
  value: unknown,
): (claims: Claims, verifiedEmail?: string) => string | undefined {
  if (typeof value === 'function') {
    const read = value as (claims: Claims) => unknown;
    return (claims) => {
      const name = read(claims);
      return typeof name === 'string' && name !== '' ? name : undefined;
    };
  }
  const given = stringList('usernameClaim', value);
  const names = given ?? JWT_DEFAULTS.usernameClaims;
  // In the default list `email` is the verified address; a list the application wrote is its own.
  const emailIsVerified = given === undefined;
  return (claims, verifiedEmail) => {
    for (const name of names) {
      const candidate =
        name === 'email' && emailIsVerified
          ? verifiedEmail
          : Object.prototype.hasOwnProperty.call(claims, name)
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

function optionalBoolean(option: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(`"${option}" option must be a boolean`);
  return value;
}

function isDispatcher(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { dispatch?: unknown }).dispatch === 'function'
  );
}

/** RFC 9068 access-token types the `typ` option may require. */
const AT_JWT_TYPES = ['at+jwt', 'application/at+jwt'];

/** The `algorithms` option, checked against the key source. */
function allowedAlgorithms(requested: readonly string[] | undefined, keys: KeySource): string[] {
  for (const alg of requested ?? []) {
    if (alg.toLowerCase() === 'none') fail(`"algorithms" option must not contain "${alg}"`);
    const hmac = Object.prototype.hasOwnProperty.call(HMAC_MIN_BYTES, alg);
    if (keys.symmetric) {
      if (!hmac) {
        fail(`"algorithms" option: a "secret" verifies HS256, HS384 or HS512 only, not "${alg}"`);
      }
      if (!keys.algorithms?.includes(alg)) {
        fail(
          `"algorithms" option: "secret" is too short for ${alg} (at least ${HMAC_MIN_BYTES[alg]} bytes, RFC 7518 §3.2)`,
        );
      }
      continue;
    }
    if (hmac || /^HS/i.test(alg)) {
      fail(
        `"algorithms" option must not contain "${alg}" with a public key: HMAC needs the "secret" option`,
      );
    }
    if (!ASYMMETRIC_ALGORITHMS.includes(alg))
      fail(`"algorithms" option: unsupported algorithm "${alg}"`);
    if (keys.algorithms && !keys.algorithms.includes(alg)) {
      fail(`"algorithms" option: "${alg}" cannot be verified with the configured key`);
    }
  }
  return [...(requested ?? keys.algorithms ?? ASYMMETRIC_ALGORITHMS)];
}

/** Checks `options`, applies defaults, builds the key source (no network) and freezes the result. */
export function normalizeJwtOptions(options: JwtVerifierOptions): ResolvedJwtOptions {
  if (typeof options !== 'object' || options === null) fail('options object is required');
  checkKnownOptions('jwtVerifier', options, KNOWN_OPTIONS, HINTS);
  const given = KEY_SOURCES.filter((source) => options[source] !== undefined);
  if (given.length !== 1) {
    fail(
      `exactly one of "publicKey", "secret", "jwks", "jwksUri", "discovery" is required (got ${given.length === 0 ? 'none' : given.map((g) => `"${g}"`).join(' and ')})`,
    );
  }
  const source = given[0] as (typeof KEY_SOURCES)[number];

  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('"now" option must be a function');
  const allowInsecureHttp = optionalBoolean('allowInsecureHttp', options.allowInsecureHttp);
  if (options.dispatcher !== undefined && !isDispatcher(options.dispatcher)) {
    fail('"dispatcher" option must be an undici Dispatcher (Agent, ProxyAgent, MockAgent…)');
  }
  const retryAfterSeconds = nonNegative(
    'retryAfterSeconds',
    options.retryAfterSeconds,
    JWT_DEFAULTS.retryAfterSeconds,
  );
  const remote = {
    cooldownMs: nonNegative('cooldownMs', options.cooldownMs, JWT_DEFAULTS.cooldownMs),
    maxAgeMs: nonNegative('jwksMaxAgeMs', options.jwksMaxAgeMs, JWT_DEFAULTS.jwksMaxAgeMs),
    timeoutMs: nonNegative('timeoutMs', options.timeoutMs, JWT_DEFAULTS.timeoutMs),
    retryAfterMs: retryAfterSeconds * 1000,
    dispatcher: options.dispatcher,
    allowInsecureHttp,
    now,
  };
  const keys =
    source === 'publicKey'
      ? singleKey(options.publicKey)
      : source === 'secret'
        ? hmacSecret(options.secret)
        : source === 'jwks'
          ? staticKeySet(options.jwks)
          : source === 'jwksUri'
            ? jwksUriKeySet(options.jwksUri, remote)
            : discoveryKeySet(options.discovery, remote);

  const algorithms = allowedAlgorithms(stringList('algorithms', options.algorithms), keys);

  const name = options.name ?? JWT_DEFAULTS.name;
  if (typeof name !== 'string' || name === '') fail('"name" option must be a non-empty string');
  if (options.typ !== undefined && !AT_JWT_TYPES.includes(String(options.typ).toLowerCase())) {
    fail(
      '"typ" option must be "at+jwt" (RFC 9068 access tokens only); without it, every access-token type is accepted',
    );
  }
  const maxTokenAge =
    options.maxTokenAge === undefined
      ? undefined
      : nonNegative('maxTokenAge', options.maxTokenAge, 0);
  const scopeClaims = stringList('scopeClaims', options.scopeClaims) ?? [];
  const clockTolerance = nonNegative(
    'clockTolerance',
    options.clockTolerance,
    JWT_DEFAULTS.clockTolerance,
  );
  const usernameClaim = usernameReader(options.usernameClaim);
  const requiredClaims = stringList('requiredClaims', options.requiredClaims) ?? [];
  const trustEmail = optionalBoolean('trustEmail', options.trustEmail);
  const cache = normalizeCacheOption('jwtVerifier', options.cache);
  // Last, so that a mistake in the key or another option is named first.
  let issuer: readonly string[] | false | undefined;
  if (source === 'discovery') {
    if (options.issuer === false)
      fail('"issuer" option cannot be false with "discovery": the issuer is the document\'s');
    const listed = stringList('issuer', options.issuer);
    if (listed && listed.length !== 1) fail('"issuer" option with "discovery" must be one issuer');
    // The issuer is the document's; a given one may only restate it.
    const derived = keys.discoveredIssuer as string;
    const bare = (value: string) => value.replace(/\/$/, '');
    if (listed && bare(listed[0] as string) !== bare(derived)) {
      fail(
        `"issuer" option with "discovery" must be the issuer the discovery URL names ("${derived}"), or be left out`,
      );
    }
    issuer = undefined;
  } else {
    issuer = decision('issuer', options.issuer, 'the "iss" its tokens carry');
  }
  const audience = decision(
    'audience',
    options.audience,
    'the identifier of this API that its tokens carry in "aud"',
  );
  return Object.freeze({
    name,
    keys,
    issuer,
    audience,
    algorithms: Object.freeze(algorithms),
    clockTolerance,
    maxTokenAge,
    usernameClaim,
    requiredClaims,
    requireAtJwt: options.typ !== undefined,
    trustEmail,
    scopeClaims,
    cache,
    now,
  });
}
