/**
 * `bearerAuth({ dpop })`: the DPoP options (RFC 9449), their defaults, and the one function
 * that checks and freezes them at construction.
 */
import type { Request } from 'express';
import { checkKnownOptions } from '../util/known-options.js';
import { nonceIssuer, type NonceIssuer } from './dpop-nonce.js';
import { memoryReplayStore, type MemoryReplayStoreOptions } from './replay-memory.js';
import type { ReplayStore } from './replay-store.js';

/** Proof algorithms bearer-guard can verify: asymmetric only (RFC 9449 §4.2), never `none` or HMAC. */
export const SUPPORTED_DPOP_ALGORITHMS = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
] as const);

/** One proof algorithm. */
export type DpopAlgorithm = (typeof SUPPORTED_DPOP_ALGORITHMS)[number];

/** Server nonces (RFC 9449 §8). */
export interface DpopNonceOptions {
  /** Key material shared by every instance: a string or bytes, at least 32 bytes. */
  secret: string | Uint8Array;
  /** `true` (default): a proof without a current nonce answers `use_dpop_nonce`. */
  required?: boolean;
}

/** Options of `bearerAuth({ dpop })`. */
export interface DpopOptions {
  /** Every token must be DPoP-bound and sent with the `DPoP` scheme. Default `false`. */
  required?: boolean;
  /** Proof algorithms accepted (also the challenge's `algs`). Default `ES256 ES384 EdDSA PS256 RS256`. */
  algorithms?: readonly DpopAlgorithm[];
  /** How old a proof's `iat` may be, in seconds. Default 120. */
  maxAgeSeconds?: number;
  /** How far in the future a proof's `iat` may be, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /**
   * The origin (and base path) clients sign in `htu`, e.g. `https://api.example.com` or
   * `https://example.com/jira`. Without it, `htu` is rebuilt from the protocol and a validated
   * `Host` header. Set it behind a proxy.
   */
  publicUrl?: string;
  /**
   * The request's path as the client sent it (`/rest/api/2/myself?x=1`), or its whole URL, for
   * proxies that rewrite paths. Default `req.originalUrl`.
   */
  requestUri?: (req: Request) => string;
  /** Where used proofs are remembered: a `ReplayStore`, or `{ max }` for the in-memory one. */
  replay?: ReplayStore | MemoryReplayStoreOptions;
  /** Stateless server nonces shared by every instance holding `secret`. Default off. */
  nonce?: DpopNonceOptions;
}

/** DPoP options after defaults and checks. */
export interface ResolvedDpopOptions {
  readonly required: boolean;
  readonly algorithms: readonly DpopAlgorithm[];
  readonly maxAgeSeconds: number;
  readonly clockToleranceSeconds: number;
  /** Origin plus base path, without trailing slash. */
  readonly publicUrl: string | undefined;
  readonly requestUri: ((req: Request) => string) | undefined;
  readonly replay: ReplayStore;
  /** Present when nonces are on. */
  readonly nonces: NonceIssuer | undefined;
  readonly nonceRequired: boolean;
}

/** Defaults of `dpop`. */
export const DPOP_DEFAULTS = Object.freeze({
  required: false,
  algorithms: Object.freeze(['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'] as DpopAlgorithm[]),
  maxAgeSeconds: 120,
  clockToleranceSeconds: 5,
  replayMax: 100_000,
});

const DPOP_KEYS = [
  'required',
  'algorithms',
  'maxAgeSeconds',
  'clockToleranceSeconds',
  'publicUrl',
  'requestUri',
  'replay',
  'nonce',
] as const;

const DPOP_HINTS: Readonly<Record<string, string>> = Object.freeze({
  enabled: 'the presence of "dpop" turns DPoP on; remove the "dpop" option to turn it off',
  iatOffset: 'write "maxAgeSeconds"',
  iatLeeway: 'write "clockToleranceSeconds"',
  nonceSecret: 'write nonce: { secret }',
  allowedAlgorithms: 'write "algorithms"',
  supportedAlgorithms: 'write "algorithms"',
});

const MAX_AGE_LIMIT = 3600;
const MAX_REPLAY_ENTRIES = 10_000_000;

function fail(message: string): never {
  throw new TypeError(`bearerAuth: "dpop.${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkSeconds(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > MAX_AGE_LIMIT
  ) {
    fail(`${name}" option must be an integer from ${min} to ${MAX_AGE_LIMIT} (seconds)`);
  }
  return value;
}

