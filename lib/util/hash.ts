/** Hashing of tokens and constant-time comparison of digests. */
import { hash } from 'node:crypto';

/** SHA-256 of `value`, base64url: the only form in which a token is ever a key. */
export function sha256(value: string): string {
  // One-shot hash (Node ≥ 20.12): no Hash object per call, on every cache lookup.
  return hash('sha256', value, 'base64url');
}

/**
 * Compares two digests (a thumbprint, an `ath`) in time independent of where they differ. A
 * digest's length is public (43 characters for SHA-256 in base64url), so unequal lengths answer
 * at once; equal lengths are compared character by character without an early exit.
 */
export function equalDigests(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
