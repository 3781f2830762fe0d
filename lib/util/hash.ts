/** Hashing and constant-time comparison of secrets. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of `value`, base64url: the only form in which a token is ever a key. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Compares two secrets in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
