/**
 * The DPoP branch of the bind stage (RFC 9449 §7): after the chain has accepted a token, its
 * `cnf.jkt` and the request's proof must agree. A bound token is never downgraded to a bearer
 * token, and a proof never turns an unbound token into a bound one.
 */
import { equalDigests } from '../util/hash.js';
import type { ReasonCode } from '../reasons.js';
import type { AuthScheme, Confirmation } from '../types.js';

/** The outcome of the DPoP binding check. */
export type DpopBinding =
  { kind: 'dpop' } | { kind: 'bearer' } | { kind: 'refused'; reason: ReasonCode };

/**
 * Decides, from the token's confirmation, the scheme it came with and the proof key's
 * thumbprint (present exactly when the scheme is `dpop` and the proof was valid).
 *
 * @example
 * ```ts
 * bindDpop({ jkt: 'abc' }, 'bearer', undefined, false); // { kind: 'refused', reason: 'dpop_bound_token_as_bearer' }
 * ```
 */
export function bindDpop(
  confirmation: Confirmation | undefined,
  scheme: AuthScheme,
  proofJkt: string | undefined,
  required: boolean,
): DpopBinding {
  const jkt = confirmation?.jkt;
  if (jkt !== undefined) {
    if (scheme !== 'dpop' || proofJkt === undefined) {
      return { kind: 'refused', reason: 'dpop_bound_token_as_bearer' };
    }
    return equalDigests(jkt, proofJkt)
      ? { kind: 'dpop' }
      : { kind: 'refused', reason: 'dpop_key_mismatch' };
  }
  if (scheme === 'dpop') return { kind: 'refused', reason: 'dpop_token_unbound' };
  if (required) return { kind: 'refused', reason: 'dpop_required' };
  return { kind: 'bearer' };
}
