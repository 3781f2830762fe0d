/**
 * bearerAuth's `revocation` option: anything with `check(token, identity)` (a `sharedCache()`).
 */
import type { RevocationCheck } from './revocation.js';

export type { RevocationCheck, RevocationAnswer } from './revocation.js';

/** Checks a `revocation` option; throws a TypeError naming the factory and the option. */
export function checkRevocationOption(
  factory: string,
  value: unknown,
): RevocationCheck | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<RevocationCheck>).check !== 'function'
  ) {
    throw new TypeError(`${factory}: "revocation" option must be a sharedCache()`);
  }
  return value as RevocationCheck;
}
