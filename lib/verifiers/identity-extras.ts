/**
 * The parts of an Identity that say what a token is bound to and how far its names can be
 * trusted, read from a claims object (an introspection answer, a userinfo profile, a JWT payload):
 * the verified e-mail address, `cnf` (RFC 7800 / RFC 9449 §6 / RFC 8705 §3.1), `acr`, `auth_time`
 * and `iat`. Wrong types are refusals (`null`), never guesses. The one home of these rules: the
 * JWT reader (claims.ts) delegates here, so every verifier reads them alike.
 */
import type { Claims, Confirmation } from '../types.js';

const own = (claims: Claims, name: string): boolean =>
  Object.prototype.hasOwnProperty.call(claims, name);

/** The last second of the year 9999 (RFC 7519 NumericDate): a later date means a broken token. */
export const NUMERIC_DATE_MAX = 253_402_300_799;

/**
 * What a source says about whether an address is verified: `true` for `true` / `"true"`,
 * `undefined` when it says nothing (the member is absent), `false` for anything else — `false`,
 * `"false"`, `null`, and also `0`, `1` or `"yes"`, which are not the boolean OIDC Core §5.1
 * defines and so never vouch for an address.
 *
 * @example
 * ```ts
 * emailVerifiedFlag({ email_verified: 'true' }); // true
 * emailVerifiedFlag({ email_verified: 0 });      // false
 * emailVerifiedFlag({ email_verified: null });   // false
 * emailVerifiedFlag({});                         // undefined
 * ```
 */
export function emailVerifiedFlag(claims: Claims, name = 'email_verified'): boolean | undefined {
  if (!own(claims, name) || claims[name] === undefined) return undefined;
  const value = claims[name];
  return value === true || value === 'true';
}

/**
 * How an e-mail address becomes trusted:
 * - `'flag'`: only when the source says `email_verified: true` (or `"true"`), or `trustEmail` is
 *   set and the source says nothing; `false` / `"false"` is never trusted;
 * - `'never'`: never (Microsoft Entra `email`: mutable and unverified);
 * - `'always'`: the provider documents that it only hands out verified addresses (still never
 *   when the source itself says `email_verified: false`).
 */
export type EmailTrust = 'flag' | 'never' | 'always';

/**
 * The address to put on `identity.email`, or `undefined` when it must not be trusted.
 *
 * @example
 * ```ts
 * verifiedEmail('a@example.com', { email_verified: false }, { trust: 'flag', trustEmail: true });
 * // undefined: a source saying "not verified" always wins
 * ```
 */
export function verifiedEmail(
  email: string | undefined,
  source: Claims,
  policy: { trust: EmailTrust; trustEmail: boolean },
): string | undefined {
  if (!email) return undefined;
  if (policy.trust === 'never') return undefined;
  const flag = emailVerifiedFlag(source);
  if (flag === false) return undefined;
  if (flag === true) return email;
  return policy.trust === 'always' || policy.trustEmail ? email : undefined;
}

/**
 * `cnf` → the confirmation methods bearer-guard can prove: `undefined` when absent (or empty),
 * `null` when `cnf` or one of its members has the wrong type, `'unsupported'` when it names only
 * methods bearer-guard cannot check (`kid`, `jwk`, `jku`…): such a token is bound to something,
 * and must never be taken as a plain bearer token.
 *
 * @example
 * ```ts
 * readConfirmation({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } });
 * // { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }
 * ```
 */
export function readConfirmation(claims: Claims): Confirmation | undefined | null | 'unsupported' {
  if (!own(claims, 'cnf') || claims.cnf === undefined) return undefined;
  const cnf = claims.cnf;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return null;
  const record = cnf as Record<string, unknown>;
  const confirmation: Confirmation = {};
  for (const [member, key] of [
    ['jkt', 'jkt'],
    ['x5t#S256', 'x5tS256'],
  ] as const) {
    if (!Object.prototype.hasOwnProperty.call(record, member)) continue;
    const value = record[member];
    if (typeof value !== 'string' || value === '') return null;
    confirmation[key] = value;
  }
  if (confirmation.jkt !== undefined || confirmation.x5tS256 !== undefined) return confirmation;
  return Object.keys(record).length === 0 ? undefined : 'unsupported';
}

/**
 * A NumericDate claim (`iat`, `auth_time`): the number, `undefined` when absent, `null` when not
 * a finite number from 0 to `NUMERIC_DATE_MAX`.
 */
export function numericDate(claims: Claims, name: string): number | undefined | null {
  if (!own(claims, name) || claims[name] === undefined) return undefined;
  const value = claims[name];
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= NUMERIC_DATE_MAX
    ? value
    : null;
}

/** `acr`: the string, `undefined` when absent, `null` for another type. */
export function readAcr(claims: Claims): string | undefined | null {
  if (!own(claims, 'acr') || claims.acr === undefined) return undefined;
  return typeof claims.acr === 'string' ? claims.acr : null;
}

/** The extra Identity members read from claims. */
export interface IdentityExtras {
  issuedAt?: number;
  confirmation?: Confirmation;
  acr?: string;
  authTime?: number;
}

/**
 * `iat`, `cnf`, `acr` and `auth_time` at once, or the reason they cannot be read: `claim_invalid`
 * for a wrong type, `token_binding_unsupported` for a `cnf` naming only methods bearer-guard
 * cannot prove.
 *
 * @example
 * ```ts
 * readIdentityExtras({ iat: 1700000000, acr: 'mfa' }); // { issuedAt: 1700000000, acr: 'mfa' }
 * ```
 */
export function readIdentityExtras(
  claims: Claims,
): IdentityExtras | 'claim_invalid' | 'token_binding_unsupported' {
  const issuedAt = numericDate(claims, 'iat');
  const authTime = numericDate(claims, 'auth_time');
  const confirmation = readConfirmation(claims);
  const acr = readAcr(claims);
  if (issuedAt === null || authTime === null || confirmation === null || acr === null) {
    return 'claim_invalid';
  }
  if (confirmation === 'unsupported') return 'token_binding_unsupported';
  const extras: IdentityExtras = {};
  if (issuedAt !== undefined) extras.issuedAt = issuedAt;
  if (confirmation !== undefined) extras.confirmation = confirmation;
  if (acr !== undefined) extras.acr = acr;
  if (authTime !== undefined) extras.authTime = authTime;
  return extras;
}
