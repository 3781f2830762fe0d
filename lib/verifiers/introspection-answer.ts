/**
 * An RFC 7662 introspection answer → a verdict. Pure: no network, no cache, the clock passed in.
 *
 * - 200 with `active: true` → accept, once the answer also says it is an access token
 *   (`token_type`, `token_use`) for this API (`aud`, `iss`) valid now (`exp`, `nbf`, `iat`,
 *   `maxTokenAge`): see introspection-checks.ts.
 * - 200 with `active: false`, or `exp` already past → reject `token_inactive`.
 * - 200 whose body is not a JSON object (a `content-type` other than JSON counts as not JSON),
 *   or whose `active` is not a boolean → unavailable `upstream_invalid_response`: a server that
 *   does not speak RFC 7662 cannot decide anything.
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
import { verifiedEmail, readIdentityExtras } from './identity-extras.js';
import {
  audienceRefusal,
  timeRefusal,
  tokenTypeRefusal,
  type Refusal,
} from './introspection-checks.js';
import type { ResolvedIntrospectionOptions } from './introspection-options.js';

const reject = (reason: ReasonCode, cause?: unknown): Verdict => ({
  kind: 'reject',
  reason,
  cause,
});

function unavailable(reason: ReasonCode, message: string): Verdict {
  return { kind: 'unavailable', reason, cause: new Error(message) };
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

/** An active answer → Identity, or the refusal it earns. */
export function identityFromAnswer(
  claims: Claims,
  config: ResolvedIntrospectionOptions,
  nowMs: number,
): Identity | Refusal {
  const refusal =
    timeRefusal(claims, config, nowMs) ??
    tokenTypeRefusal(claims, config) ??
    audienceRefusal(claims, config);
  if (refusal) return refusal;
  const extras = readIdentityExtras(claims);
  if (typeof extras === 'string') {
    return {
      reason: extras,
      cause:
        extras === 'claim_invalid'
          ? 'iat, auth_time, acr or cnf has the wrong type'
          : 'cnf names a confirmation method that cannot be proven here',
    };
  }

  const identity = identityFromClaims(claims, {
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
  if (typeof identity === 'string') return { reason: identity, cause: 'the answer is malformed' };
  const email = verifiedEmail(identity.email, claims, {
    trust: 'flag',
    trustEmail: config.trustEmail,
  });
  const trusted: Identity = { ...identity, ...extras };
  if (email === undefined) delete trusted.email;
  else trusted.email = email;
  return trusted;
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
  return 'reason' in identity
    ? reject(identity.reason, new Error(identity.cause))
    : { kind: 'accept', identity };
}
