/**
 * The public key a DPoP proof carries in its `jwk` header (RFC 9449 §4.2), imported with jose and
 * kept in a small bounded cache: a client signs every request with the same key, so its import
 * and its RFC 7638 thumbprint are computed once. Only the thumbprint's required members are
 * imported; a private or symmetric key never is.
 */
import { LRUCache } from 'lru-cache';
import { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';

/** JWK members that only a private or symmetric key has (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** RFC 7638 §3.2 required members, by key type, in lexicographic order. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
});

/** An imported proof key. */
export interface ProofKey {
  /** The key for `node:crypto`, which verifies synchronously on the request path. */
  keyObject: KeyObject;
  /** Its RFC 7638 SHA-256 thumbprint: what `cnf.jkt` must equal. */
  jkt: string;
}

const cache = new LRUCache<string, ProofKey>({ max: 1000 });

/** The public members of `jwk` that identify it, or why it cannot be a proof key. */
function publicMembers(jwk: unknown, alg: string): Record<string, string> | string {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'jwk is missing';
  const given = jwk as Record<string, unknown>;
  for (const member of PRIVATE_MEMBERS) {
    if (Object.prototype.hasOwnProperty.call(given, member)) return 'jwk is not a public key';
  }
  if (given.use !== undefined && given.use !== 'sig') return 'jwk use is not sig';
  if (given.alg !== undefined && given.alg !== alg) return 'jwk alg is not the proof alg';
  const names = typeof given.kty === 'string' ? REQUIRED_MEMBERS[given.kty] : undefined;
  if (!names || !Object.prototype.hasOwnProperty.call(REQUIRED_MEMBERS, given.kty as string)) {
    return 'jwk kty is not EC, OKP or RSA';
  }
  const members: Record<string, string> = {};
  for (const name of names) {
    const value = given[name];
    if (typeof value !== 'string' || value.length === 0) return `jwk ${name} is missing`;
    members[name] = value;
  }
  return members;
}

/** Imports a proof key with jose and computes its thumbprint, once per key. */
async function importProofKey(
  id: string,
  members: Record<string, string>,
  alg: string,
): Promise<ProofKey | string> {
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK(members as JWK, alg);
  } catch {
    return 'jwk cannot be imported for its alg';
  }
  if (key instanceof Uint8Array || key.type !== 'public') return 'jwk is not a public key';
  let keyObject: KeyObject;
  let jkt: string;
  try {
    keyObject = KeyObject.from(key);
  } catch {
    return 'jwk cannot be imported for its alg';
  }
  try {
    jkt = await calculateJwkThumbprint(members as JWK, 'sha256');
  } catch {
    return 'jwk has no thumbprint';
  }
  const entry: ProofKey = { keyObject, jkt };
  cache.set(id, entry);
  return entry;
}

/**
 * The proof key of a `jwk` header for `alg`, or why it cannot be one. A key seen before is
 * answered at once; a new one is imported (a promise).
 *
 * @example
 * ```ts
 * const key = await proofKeyOf(header.jwk, 'ES256');
 * if (typeof key !== 'string') use(key.keyObject, key.jkt);
 * ```
 */
export function proofKeyOf(
  jwk: unknown,
  alg: string,
): ProofKey | string | Promise<ProofKey | string> {
  const members = publicMembers(jwk, alg);
  if (typeof members === 'string') return members;
  const id = `${alg} ${JSON.stringify(members)}`;
  return cache.get(id) ?? importProofKey(id, members, alg);
}
