/**
 * Names in the store. Every key starts with `bg:v1:<namespace>:` and names a token only by
 * HMAC-SHA256(secret, token): never the token, never its plain hash, so that nobody without the
 * secret can find (or plant) the entry of a given token.
 */
import { createHmac } from 'node:crypto';
import { sha256 } from '../util/hash.js';
import type { DerivedKeys } from './secrets.js';

const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Checks a namespace; throws a TypeError naming the option. */
export function checkNamespace(factory: string, value: unknown): string {
  if (typeof value !== 'string' || !NAMESPACE.test(value)) {
    throw new TypeError(
      `${factory}: "namespace" option must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'`,
    );
  }
  return value;
}

/** HMAC-SHA256 of `value` under `key`, base64url. */
export function mac(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}

/** The key layout of one namespace. */
export interface KeySpace {
  /** `bg:v1:<namespace>:` */
  readonly prefix: string;
  /** The channel revocations are published on. */
  readonly channel: string;
  /** A token's id under secret `index` (0 = the writing secret). */
  tokenId(token: string, index?: number): string;
  /** The id of an issuer's subject under secret `index`. */
  subjectId(issuer: string, subject: string, index?: number): string;
  /** Where one verifier's verdict on a token is kept. */
  entry(scope: string, tokenId: string): string;
  /** Where a revoked token's tombstone is kept. */
  tombstone(tokenId: string): string;
  /** Where a subject's revocation cut-off is kept. */
  subject(subjectId: string): string;
  /** Where a replay store claim is kept. */
  claim(key: string): string;
  /** How many secrets can read. */
  readonly secrets: number;
}

/** A short, stable tag for a verifier name (names are not secret; they only separate entries). */
export function scopeOf(name: string): string {
  return sha256(name).slice(0, 16);
}

/**
 * Builds the key layout of `namespace` for `keys` (newest secret first).
 *
 * @example
 * ```ts
 * const space = keySpace('api', deriveKeys('sharedCache', secret));
 * space.tombstone(space.tokenId(token)); // 'bg:v1:api:r:…'
 * ```
 */
export function keySpace(namespace: string, keys: readonly DerivedKeys[]): KeySpace {
  const prefix = `bg:v1:${namespace}:`;
  // The token of the last call and its id: a request computes it twice (cache, revocation).
  let lastToken = '';
  let lastId = '';
  return Object.freeze({
    prefix,
    channel: `${prefix}revocations`,
    secrets: keys.length,
    tokenId(token: string, index = 0): string {
      if (index === 0) {
        if (token === lastToken && lastId) return lastId;
        lastId = mac((keys[0] as DerivedKeys).mac, `t\0${token}`);
        lastToken = token;
        return lastId;
      }
      return mac((keys[index] as DerivedKeys).mac, `t\0${token}`);
    },
    subjectId(issuer: string, subject: string, index = 0): string {
      return mac((keys[index] as DerivedKeys).mac, `s\0${issuer}\0${subject}`);
    },
    entry: (scope: string, tokenId: string) => `${prefix}c:${scope}:${tokenId}`,
    tombstone: (tokenId: string) => `${prefix}r:${tokenId}`,
    subject: (subjectId: string) => `${prefix}s:${subjectId}`,
    claim: (key: string) => `${prefix}d:${mac((keys[0] as DerivedKeys).mac, `d\0${key}`)}`,
  });
}
