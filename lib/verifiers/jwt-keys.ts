/**
 * Where a JWT verifier's keys come from, local part: one `publicKey` (PEM, JWK or KeyObject), a
 * static `jwks` or a shared HMAC `secret`, and the key hygiene every source shares. Key selection by `kid`/`alg`/`use`/
 * `key_ops` is jose's (`createLocalJWKSet`); this module refuses weak, symmetric and private keys
 * around it. Remote sets (`jwksUri`, `discovery`) are in jwt-remote-keys.ts. Header `jku`, `x5u`,
 * `jwk` and `x5c` are never looked at.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  importJWK,
  type CryptoKey,
  type JWK,
  type JWSHeaderParameters,
} from 'jose';
import type { Dispatcher } from 'undici';
import type { ReasonCode } from '../reasons.js';
import { isObject } from '../util/json.js';
import {
  algorithmsForJwk,
  algorithmsForKeyObject,
  hmacAlgorithmsFor,
  MIN_RSA_BITS,
  rsaModulusBits,
} from './jwt-algorithms.js';

/** The keys that may have signed a token, or why there are none. */
export type KeyLookup =
  | { kind: 'keys'; keys: ReadonlyArray<CryptoKey | Uint8Array> }
  | { kind: 'failure'; reason: ReasonCode; unavailable: boolean; cause?: unknown };

/** Resolved key source. */
export interface KeySource {
  /** Algorithms the keys can verify, when known before any fetch. */
  readonly algorithms: readonly string[] | undefined;
  /** `true` for a shared HMAC secret. */
  readonly symmetric?: boolean;
  /** With `discovery`: the issuer its URL names, which the metadata document must confirm. */
  readonly discoveredIssuer?: string;
  /** The issuer learned from discovery (only for `discovery`). */
  issuer(signal?: AbortSignal): Promise<string | undefined | KeyLookup>;
  keysFor(header: JWSHeaderParameters, signal?: AbortSignal): Promise<KeyLookup>;
  /**
   * What `keysFor` would answer now, when that is known without waiting (keys imported and
   * selected before, a set not due for a refresh); `undefined` means "ask `keysFor`".
   */
  keysNow(header: JWSHeaderParameters): KeyLookup | undefined;
  /** Calls `listener` whenever the key set changes (a remote rotation). */
  onRotate(listener: () => void): void;
}

/** Remote-set tuning. */
export interface RemoteKeySettings {
  /** Least time between two fetches of the set, in milliseconds. */
  cooldownMs: number;
  /** A fetched set is refreshed after this many milliseconds. */
  maxAgeMs: number;
  timeoutMs: number;
  allowInsecureHttp: boolean;
  now: () => number;
  /** A failed fetch of the set or of metadata is tried again after at most this long, in ms. */
  retryAfterMs: number;
  /** The undici Dispatcher every fetch goes through; default: the shared pool. */
  dispatcher?: Dispatcher;
}

const MAX_CANDIDATE_KEYS = 4;

const ALG_NOT_ALLOWED: KeyLookup = Object.freeze({
  kind: 'failure',
  reason: 'algorithm_not_allowed',
  unavailable: false,
});

function fail(message: string): never {
  throw new TypeError(`jwtVerifier: ${message}`);
}

/** Why a JWK cannot be trusted as a verification key, or `undefined` when it can. */
function unusableKey(jwk: Record<string, unknown>): string | undefined {
  if (jwk.kty === 'oct') return 'a symmetric (oct) key';
  if ('d' in jwk || 'p' in jwk || 'q' in jwk) return 'a private key';
  const bits = rsaModulusBits(jwk);
  if (bits !== undefined && bits < MIN_RSA_BITS)
    return `an RSA key of ${bits} bits (at least ${MIN_RSA_BITS} are required)`;
  return undefined;
}

/** The trustworthy keys of a JWK Set. `strict`: throw on a bad member instead of dropping it. */
export function usableKeys(jwks: unknown, strict: boolean): JWK[] {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) {
    if (strict) fail('"jwks" option must be a JWK Set ({ keys: [...] })');
    return [];
  }
  const keys: JWK[] = [];
  for (const member of jwks.keys as unknown[]) {
    if (!isObject(member)) {
      if (strict) fail('"jwks" option: every member of "keys" must be an object');
      continue;
    }
    const problem = unusableKey(member);
    if (problem) {
      if (strict)
        fail(
          `"jwks" option holds ${problem}${typeof member.kid === 'string' ? ` (kid "${member.kid}")` : ''}`,
        );
      continue;
    }
    keys.push(member as JWK);
  }
  return keys;
}

