/**
 * Reading an Identity out of a provider's profile (userinfo, tokeninfo or user API answer).
 * Everything here is untrusted JSON: wrong types are refusals, never guesses.
 */
import type { ReasonCode } from '../../reasons.js';
import type { Claims, Identity } from '../../types.js';
import { isObject } from '../../util/json.js';
import { verifiedEmail, type EmailTrust } from '../identity-extras.js';
import type { FieldPath } from './preset.js';

/** Where one Identity part comes from: field paths tried in order, or a function of the profile. */
export type FieldSource = readonly FieldPath[] | ((profile: Claims) => unknown);

/** How a profile becomes an Identity, after defaults and overrides. */
export interface ResolvedMapping {
  readonly username: FieldSource;
  readonly email: FieldSource;
  readonly subject: FieldSource;
  readonly scope: FieldPath | undefined;
  readonly scopeHeader: string | undefined;
  readonly expiresAt: FieldPath | undefined;
  /** Where the profile says its e-mail address is verified. */
  readonly emailVerified: FieldPath;
}

/** What the profile is checked against. */
export interface ProfileChecks {
  readonly mapping: ResolvedMapping;
  readonly audienceFields: readonly FieldPath[];
  readonly clientFields: readonly FieldPath[];
  readonly expectedAudience: readonly string[] | undefined;
  readonly clientId: readonly string[] | undefined;
  readonly email: { readonly trust: EmailTrust; readonly trustEmail: boolean };
  readonly verifier: string;
}

const own = (source: object, key: string | number): boolean =>
  Object.prototype.hasOwnProperty.call(source, key);

/**
 * The value at `path`, or `undefined`. Only own properties are followed.
 *
 * @example
 * ```ts
 * readPath({ Email: [{ Value: 'a@b.c' }] }, ['Email', 0, 'Value']); // 'a@b.c'
 * ```
 */
export function readPath(source: unknown, path: FieldPath): unknown {
  let current: unknown = source;
  for (const key of typeof path === 'string' ? [path] : path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isObject(current) && typeof key === 'string' && own(current, key))
      current = current[key];
    else return undefined;
  }
  return current;
}

/**
 * The first value present (neither `undefined` nor `null`) among `source`.
 *
 * @example
 * ```ts
 * pick({ login: null, email: 'a@b.c' }, ['login', 'email']); // 'a@b.c'
 * ```
 */
export function pick(profile: Claims, source: FieldSource): unknown {
  if (typeof source === 'function') return source(profile);
  for (const path of source) {
    const value = readPath(profile, path);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** A string part: the string, `undefined` when absent or empty, `null` when of another type. */
function stringPart(value: unknown): string | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : null;
}

function valuesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Scopes from a space/comma-separated string or an array of strings; `null` for other types. */
function scopesOf(value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return [...value];
  return null;
}

function epochSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `aud`/`client` checks: `undefined` when they pass, else the reason. */
function clientCheck(profile: Claims, checks: ProfileChecks): ReasonCode | undefined {
  if (checks.expectedAudience) {
    const audiences = checks.audienceFields.flatMap((path) => valuesOf(readPath(profile, path)));
    if (!audiences.some((aud) => checks.expectedAudience?.includes(aud)))
      return 'audience_mismatch';
  }
  if (checks.clientId) {
    const client = stringPart(pick(profile, checks.clientFields));
    if (!client || !checks.clientId.includes(client)) return 'client_mismatch';
  }
  return undefined;
}

/**
 * Profile → Identity, or the reason it cannot be one. The e-mail address is kept only when it is
 * verified (`checks.email`); a profile with neither a username nor a verified address is
 * `username_missing`; with only a verified address, the address is the username.
 *
 * @example
 * ```ts
 * const identity = profileIdentity({ login: 'octocat', id: 1 }, {}, checks);
 * ```
 */
export function profileIdentity(
  profile: Claims,
  headers: Record<string, string | string[] | undefined>,
  checks: ProfileChecks,
): Identity | ReasonCode {
  const { mapping } = checks;
  const username = stringPart(pick(profile, mapping.username));
  const claimedEmail = stringPart(pick(profile, mapping.email));
  if (username === null || claimedEmail === null) return 'claim_invalid';
  const email = verifiedEmail(
    claimedEmail,
    { email_verified: readPath(profile, mapping.emailVerified) },
    checks.email,
  );
  // The token's client and audience first: a token for another client is refused as such.
  const refused = clientCheck(profile, checks);
  if (refused) return refused;
  if (!username && !email) return 'username_missing';
  const rawSubject = pick(profile, mapping.subject);
  const subject =
    typeof rawSubject === 'number' && Number.isSafeInteger(rawSubject)
      ? String(rawSubject)
      : stringPart(rawSubject);
  if (subject === null) return 'claim_invalid';
  const header = mapping.scopeHeader ? headers[mapping.scopeHeader] : undefined;
  const scopes = scopesOf(
    mapping.scope !== undefined ? readPath(profile, mapping.scope) : valuesOf(header).join(','),
  );
  if (scopes === null) return 'claim_invalid';
  const clientId = stringPart(pick(profile, checks.clientFields));
  return {
    subject: subject ?? (username || email) ?? '',
    username: username ?? email,
    email,
    clientId: clientId ?? undefined,
    scopes: [...new Set(scopes)],
    claims: profile,
    expiresAt: mapping.expiresAt ? epochSeconds(readPath(profile, mapping.expiresAt)) : undefined,
    serviceAccount: false,
    verifier: checks.verifier,
  };
}
