/**
 * RFC 9470 step-up: does the user's sign-in behind a token satisfy a route's requirement on how
 * (`acr`) and how recently (`auth_time`) the user authenticated? Pure; the guard in `guards.ts`
 * answers the refusal.
 */
import type { Identity } from '../types.js';
import { checkKnownOptions } from '../util/known-options.js';

/** Options of `requireAuthentication`: at least one of them. */
export interface AuthenticationRequirement {
  /** Accepted authentication context class(es): the token's `acr` must be one of them. */
  acr?: string | readonly string[];
  /** The user must have authenticated at most this many seconds ago (`auth_time`). */
  maxAgeSeconds?: number;
}

/** A requirement after checks. */
export interface ResolvedAuthenticationRequirement {
  readonly acr: readonly string[] | undefined;
  readonly maxAgeSeconds: number | undefined;
}

/** An `acr` value fits in the challenge's space-separated `acr_values`: visible ASCII, no quotes. */
const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/**
 * An `auth_time` further ahead than this is not a sign-in that happened: it never satisfies
 * `maxAgeSeconds` (a little skew between the authorization server's clock and ours is normal).
 */
export const AUTH_TIME_SKEW_SECONDS = 60;

function fail(message: string): never {
  throw new TypeError(`requireAuthentication: ${message}`);
}

/**
 * Checks `requireAuthentication`'s options.
 *
 * @example
 * ```ts
 * normalizeAuthenticationRequirement({ acr: ['mfa', 'phr'], maxAgeSeconds: 300 });
 * ```
 */
export function normalizeAuthenticationRequirement(
  options: AuthenticationRequirement,
): ResolvedAuthenticationRequirement {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('options object ({ acr?, maxAgeSeconds? }) is required');
  }
  checkKnownOptions('requireAuthentication', options, ['acr', 'maxAgeSeconds'], {
    maxAge: 'write "maxAgeSeconds" (seconds)',
    acrValues: 'write "acr" (a string or a list of strings)',
  });
  let acr: readonly string[] | undefined;
  if (options.acr !== undefined) {
    const list: readonly unknown[] = typeof options.acr === 'string' ? [options.acr] : options.acr;
    if (!Array.isArray(list) || list.length === 0) {
      fail('"acr" option must be a string or a non-empty list of strings');
    }
    for (const value of list) {
      if (typeof value !== 'string' || !ACR_VALUE.test(value)) {
        fail(
          `"acr" option: ${JSON.stringify(value)} is not a valid acr value (visible ASCII, no spaces or quotes)`,
        );
      }
    }
    acr = Object.freeze([...new Set(list as string[])]);
  }
  const { maxAgeSeconds } = options;
  if (maxAgeSeconds !== undefined && (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 0)) {
    fail('"maxAgeSeconds" option must be a non-negative integer (seconds)');
  }
  if (acr === undefined && maxAgeSeconds === undefined) {
    fail('at least one of "acr" and "maxAgeSeconds" is required');
  }
  return Object.freeze({ acr, maxAgeSeconds });
}

/**
 * `true` when `identity` satisfies `requirement` at `nowSeconds`. A missing `acr` or `auth_time`
 * never does.
 *
 * @example
 * ```ts
 * satisfiesAuthentication({ ...identity, acr: 'mfa' }, { acr: ['mfa'], maxAgeSeconds: undefined }, now); // true
 * ```
 */
export function satisfiesAuthentication(
  identity: Identity,
  requirement: ResolvedAuthenticationRequirement,
  nowSeconds: number,
): boolean {
  if (requirement.acr) {
    const { acr } = identity;
    if (typeof acr !== 'string' || !requirement.acr.includes(acr)) return false;
  }
  if (requirement.maxAgeSeconds !== undefined) {
    const { authTime } = identity;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return false;
    if (authTime > nowSeconds + AUTH_TIME_SKEW_SECONDS) return false;
    if (nowSeconds - authTime > requirement.maxAgeSeconds) return false;
  }
  return true;
}