/** Turns jose's key-set selection into a KeyLookup, trying a few keys when several match. */
export async function selectFrom(
  set: ReturnType<typeof createLocalJWKSet>,
  header: JWSHeaderParameters,
): Promise<KeyLookup> {
  try {
    return { kind: 'keys', keys: [await set(header)] };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
      const keys: CryptoKey[] = [];
      for await (const key of error as AsyncIterable<CryptoKey>) {
        keys.push(key);
        if (keys.length >= MAX_CANDIDATE_KEYS) break;
      }
      return keys.length > 0
        ? { kind: 'keys', keys }
        : { kind: 'failure', reason: 'key_not_found', unavailable: false };
    }
    if (code === 'ERR_JOSE_NOT_SUPPORTED')
      return { kind: 'failure', reason: 'algorithm_not_allowed', unavailable: false, cause: error };
    return { kind: 'failure', reason: 'key_not_found', unavailable: false, cause: error };
  }
}

/** A key set's selection, remembered per (`alg`, `kid`) once it has found keys. */
export interface RememberedSelection {
  select(header: JWSHeaderParameters): Promise<KeyLookup>;
  /** The keys found before for this header's `alg` and `kid`; `undefined` when not known. */
  now(header: JWSHeaderParameters): KeyLookup | undefined;
}

/**
 * jose picks a set's keys by the header's `alg` and `kid` alone, so the keys it found for a pair
 * are the answer for that pair until the set changes. Only selections that found keys are kept:
 * they are bounded by the set's own members, whatever `kid`s requests make up.
 */
export function rememberSelection(set: ReturnType<typeof createLocalJWKSet>): RememberedSelection {
  const found = new Map<string, KeyLookup>();
  const keyOf = (header: JWSHeaderParameters): string | undefined =>
    typeof header.alg !== 'string'
      ? undefined
      : `${header.alg} ${typeof header.kid === 'string' ? `k${header.kid}` : '-'}`;
  return {
    async select(header) {
      const lookup = await selectFrom(set, header);
      const key = keyOf(header);
      if (lookup.kind === 'keys' && key !== undefined) found.set(key, lookup);
      return lookup;
    },
    now(header) {
      const key = keyOf(header);
      return key === undefined ? undefined : found.get(key);
    },
  };
}

/** A static JWK Set given in the options. */
export function staticKeySet(jwks: unknown): KeySource {
  let snapshot: unknown;
  try {
    snapshot = structuredClone(jwks);
  } catch {
    fail('"jwks" option must be a plain JWK Set object');
  }
  const keys = usableKeys(snapshot, true);
  if (keys.length === 0) fail('"jwks" option holds no keys');
  const algorithms = [...new Set(keys.flatMap((k) => algorithmsForJwk(k)))];
  if (algorithms.length === 0) fail('"jwks" option holds no key usable for a JWS signature');
  let selection: RememberedSelection;
  try {
    selection = rememberSelection(createLocalJWKSet({ keys }));
  } catch (cause) {
    throw new TypeError('jwtVerifier: "jwks" option is not a valid JWK Set', { cause });
  }
  return {
    algorithms,
    issuer: async () => undefined,
    keysFor: (header) => selection.select(header),
    keysNow: (header) => selection.now(header),
    onRotate: () => undefined,
  };
}

function toPublicKeyObject(publicKey: unknown): KeyObject {
  try {
    if (typeof publicKey === 'string') {
      // createPublicKey() would quietly derive the public half of a private key: a private key
      // has no business in a resource server's configuration, so say so instead.
      if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(publicKey)) {
        fail('"publicKey" option must be a public key (got a private key PEM)');
      }
      return createPublicKey(publicKey);
    }
    if (isObject(publicKey) && typeof publicKey.kty === 'string') {
      const problem = unusableKey(publicKey);
      if (problem) fail(`"publicKey" option is ${problem}`);
      return createPublicKey({ key: publicKey as never, format: 'jwk' });
    }
    const key = publicKey as KeyObject;
    if (
      key &&
      typeof key === 'object' &&
      typeof key.type === 'string' &&
      typeof key.export === 'function'
    ) {
      if (key.type !== 'public')
        fail('"publicKey" option must be a public key (got a ' + key.type + ' key)');
      return key;
    }
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('jwtVerifier:')) throw error;
    throw new TypeError(
      'jwtVerifier: "publicKey" option is not a valid public key (PEM, JWK or KeyObject)',
      { cause: error },
    );
  }
  return fail('"publicKey" option must be a PEM string, a JWK or a KeyObject');
}

