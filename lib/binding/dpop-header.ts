/**
 * The `DPoP` request header (RFC 9449 §4.1), counted on the raw header lines as `Authorization`
 * is — Node joins repeated unknown headers into one value — and checked against the scheme the
 * token came with.
 */
import type { ReasonCode } from '../reasons.js';
import type { TokenScheme } from '../extract.js';

/** The values of every `DPoP` header line of a request. */
export function dpopHeaderLines(rawHeaders: readonly string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'dpop') lines.push(rawHeaders[i + 1] as string);
  }
  return lines;
}

/** What the headers say, before any proof is read. */
export type DpopHeaderCheck =
  { kind: 'none' } | { kind: 'proof'; proof: string } | { kind: 'error'; reason: ReasonCode };

/**
 * Matches the `DPoP` header lines with the token's scheme (`undefined`: no token was found).
 *
 * @example
 * ```ts
 * checkDpopHeaders('dpop', []);         // { kind: 'error', reason: 'dpop_proof_missing' }
 * checkDpopHeaders('bearer', ['eyJ…']); // { kind: 'error', reason: 'dpop_scheme_mismatch' }
 * ```
 */
export function checkDpopHeaders(
  scheme: TokenScheme | undefined,
  lines: readonly string[],
): DpopHeaderCheck {
  if (lines.length > 1) return { kind: 'error', reason: 'dpop_proof_multiple' };
  const proof = lines[0];
  if (scheme === 'dpop') {
    return proof === undefined
      ? { kind: 'error', reason: 'dpop_proof_missing' }
      : { kind: 'proof', proof: proof.trim() };
  }
  return proof === undefined ? { kind: 'none' } : { kind: 'error', reason: 'dpop_scheme_mismatch' };
}
