/**
 * Reading an Identity's parts from a claims object (a JWT payload or an introspection answer):
 * scopes, client id, subject. Wrong types are refusals, not guesses.
 */
import type { ReasonCode } from '../reasons.js';
import type { Claims, Identity } from '../types.js';
import { confirmationOf } from '../binding/confirmation.js';

/**
 * Scopes from `scope` (RFC 6749 / RFC 9068: one space-separated string) and `scp` (a string or an
 * array of strings, as some providers send). `undefined` when a value has the wrong type.
 */
export function readScopes(claims: Claims): string[] | undefined {
  const scopes: string[] = [];
  const has = (name: string) => Object.prototype.hasOwnProperty.call(claims, name);
  if (has('scope')) {
    const scope = claims.scope;
    if (typeof scope !== 'string') return undefined;
    scopes.push(...scope.split(' ').filter(Boolean));
  }
  if (has('scp')) {
    const scp = claims.scp;
    if (typeof scp === 'string') scopes.push(...scp.split(' ').filter(Boolean));
    else if (Array.isArray(scp) && scp.every((s) => typeof s === 'string'))
      scopes.push(...(scp as string[]));
    else return undefined;
  }
  return [...new Set(scopes)];
}

/** A claim that must be a string when present: the value, `undefined` when absent, `null` when of another type. */
export function optionalString(claims: Claims, name: string): string | undefined | null {
  if (!Object.prototype.hasOwnProperty.call(claims, name)) return undefined;
  const value = claims[name];
  return typeof value === 'string' ? value : null;
}

/** The last second of the year 9999 (RFC 7519 NumericDate): a later date means a broken token. */
export const NUMERIC_DATE_MAX = 253_402_300_799;

/**
 * `true` when every NumericDate claim present (`exp`, `nbf`, `iat`) is a finite number from 0 to
 * `NUMERIC_DATE_MAX`. A token "valid until 1e300" is refused rather than trusted forever.
 */
export function numericDatesInRange(claims: Claims): boolean {
  for (const name of ['exp', 'nbf', 'iat']) {
    if (!Object.prototype.hasOwnProperty.call(claims, name)) continue;
    const value = claims[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
    if (value < 0 || value > NUMERIC_DATE_MAX) return false;
  }
  return true;
}

/**
 * `true` when a parsed JSON value holds a `__proto__` key at any depth. JSON.parse makes it an own
 * property, harmless until an application merges the claims into another object, where it would
 * replace that object's prototype; no issuer has a reason to send one.
 */
export function hasProtoKey(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (!Array.isArray(current) && Object.prototype.hasOwnProperty.call(current, '__proto__')) {
      return true;
    }
    for (const child of Object.values(current)) pending.push(child);
  }
  return false;
}

/** How a verifier reads an Identity from its claims. */
export interface IdentityReading {
  /** Claims naming the client, in order; the first present wins, one of the wrong type refuses. */
  clientIdClaims: readonly string[];
  /** The username; may throw (a refusal) or return `undefined`. */
  username: (claims: Claims) => string | undefined;
  /** The verifier's name. */
  verifier: string;
}

/** The first present client-id claim: its value, `undefined` when none, `null` for a wrong type. */
function clientIdOf(claims: Claims, names: readonly string[]): string | undefined | null {
  for (const name of names) {
    const value = optionalString(claims, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Claims (a verified JWT payload or an active introspection answer) → Identity, or the reason
 * they cannot be one: a claim of the wrong type is `claim_invalid`, no subject is `claim_missing`.
 *
 * @example
 * ```ts
 * identityFromClaims({ sub: 'u1', scope: 'read' }, { clientIdClaims: ['client_id'],
 *   username: (c) => c.sub as string, verifier: 'jwt' });
 * ```
 */
export function identityFromClaims(
  claims: Claims,
  reading: IdentityReading,
): Identity | ReasonCode {
  const scopes = readScopes(claims);
  const sub = optionalString(claims, 'sub');
  const clientId = clientIdOf(claims, reading.clientIdClaims);
  const email = optionalString(claims, 'email');
  if (scopes === undefined || sub === null || clientId === null || email === null) {
    return 'claim_invalid';
  }
  const subject = sub ?? clientId;
  if (!subject) return 'claim_missing';
  let username: string | undefined;
  try {
    username = reading.username(claims);
  } catch {
    return 'claim_invalid';
  }
  return {
    subject,
    username,
    email,
    clientId,
    scopes,
    claims,
    issuer: typeof claims.iss === 'string' ? claims.iss : undefined,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    confirmation: confirmationOf(claims),
    serviceAccount: false,
    verifier: reading.verifier,
  };
}