function checkAlgorithms(value: unknown): readonly DpopAlgorithm[] {
  if (value === undefined) return DPOP_DEFAULTS.algorithms;
  if (!Array.isArray(value) || value.length === 0) {
    fail('algorithms" option must be a non-empty array of asymmetric JWS algorithms');
  }
  for (const alg of value) {
    if (!(SUPPORTED_DPOP_ALGORITHMS as readonly unknown[]).includes(alg)) {
      const why =
        alg === 'none' || (typeof alg === 'string' && alg.startsWith('HS'))
          ? ' (a DPoP proof is signed with a private key: "none" and HMAC prove nothing)'
          : '';
      fail(
        `algorithms" option: ${JSON.stringify(alg)} is not supported${why}; use any of ${SUPPORTED_DPOP_ALGORITHMS.join(', ')}`,
      );
    }
  }
  return Object.freeze([...new Set(value as DpopAlgorithm[])]);
}

/** An absolute http(s) origin plus optional base path; no userinfo, query or fragment. */
function checkPublicUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const bad = () =>
    fail(
      'publicUrl" option must be an absolute http(s) URL: an origin and an optional base path, without query, fragment or credentials (e.g. "https://api.example.com")',
    );
  if (typeof value !== 'string') return bad();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad();
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    value.includes('?') ||
    value.includes('#')
  ) {
    return bad();
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function checkReplay(value: unknown): ReplayStore {
  if (value === undefined) return memoryReplayStore({ max: DPOP_DEFAULTS.replayMax });
  if (isPlainObject(value) && typeof value.claim === 'function')
    return value as unknown as ReplayStore;
  if (!isPlainObject(value)) {
    fail('replay" option must be a ReplayStore ({ claim(key, ttlMs) }) or { max }');
  }
  checkKnownOptions('bearerAuth: dpop.replay', value, ['max'], {
    claim: '"claim" must be a function (key, ttlMs) => Promise<boolean>',
  });
  const max = value.max ?? DPOP_DEFAULTS.replayMax;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_REPLAY_ENTRIES) {
    fail(`replay.max" option must be an integer from 1 to ${MAX_REPLAY_ENTRIES}`);
  }
  return memoryReplayStore({ max });
}

function secretBytes(secret: unknown): Uint8Array | undefined {
  if (typeof secret === 'string') return Buffer.from(secret, 'utf8');
  if (secret instanceof Uint8Array) return secret;
  return undefined;
}

function checkNonce(value: unknown): { nonces: NonceIssuer | undefined; required: boolean } {
  if (value === undefined) return { nonces: undefined, required: false };
  if (!isPlainObject(value)) fail('nonce" option must be an object { secret, required? }');
  checkKnownOptions('bearerAuth: dpop.nonce', value, ['secret', 'required']);
  const bytes = secretBytes(value.secret);
  if (!bytes || bytes.length < 32) {
    fail('nonce.secret" option must be a string or Buffer of at least 32 bytes');
  }
  const required = value.required ?? true;
  if (typeof required !== 'boolean') fail('nonce.required" option must be a boolean');
  return { nonces: nonceIssuer(Buffer.from(bytes)), required };
}

/**
 * Checks `options.dpop`, applies defaults and returns a frozen copy, or `undefined` when DPoP
 * is off. Throws a `TypeError` naming the option on any mistake.
 *
 * @example
 * ```ts
 * normalizeDpopOptions({ publicUrl: 'https://api.example.com/' }).publicUrl; // 'https://api.example.com'
 * ```
 */
export function normalizeDpopOptions(options: unknown): ResolvedDpopOptions | undefined {
  if (options === undefined) return undefined;
  if (!isPlainObject(options)) {
    throw new TypeError(
      'bearerAuth: "dpop" option must be an object (write dpop: {} for defaults)',
    );
  }
  checkKnownOptions('bearerAuth: dpop', options, DPOP_KEYS, DPOP_HINTS);
  const required = options.required ?? DPOP_DEFAULTS.required;
  if (typeof required !== 'boolean') fail('required" option must be a boolean');
  const requestUri = options.requestUri;
  if (requestUri !== undefined && typeof requestUri !== 'function') {
    fail('requestUri" option must be a function (req) => string');
  }
  const nonce = checkNonce(options.nonce);
  return Object.freeze({
    required,
    algorithms: checkAlgorithms(options.algorithms),
    maxAgeSeconds: checkSeconds(
      'maxAgeSeconds',
      options.maxAgeSeconds,
      DPOP_DEFAULTS.maxAgeSeconds,
      1,
    ),
    clockToleranceSeconds: checkSeconds(
      'clockToleranceSeconds',
      options.clockToleranceSeconds,
      DPOP_DEFAULTS.clockToleranceSeconds,
      0,
    ),
    publicUrl: checkPublicUrl(options.publicUrl),
    requestUri: requestUri as ((req: Request) => string) | undefined,
    replay: checkReplay(options.replay),
    nonces: nonce.nonces,
    nonceRequired: nonce.required,
  });
}
