/**
 * What an active introspection answer (RFC 7662 §2.2) must also say before its token is accepted:
 * that it is an access token (`token_type`, `token_use`), issued for this API (`aud`), by the
 * expected server (`iss`), and valid now (`exp`, `nbf`, `iat`, `maxTokenAge`). Pure functions of
 * the answer, the configuration and the clock; each returns the refusal's reason or `undefined`.
 * They run on fresh answers and again on every cache hit (`timeRefusal`).
 */
import type { ReasonCode } from '../reasons.js';
import type { Claims } from '../types.js';
import type { ResolvedIntrospectionOptions } from './introspection-options.js';

/** `token_type` values of an access token (RFC 6750 `Bearer`, RFC 9449 `DPoP`, and `access_token`). */
const ACCESS_TOKEN_TYPES = new Set(['bearer', 'access_token', 'dpop']);

const own = (claims: Claims, name: string): boolean =>
  Object.prototype.hasOwnProperty.call(claims, name) && claims[name] !== undefined;

/** A refusal with the reason code and an operator-facing cause (never the token). */
export interface Refusal {
  reason: ReasonCode;
  cause: string;
}

function matchesAny(expected: readonly string[], value: unknown): boolean {
  const given = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return given.some((item) => typeof item === 'string' && expected.includes(item));
}

/**
 * `token_type` and `token_use`: a refresh token, an ID token or a token of unknown type is not an
 * access token. A `DPoP` answer must say which key (`cnf.jkt`): the bind stage checks the proof.
 *
 * @example
 * ```ts
 * tokenTypeRefusal({ token_type: 'refresh_token' }, config); // { reason: 'token_type_not_access', … }
 * ```
 */
export function tokenTypeRefusal(
  answer: Claims,
  config: Pick<ResolvedIntrospectionOptions, 'requireTokenType'>,
): Refusal | undefined {
  if (own(answer, 'token_use')) {
    const use = answer.token_use;
    if (typeof use !== 'string' || use.toLowerCase() !== 'access_token') {
      return {
        reason: 'token_type_not_access',
        cause: 'the answer\'s "token_use" is not access_token',
      };
    }
  }
  if (!own(answer, 'token_type')) {
    return config.requireTokenType
      ? { reason: 'token_type_not_access', cause: 'the answer has no "token_type"' }
      : undefined;
  }
  const type = answer.token_type;
  const lower = typeof type === 'string' ? type.toLowerCase() : undefined;
  if (lower === undefined || !ACCESS_TOKEN_TYPES.has(lower)) {
    return {
      reason: 'token_type_not_access',
      cause: 'the answer\'s "token_type" is not an access token type',
    };
  }
  if (lower === 'dpop') {
    const cnf = answer.cnf;
    const jkt =
      typeof cnf === 'object' && cnf !== null && !Array.isArray(cnf)
        ? (cnf as Record<string, unknown>).jkt
        : undefined;
    if (typeof jkt !== 'string' || jkt === '') {
      return {
        reason: 'token_type_not_access',
        cause: 'a "DPoP" answer without "cnf.jkt" names no key to prove',
      };
    }
  }
  return undefined;
}

/**
 * `iss` (when `issuer` is configured) and `aud` (unless `audience: false`).
 *
 * @example
 * ```ts
 * audienceRefusal({ aud: ['other', 'https://api.example.com'] }, config); // undefined
 * ```
 */
export function audienceRefusal(
  answer: Claims,
  config: Pick<ResolvedIntrospectionOptions, 'issuer' | 'audience' | 'requireAudienceInAnswer'>,
): Refusal | undefined {
  if (config.issuer && !matchesAny(config.issuer, answer.iss)) {
    return { reason: 'issuer_mismatch', cause: 'the answer\'s "iss" is not a configured issuer' };
  }
  if (config.audience === false) return undefined;
  if (!own(answer, 'aud')) {
    return config.requireAudienceInAnswer
      ? {
          reason: 'answer_audience_mismatch',
          cause:
            'the answer has no "aud" (set requireAudienceInAnswer: false if the server never sends one)',
        }
      : undefined;
  }
  if (!matchesAny(config.audience, answer.aud)) {
    return {
      reason: 'answer_audience_mismatch',
      cause: 'the answer\'s "aud" names none of the configured audiences',
    };
  }
  return undefined;
}

/**
 * `exp`, `nbf`, `iat` and `maxTokenAge` against the clock (`clockTolerance` for `nbf`, `iat`
 * and the age; none for `exp`, the server's own clock having just said "active"). Run on every
 * cache hit too: a cached "active" answer runs out, and ages, like the token.
 *
 * @example
 * ```ts
 * timeRefusal({ iat: now + 3600 }, config, now * 1000); // { reason: 'token_issued_in_future', … }
 * ```
 */
export function timeRefusal(
  answer: Claims,
  config: Pick<ResolvedIntrospectionOptions, 'clockTolerance' | 'maxTokenAge'>,
  nowMs: number,
): Refusal | undefined {
  const now = nowMs / 1000;
  const tolerance = config.clockTolerance;
  for (const name of ['exp', 'nbf', 'iat']) {
    if (own(answer, name) && (typeof answer[name] !== 'number' || !Number.isFinite(answer[name]))) {
      return { reason: 'claim_invalid', cause: `the answer's "${name}" is not a number` };
    }
  }
  const { exp, nbf, iat } = answer as { exp?: number; nbf?: number; iat?: number };
  // The server said active, but the answer itself says the token has run out.
  // No leeway here, as in 0.1: the server's own clock decided "active".
  if (exp !== undefined && exp <= now) {
    return { reason: 'token_inactive', cause: 'the answer\'s "exp" is past' };
  }
  if (nbf !== undefined && nbf > now + tolerance) {
    return { reason: 'token_not_yet_valid', cause: 'the answer\'s "nbf" is in the future' };
  }
  if (iat !== undefined && iat > now + tolerance) {
    return { reason: 'token_issued_in_future', cause: 'the answer\'s "iat" is in the future' };
  }
  if (config.maxTokenAge !== undefined) {
    if (iat === undefined) {
      return { reason: 'claim_missing', cause: 'maxTokenAge is set and the answer has no "iat"' };
    }
    if (now - iat > config.maxTokenAge + tolerance) {
      return { reason: 'token_too_old', cause: 'the token is older than maxTokenAge' };
    }
  }
  return undefined;
}