/** One public key given in the options. The token's `kid` is not needed to use it. */
export function singleKey(publicKey: unknown): KeySource {
  const keyObject = toPublicKeyObject(publicKey);
  const given = isObject(publicKey) && typeof publicKey.kty === 'string' ? publicKey : undefined;
  if (given?.use !== undefined && given.use !== 'sig')
    fail('"publicKey" option is not a signing key ("use" is not "sig")');
  if (Array.isArray(given?.key_ops) && !given.key_ops.includes('verify')) {
    fail('"publicKey" option is not a verification key ("key_ops" lacks "verify")');
  }
  const jwk = {
    ...(keyObject.export({ format: 'jwk' }) as JWK),
    ...(typeof given?.alg === 'string' ? { alg: given.alg } : {}),
  };
  const problem = unusableKey(jwk as Record<string, unknown>);
  if (problem) fail(`"publicKey" option is ${problem}`);
  const algorithms = given ? algorithmsForJwk(jwk) : algorithmsForKeyObject(keyObject);
  if (algorithms.length === 0)
    fail(
      '"publicKey" option is not a key type that can verify a JWS (RSA, EC P-256/384/521 or Ed25519)',
    );
  const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  // The import of the key for each algorithm, once it has succeeded.
  const ready = new Map<string, KeyLookup>();
  return {
    algorithms,
    issuer: async () => undefined,
    async keysFor(header) {
      const alg = header.alg;
      if (typeof alg !== 'string' || !algorithms.includes(alg)) return ALG_NOT_ALLOWED;
      let key = imported.get(alg);
      if (!key) {
        key = importJWK({ ...jwk, alg }, alg);
        imported.set(alg, key);
      }
      try {
        const lookup: KeyLookup = { kind: 'keys', keys: [await key] };
        ready.set(alg, lookup);
        return lookup;
      } catch (cause) {
        imported.delete(alg);
        return { kind: 'failure', reason: 'algorithm_not_allowed', unavailable: false, cause };
      }
    },
    keysNow(header) {
      const alg = header.alg;
      if (typeof alg !== 'string' || !algorithms.includes(alg)) return ALG_NOT_ALLOWED;
      return ready.get(alg);
    },
    onRotate: () => undefined,
  };
}

/**
 * A shared HMAC secret (`secret` option): a string (its UTF-8 bytes) or a `Uint8Array`, of at
 * least 32 bytes. It verifies HS256, HS384 and HS512 as far as its length allows (RFC 7518 §3.2),
 * never an asymmetric algorithm.
 */
export function hmacSecret(secret: unknown): KeySource {
  let bytes: Uint8Array;
  if (typeof secret === 'string') bytes = new TextEncoder().encode(secret);
  else if (secret instanceof Uint8Array) bytes = new Uint8Array(secret);
  else return fail('"secret" option must be a string or a Uint8Array');
  const algorithms = hmacAlgorithmsFor(bytes.length);
  if (algorithms.length === 0) {
    fail(
      `"secret" option is ${bytes.length} bytes long: HMAC secrets must be at least 32 bytes (HS256), 48 (HS384) or 64 (HS512), RFC 7518 §3.2`,
    );
  }
  const lookup: KeyLookup = { kind: 'keys', keys: [bytes] };
  const keysNow = (header: JWSHeaderParameters): KeyLookup => {
    const alg = header.alg;
    return typeof alg !== 'string' || !algorithms.includes(alg) ? ALG_NOT_ALLOWED : lookup;
  };
  return {
    algorithms,
    symmetric: true,
    issuer: async () => undefined,
    keysFor: async (header) => keysNow(header),
    keysNow,
    onRotate: () => undefined,
  };
}
