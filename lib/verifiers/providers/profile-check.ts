/**
 * The profile-endpoint half of a provider verifier: asks the provider about a token (through
 * discovery first where the preset says so), maps its answer to a verdict and caches it per
 * token. A "yes" is kept `ttlSeconds` (never past an expiry the provider gives), a "no"
 * `cache.negativeTtlSeconds`, an outage never.
 */
import { createTokenCache } from '../../cache/token-cache.js';
import { fetchProfile } from '../../http/userinfo.js';
import { sharedSettings } from '../../shared/verdict-codec.js';
import type { Verdict } from '../../types.js';
import { userinfoLocator, type Located } from './discovery.js';
import type { ResolvedProfileEndpoint, ResolvedProviderOptions } from './options.js';
import { profileIdentity, type ProfileChecks } from './profile.js';

/** Checks tokens at one provider's profile endpoint. */
export interface ProfileVerifier {
  verify(token: string): Promise<Verdict>;
  /** The verdict for a token held in the cache, now; `undefined` when it must be asked. */
  peek(token: string): Verdict | undefined;
  forget(token: string): boolean;
}

function locator(
  endpoint: ResolvedProfileEndpoint,
  config: ResolvedProviderOptions,
): () => Promise<Located> {
  if (endpoint.url) {
    const url = endpoint.url;
    return async () => url;
  }
  return userinfoLocator({
    issuer: endpoint.discoverFrom as URL,
    timeoutMs: config.timeoutMs,
    allowInsecureHttp: config.allowInsecureHttp,
    dispatcher: config.dispatcher,
  });
}

/** How long a verdict may be cached, in milliseconds. */
function lifetimeMs(verdict: Verdict, config: ResolvedProviderOptions): number {
  if (!config.cache) return 0;
  if (verdict.kind === 'reject') return config.cache.negativeTtlSeconds * 1000;
  if (verdict.kind !== 'accept') return 0;
  const ttl = config.ttlSeconds * 1000;
  const exp = verdict.identity.expiresAt;
  return exp === undefined ? ttl : Math.max(0, Math.min(ttl, exp * 1000 - config.now()));
}

/**
 * Builds the profile-endpoint check of a resolved provider configuration.
 *
 * @example
 * ```ts
 * const check = profileVerifier(endpoint, config);
 * const verdict = await check.verify(token);
 * ```
 */
export function profileVerifier(
  endpoint: ResolvedProfileEndpoint,
  config: ResolvedProviderOptions,
): ProfileVerifier {
  const locate = locator(endpoint, config);
  const checks: ProfileChecks = {
    mapping: config.mapping,
    audienceFields: endpoint.audienceFields,
    clientFields: endpoint.clientFields,
    expectedAudience: config.expectedAudience,
    clientId: config.clientId,
    email: config.email,
    verifier: config.name,
  };
  // Each entry carries its own deadline on the injected clock, re-checked on every hit.
  const cache = createTokenCache<{ verdict: Verdict; until: number }>({
    name: config.name,
    max: config.cache ? config.cache.max : 1,
    enabled: config.cache !== false,
    isFresh: (entry) => entry.until > config.now(),
    shared: sharedSettings(config.cache, config.name, (verdict, remainingMs) => ({
      verdict,
      until: config.now() + remainingMs,
    })),
  });

  async function ask(token: string): Promise<Verdict> {
    const url = await locate();
    if (!(url instanceof URL)) return { kind: 'unavailable', reason: url.reason, cause: url.cause };
    const answer = await fetchProfile({
      url,
      token,
      tokenIn: endpoint.token,
      method: endpoint.method,
      headers: endpoint.headers,
      rejectStatuses: endpoint.rejectStatuses,
      timeoutMs: config.timeoutMs,
      dispatcher: config.dispatcher,
    });
    if (answer.kind === 'failure')
      return { kind: 'unavailable', reason: answer.reason, cause: answer.cause };
    if (answer.kind === 'rejected') {
      return {
        kind: 'reject',
        reason: 'provider_rejected',
        cause: new Error(`the provider answered ${answer.status}`),
      };
    }
    const identity = profileIdentity(answer.profile, answer.headers, checks);
    return typeof identity === 'string'
      ? { kind: 'reject', reason: identity }
      : { kind: 'accept', identity };
  }

  return {
    // The shared load must not die with the first caller's request: it gets no client signal.
    verify: async (token) => {
      const entry = await cache.resolve(token, async () => {
        const verdict = await ask(token);
        const ttlMs = lifetimeMs(verdict, config);
        return { value: { verdict, until: config.now() + ttlMs }, ttlMs };
      });
      return entry.verdict;
    },
    peek: (token) => cache.peek(token)?.verdict,
    forget: (token) => cache.forget(token),
  };
}
