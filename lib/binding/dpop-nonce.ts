/**
 * Stateless DPoP server nonces (RFC 9449 §8, §9). A nonce is a MAC over a time step, with a key
 * derived (HKDF-SHA256) from the configured secret: every instance holding the secret issues and
 * accepts the same nonces, and nothing is stored. A nonce is valid during its own step and the
 * `PREVIOUS_STEPS` steps after it.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Length of one time step. */
export const NONCE_STEP_SECONDS = 60;
/** How many steps a nonce stays valid after its own. */
export const PREVIOUS_STEPS = 2;

/** What a proof's `nonce` is worth. */
export type NonceState = 'valid' | 'missing' | 'unknown';

/** Issues and checks nonces. */
export interface NonceIssuer {
  /** The nonce of the current step (what `DPoP-Nonce` carries). */
  current(nowMs?: number): string;
  /** Checks a proof's `nonce` claim, in constant time against each accepted step. */
  check(nonce: unknown, nowMs?: number): NonceState;
}

/** A nonce: 16 bytes of HMAC, base64url (22 characters of RFC 9449's NQCHAR). */
const NONCE_BYTES = 16;

/**
 * Creates the issuer for `secret` (≥ 32 bytes, checked by the options).
 *
 * @example
 * ```ts
 * const nonces = nonceIssuer(secret);
 * nonces.check(nonces.current()); // 'valid'
 * ```
 */
export function nonceIssuer(secret: Uint8Array): NonceIssuer {
  const key = Buffer.from(
    hkdfSync('sha256', secret, 'bearer-guard', 'bearer-guard DPoP nonce v1', 32),
  );
  const macOf = (step: number): Buffer =>
    createHmac('sha256', key).update(`dpop-nonce:${step}`).digest().subarray(0, NONCE_BYTES);

  let cachedStep = -1;
  let cachedNonce = '';
  const stepAt = (nowMs: number) => Math.floor(nowMs / 1000 / NONCE_STEP_SECONDS);

  return {
    current(nowMs = Date.now()) {
      const step = stepAt(nowMs);
      if (step !== cachedStep) {
        cachedNonce = macOf(step).toString('base64url');
        cachedStep = step;
      }
      return cachedNonce;
    },
    check(nonce, nowMs = Date.now()) {
      if (nonce === undefined) return 'missing';
      if (typeof nonce !== 'string' || nonce.length !== 22) return 'unknown';
      const given = Buffer.from(nonce, 'base64url');
      if (given.length !== NONCE_BYTES || given.toString('base64url') !== nonce) return 'unknown';
      const step = stepAt(nowMs);
      let valid = false;
      for (let back = 0; back <= PREVIOUS_STEPS; back++) {
        // No early exit: the time taken does not say which step matched.
        if (timingSafeEqual(given, macOf(step - back))) valid = true;
      }
      return valid ? 'valid' : 'unknown';
    },
  };
}
