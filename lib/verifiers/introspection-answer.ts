/**
 * An RFC 7662 introspection answer → a verdict. Pure: no network, no cache, the clock passed in.
 *
 * - 200 with `active: true` → accept (after the optional `iss`/`aud` checks and `exp`).
 * - 200 with `active: false`, or `exp` already past → reject `token_inactive`.
 * - 200 whose body is not a JSON object, or whose `active` is not a boolean → unavailable
 *   `upstream_invalid_response`: a server that does not speak RFC 7662 cannot decide anything.
 * - 401, or 400 with `error: "invalid_client"` (RFC 6749 §5.2) → reject `client_unauthorized`:
 *   the server refuses *our* client, an operator's mistake.
 * - 400 with `error: "unsupported_token_type"` (RFC 7009 §2.2.1; oidc-provider's answer for a
 *   JWT-shaped token) → pass `token_unrecognized`: not a token this server vouches for, so the
 *   next verifier may know it, and junk shaped like a JWT cannot make the API answer 503.
 * - Any other status → unavailable `upstream_error`.
 */
import type { UpstreamAnswer } from '../http/client.js';
import type { ReasonCode } from '../reasons.js';
import type { Claims, Identity, Verdict } from '../types.js';
import { isObject, stringField } from '../util/json.js';
import { identityFromClaims } from './claims.js';
import type { ResolvedIntrospectionOptions } from './introspection-options.js';

const reject = (reason: ReasonCode, cause?: unknown): Verdict => ({
  kind: 'reject',
  reason,
  cause,
});

function unavailable(reason: ReasonCode, message: string): Verdict {
  return { kind: 'unavailable', reason, cause: new Error(message) };
}

function matchesAny(expected: readonly string[], value: unknown): boolean {
  const given = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return given.some((item) => typeof item === 'string' && expected.includes(item));
}

/** `true` when the server refused the client we authenticate as. */
function clientRefused(answer: UpstreamAnswer): boolean {
  if (answer.status === 401) return true;
  return answer.status === 400 && isObject(answer.json) && answer.json.error === 'invalid_client';
}

function unsupportedTokenType(answer: UpstreamAnswer): boolean {
  return (
    answer.status === 400 && isObject(answer.json) && answer.json.error === 'unsupported_token_type'
  );
}

/** An active answer → Identity, or the reason it cannot be one. */
export function identityFromAnswer(
  claims: Claims,
  config: ResolvedIntrospectionOptions,
  nowMs: number,
): Identity | ReasonCode {
  const exp = claims.exp;
  if (exp !== undefined && typeof exp !== 'number') return 'claim_invalid';
  // The server said active, but the answer itself says the token has run out.
  if (typeof exp === 'number' && exp * 1000 <= nowMs) return 'token_inactive';
  if (config.issuer && !matchesAny(config.issuer, claims.iss)) return 'issuer_mismatch';
  if (config.audience && !matchesAny(config.audience, claims.aud)) return 'audience_mismatch';

  return identityFromClaims(claims, {
    clientIdClaims: ['client_id'],
    username: (answer) => {
      for (const field of config.usernameFields) {
        const username = stringField(answer, field);
        if (username) return username;
      }
      return undefined;
    },
    verifier: config.name,
  });
}

/**
 * Decides what an introspection answer means.
 *
 * @example
 * ```ts
 * const verdict = verdictFromAnswer(answer, config, Date.now());
 * if (verdict.kind === 'accept') use(verdict.identity);
 * ```
 */
export function verdictFromAnswer(
  answer: UpstreamAnswer,
  config: ResolvedIntrospectionOptions,
  nowMs: number,
): Verdict {
  const where = `${config.endpoint.origin}${config.endpoint.pathname}`;
  if (clientRefused(answer)) {
    return reject(
      'client_unauthorized',
      new Error(
        `${where} refused the configured client "${config.credentials.clientId}" (HTTP ${answer.status})`,
      ),
    );
  }
  if (unsupportedTokenType(answer)) return { kind: 'pass', reason: 'token_unrecognized' };
  if (answer.status !== 200)
    return unavailable('upstream_error', `${where} answered ${answer.status}`);
  if (!isObject(answer.json)) {
    return unavailable(
      'upstream_invalid_response',
      `${where} answered something other than a JSON object`,
    );
  }
  const active = answer.json.active;
  if (active === false) return reject('token_inactive');
  if (active !== true) {
    return unavailable(
      'upstream_invalid_response',
      `${where} answered without a boolean "active" member (RFC 7662 §2.2)`,
    );
  }
  const identity = identityFromAnswer(answer.json, config, nowMs);
  return typeof identity === 'string' ? reject(identity) : { kind: 'accept', identity };
}
