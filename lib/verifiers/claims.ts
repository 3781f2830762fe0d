/**
 * Reading an Identity's parts from a claims object (a JWT payload or an introspection answer):
 * scopes, client id, subject, the verified e-mail, what the token is bound to (`cnf`) and how the
 * user authenticated (`acr`, `auth_time`). Wrong types are refusals, not guesses.
 */
import type { ReasonCode } from '../reasons.js';
import { hasKeyDeep } from '../util/json.js';
import type { Claims, Confirmation, Identity } from '../types.js';
import {
  numericDate,
  NUMERIC_DATE_MAX,
  readAcr,
  readConfirmation as readBinding,
  verifiedEmail as trustedEmail,
} from './identity-extras.js';

const has = (claims: Claims, name: string): boolean =>
  Object.prototype.hasOwnProperty.call(claims, name);

/** A list of strings, or a space-separated string, split; `undefined` for any other type. */
function scopeList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) {
    return (value as string[]).filter(Boolean);
  }
  return undefined;
}

/**
 * Scopes from `scope` (RFC 6749 / RFC 9068: one space-separated string) and `scp` (a string or an
 * array of strings, as some providers send). `undefined` when a value has the wrong type.
 */
export function readScopes(
  claims: Claims,
  scopeClaims: readonly string[] = [],
): string[] | undefined {
  const scopes: string[] = [];
  if (has(claims, 'scope')) {
    const scope = claims.scope;
    if (typeof scope !== 'string') return undefined;
    scopes.push(...scope.split(' ').filter(Boolean));
  }
  // `scp` and the extra claims (Auth0 `permissions`, Entra `roles`…): a string or a list.
  for (const name of ['scp', ...scopeClaims]) {
    if (name === 'scope' || !has(claims, name)) continue;
    const values = scopeList(claims[name]);
    if (values === undefined) return undefined;
    scopes.push(...values);
  }
  return [...new Set(scopes)];
}

/**
 * The e-mail address an identity may be looked up by: only a verified one (the rule of
 * identity-extras.ts, `trust: 'flag'`). `null` when `email` is not a string.
 *
 * @example
 * ```ts
 * verifiedEmail({ email: 'a@example.com', email_verified: true }, false); // 'a@example.com'
 * verifiedEmail({ email: 'a@example.com', email_verified: false }, true); // undefined
 * ```
 */
export function verifiedEmail(claims: Claims, trustEmail: boolean): string | undefined | null {
  const email = optionalString(claims, 'email');
  if (typeof email !== 'string') return email;
  return trustedEmail(email, claims, { trust: 'flag', trustEmail });
}

/**
 * What a token is bound to (`cnf`, RFC 7800), as a reason code where it cannot be used:
 * `claim_invalid` for a `cnf` of the wrong type, `token_binding_unsupported` when it names only
 * confirmation methods bearer-guard cannot check (`kid`, `jwk`…).
 *
 * @example
 * ```ts
 * readConfirmation({ cnf: { jkt: 'NzbLsXh8…' } }); // { jkt: 'NzbLsXh8…' }
 * ```
 */
export function readConfirmation(claims: Claims): Confirmation | undefined | ReasonCode {
  const confirmation = readBinding(claims);
  if (confirmation === null) return 'claim_invalid';
  return confirmation === 'unsupported' ? 'token_binding_unsupported' : confirmation;
}

/** How the user authenticated (RFC 9470): `acr` (a string) and `auth_time` (a NumericDate). */
export interface Authentication {
  acr?: string;
  authTime?: number;
}

/**
 * `acr` and `auth_time`, or `claim_invalid` when either is present with the wrong type.
 *
 * @example
 * ```ts
 * readAuthentication({ acr: 'mfa', auth_time: 1767225600 }); // { acr: 'mfa', authTime: 1767225600 }
 * ```
 */
export function readAuthentication(claims: Claims): Authentication | ReasonCode {
  const acr = readAcr(claims);
  const authTime = numericDate(claims, 'auth_time');
  if (acr === null || authTime === null) return 'claim_invalid';
  return {
    ...(acr !== undefined ? { acr } : {}),
    ...(authTime !== undefined ? { authTime } : {}),
  };
}

