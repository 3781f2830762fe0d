/**
 * introspectionVerifier(): asks the authorization server about a token (RFC 7662 OAuth 2.0 Token
 * Introspection) over the shared upstream client, authenticating as a confidential client, and
 * caches the answers in the shared token cache (single flight, lifetime never past `exp`).
 */
import { createTokenCache } from '../cache/token-cache.js';
import { sharedSettings } from '../shared/verdict-codec.js';
import { applyClientAuth } from '../http/client-auth.js';
import { callUpstream } from '../http/client.js';
import type { ReasonCode } from '../reasons.js';
import type { Verdict, Verifier, VerifyContext } from '../types.js';
import { verdictFromAnswer } from './introspection-answer.js';
import { timeRefusal } from './introspection-checks.js';
import {
  normalizeIntrospectionOptions,
  type IntrospectionVerifierOptions,
  type ResolvedIntrospectionOptions,
} from './introspection-options.js';
import { withPeek } from './peek.js';

export type { IntrospectionVerifierOptions } from './introspection-options.js';
export type { ClientAuthMethod } from '../http/client-auth.js';

/** An introspection verifier, plus a way to drop cached answers at once. */
export interface IntrospectionVerifier extends Verifier {
  /** Checks `token`; `ctx` is optional, so the verifier can be called outside a request. */
  verify(token: string, ctx?: VerifyContext): Promise<Verdict>;
  /**
   * Drops the cached answer for `token` (e.g. after the application learns the token was
   * revoked): the next request carrying it is introspected again. `true` if one was held.
   */
  forget(token: string): boolean;
  /** Drops every cached answer. */
  clear(): void;
}

/** Refusals that are about the token itself, so that caching them (and passes) briefly is safe. */
const DEFINITE_REFUSALS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'token_inactive',
  'issuer_mismatch',
  'audience_mismatch',
  'claim_invalid',
  'claim_missing',
  'token_type_not_access',
  'answer_audience_mismatch',
]);

/** How long a verdict may be cached: accepts never past `exp`; upstream trouble never. */
function cacheLifetimeMs(verdict: Verdict, config: ResolvedIntrospectionOptions): number {
  if (!config.cache) return 0;
  if (
    verdict.kind === 'pass' ||
    (verdict.kind === 'reject' && DEFINITE_REFUSALS.has(verdict.reason))
  ) {
    return config.cache.negativeTtlSeconds * 1000;
  }
  if (verdict.kind !== 'accept') return 0;
  const ttl = config.cache.ttlSeconds * 1000;
  const exp = verdict.identity.expiresAt;
  return exp === undefined ? ttl : Math.min(ttl, exp * 1000 - config.now());
}

/**
 * Re-checked on every hit: an accepted answer past its `exp`, before its `nbf`, or older than
 * `maxTokenAge` is not served; the token is introspected again (and refused on the fresh answer).
 */
function stillFresh(verdict: Verdict, config: ResolvedIntrospectionOptions): boolean {
  if (verdict.kind !== 'accept') return true;
  return timeRefusal(verdict.identity.claims, config, config.now()) === undefined;
}

/**
 * A verifier of opaque (or any) access tokens that asks the authorization server.
 *
 * - active, an access token (`token_type` `Bearer` / `access_token` / `DPoP`, no other
 *   `token_use`), for this API (`aud`) and valid now (`exp`, `nbf`, `iat`, `maxTokenAge`) → accept;
 * - inactive, unknown, revoked or expired, a refresh token, or another API's → 401
 *   `Expired Token / invalid_client_ID` (reasons `token_inactive`, `token_type_not_access`,
 *   `answer_audience_mismatch`);
 * - the server refuses the configured client → the same 401 (reason `client_unauthorized`) and a
 *   one-time process warning `BEARER_GUARD_INTROSPECTION_CLIENT_REFUSED`;
 * - the server is down, slow, redirects, answers 5xx, too much or garbage → 503 (`unavailable`).
 *
 * @example
 * ```ts
 * const introspection = introspectionVerifier({
 *   endpoint: 'https://id.example.com/oauth2/introspect',
 *   clientId: 'jira-api',
 *   clientSecret: secretFromVault,
 *   audience: 'https://jira.example.com/rest/api',
 *   cache: { ttlSeconds: 60 },
 * });
 * app.use('/rest/api', bearerAuth({ verifiers: [introspection], directory }));
 * // after learning that a token was revoked:
 * introspection.forget(token);
 * ```
 */
export function introspectionVerifier(
  options: IntrospectionVerifierOptions,
): IntrospectionVerifier {
  const config = normalizeIntrospectionOptions(options);
  const cache = createTokenCache<Verdict>({
    name: config.name,
    max: config.cache ? config.cache.max : 1,
    enabled: config.cache !== false,
    isFresh: (verdict) => stillFresh(verdict, config),
    now: config.now,
    shared: sharedSettings(config.cache, config.name),
  });
  let warnedClientRefused = false;

  const warnClientRefused = (): void => {
    if (warnedClientRefused) return;
    warnedClientRefused = true;
    process.emitWarning(
      `introspectionVerifier "${config.name}": ${config.endpoint.origin}${config.endpoint.pathname} refuses client "${config.credentials.clientId}"; every token is refused until "clientId", "clientSecret" or "authMethod" is corrected`,
      { code: 'BEARER_GUARD_INTROSPECTION_CLIENT_REFUSED' },
    );
  };

  // Not tied to one request's AbortSignal: concurrent requests share this call, and one client
  // hanging up must not fail the others. `timeoutMs` bounds it instead.
  async function introspect(token: string): Promise<Verdict> {
    const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
    const headers = applyClientAuth(config.credentials, form);
    const answer = await callUpstream({
      url: config.endpoint,
      method: 'POST',
      headers,
      form,
      timeoutMs: config.timeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      dispatcher: config.dispatcher,
    });
    if (answer.kind === 'failure') {
      return { kind: 'unavailable', reason: answer.reason, cause: answer.cause };
    }
    const verdict = verdictFromAnswer(answer, config, config.now());
    if (verdict.kind === 'reject' && verdict.reason === 'client_unauthorized') warnClientRefused();
    return verdict;
  }

  const verifier: IntrospectionVerifier = {
    name: config.name,
    verify(token: string, _ctx?: VerifyContext): Promise<Verdict> {
      return cache.resolve(token, async () => {
        const verdict = await introspect(token);
        return { value: verdict, ttlMs: cacheLifetimeMs(verdict, config) };
      });
    },
    forget: (token) => cache.forget(token),
    clear: () => cache.clear(),
    // RFC 9728 `authorization_servers`: the configured `issuer`, if any.
    issuers: async () => [...(config.issuer ?? [])],
  };
  return withPeek(verifier, (token) => cache.peek(token));
}
