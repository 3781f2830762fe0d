/** Hashing and constant-time comparison of secrets. */
import { hash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of `value`, base64url: the only form in which a token is ever a key. */
export function sha256(value: string): string {
  // One-shot hash (Node ≥ 20.12): no Hash object per call, on every cache lookup.
  return hash('sha256', value, 'base64url');
}

/** Compares two secrets in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  // Digests of equal length, compared in constant time (one-shot hashes: no Hash objects).
  const left = hash('sha256', a, 'buffer');
  const right = hash('sha256', b, 'buffer');
  return timingSafeEqual(left, right) && a.length === b.length;
}