/**
 * `true` when the registered claims (RFC 7519 §4.1) that are present have their types: `iss`,
 * `sub`, `jti`, `client_id` strings, `aud` a string or an array of strings, `exp`, `nbf`, `iat`
 * NumericDates. A token saying `jti: true` is not a token whose claims mean what they say.
 *
 * @example
 * ```ts
 * registeredClaimsTyped({ sub: 'u1', aud: ['a', 'b'], exp: 1767225600 }); // true
 * registeredClaimsTyped({ sub: 'u1', jti: true }); // false
 * ```
 */
export function registeredClaimsTyped(claims: Claims): boolean {
  for (const name of ['iss', 'sub', 'jti', 'client_id']) {
    if (optionalString(claims, name) === null) return false;
  }
  if (has(claims, 'aud')) {
    const aud = claims.aud;
    if (
      typeof aud !== 'string' &&
      !(Array.isArray(aud) && aud.every((value) => typeof value === 'string'))
    ) {
      return false;
    }
  }
  return numericDatesInRange(claims);
}

/** A claim that must be a string when present: the value, `undefined` when absent, `null` when of another type. */
export function optionalString(claims: Claims, name: string): string | undefined | null {
  if (!Object.prototype.hasOwnProperty.call(claims, name)) return undefined;
  const value = claims[name];
  return typeof value === 'string' ? value : null;
}

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
  return hasKeyDeep(value, PROTO_KEY);
}

const PROTO_KEY: ReadonlySet<string> = new Set(['__proto__']);

/** How a verifier reads an Identity from its claims. */
export interface IdentityReading {
  /** Claims naming the client, in order; the first present wins, one of the wrong type refuses. */
  clientIdClaims: readonly string[];
  /**
   * The username; may throw (a refusal) or return `undefined`. With `trustEmail` given, the
   * second argument is the verified e-mail (or `undefined`).
   */
  username: (claims: Claims, verifiedEmail?: string) => string | undefined;
  /** The verifier's name. */
  verifier: string;
  /**
   * Given (`true` or `false`): `identity.email` is set only for a verified address (see
   * `verifiedEmail`; `true` also trusts an address whose claims say nothing about verification),
   * and `username` receives that address as its second argument. Absent: `email` as sent (0.1).
   */
  trustEmail?: boolean;
  /** Claims whose values (a list or a space-separated string) are scopes too, beside `scope`/`scp`. */
  scopeClaims?: readonly string[];
  /**
   * `true`: registered claims must have their RFC 7519 types (`registeredClaimsTyped`), and
   * `issuedAt` (`iat`), `confirmation` (`cnf`), `acr` and `authTime` (`auth_time`) are read,
   * a wrong type refusing the claims. Absent: as in 0.1.
   */
  strictClaims?: boolean;
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
  const strict = reading.strictClaims === true;
  if (strict && !registeredClaimsTyped(claims)) return 'claim_invalid';
  const scopes = readScopes(claims, reading.scopeClaims);
  const sub = optionalString(claims, 'sub');
  const clientId = clientIdOf(claims, reading.clientIdClaims);
  const email =
    reading.trustEmail === undefined
      ? optionalString(claims, 'email')
      : verifiedEmail(claims, reading.trustEmail);
  if (scopes === undefined || sub === null || clientId === null || email === null) {
    return 'claim_invalid';
  }
  const subject = sub ?? clientId;
  if (!subject) return 'claim_missing';
  let confirmation: Confirmation | undefined;
  let authentication: Authentication = {};
  if (strict) {
    const bound = readConfirmation(claims);
    if (typeof bound === 'string') return bound;
    confirmation = bound;
    const read = readAuthentication(claims);
    if (typeof read === 'string') return read;
    authentication = read;
  }
  let username: string | undefined;
  try {
    username = reading.username(claims, email);
  } catch {
    return 'claim_invalid';
  }
  const identity: Identity = {
    subject,
    username,
    email,
    clientId,
    scopes,
    claims,
    issuer: typeof claims.iss === 'string' ? claims.iss : undefined,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    serviceAccount: false,
    verifier: reading.verifier,
  };
  if (strict) {
    if (typeof claims.iat === 'number') identity.issuedAt = claims.iat;
    if (confirmation) identity.confirmation = confirmation;
    if (authentication.acr !== undefined) identity.acr = authentication.acr;
    if (authentication.authTime !== undefined) identity.authTime = authentication.authTime;
  }
  return identity;
}
