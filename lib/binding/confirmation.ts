/**
 * A token's `cnf` claim (RFC 7800 §3.1) as far as bearer-guard can prove it: a DPoP key
 * thumbprint (`jkt`, RFC 9449 §6.1) and a certificate thumbprint (`x5t#S256`, RFC 8705 §3.1).
 */
import type { Claims, Confirmation } from '../types.js';

/**
 * The confirmation of a JWT payload or introspection answer, or `undefined` when it names no
 * method bearer-guard proves.
 *
 * @example
 * ```ts
 * confirmationOf({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }); // { jkt: '0Zc…' }
 * ```
 */
export function confirmationOf(claims: Claims): Confirmation | undefined {
  const cnf = claims.cnf;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return undefined;
  const { jkt, 'x5t#S256': x5t } = cnf as Record<string, unknown>;
  const confirmation: Confirmation = {};
  if (typeof jkt === 'string' && jkt !== '') confirmation.jkt = jkt;
  if (typeof x5t === 'string' && x5t !== '') confirmation.x5tS256 = x5t;
  return confirmation.jkt !== undefined || confirmation.x5tS256 !== undefined
    ? confirmation
    : undefined;
}
