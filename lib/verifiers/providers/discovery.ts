/**
 * The userinfo endpoint of an OpenID Connect provider, from its discovery document
 * (OpenID Connect Discovery 1.0 §4). The document is fetched on first use and kept once it is
 * good; concurrent first uses share one fetch; a failed fetch is retried by the next request.
 * The document's `issuer` must be the configured one (§4.3), and `userinfo_endpoint` must pass
 * the upstream URL policy.
 */
import type { Dispatcher } from 'undici';
import { fetchJsonObject } from '../../http/client.js';
import type { ReasonCode } from '../../reasons.js';
import { stringField } from '../../util/json.js';
import { upstreamUrl } from '../../util/url.js';

/** The endpoint, or why it is not known. */
export type Located = URL | { kind: 'failure'; reason: ReasonCode; cause: unknown };

/** Discovery settings. */
export interface DiscoverySettings {
  /** The issuer; the document is at `{issuer}/.well-known/openid-configuration`. */
  issuer: URL;
  timeoutMs: number;
  allowInsecureHttp: boolean;
  /** The undici `Dispatcher` the document is fetched through. */
  dispatcher?: Dispatcher;
}

/**
 * Returns a function that resolves the userinfo endpoint.
 *
 * @example
 * ```ts
 * const locate = userinfoLocator({ issuer: new URL('https://id.example.com'), timeoutMs: 5000,
 *   allowInsecureHttp: false });
 * const endpoint = await locate();
 * ```
 */
export function userinfoLocator(
  settings: DiscoverySettings,
): (signal?: AbortSignal) => Promise<Located> {
  const issuer = settings.issuer.href.replace(/\/$/, '');
  const documentUrl = new URL(`${issuer}/.well-known/openid-configuration`);
  let endpoint: URL | undefined;
  let inFlight: Promise<Located> | undefined;

  const load = async (): Promise<Located> => {
    const answer = await fetchJsonObject({
      url: documentUrl,
      timeoutMs: settings.timeoutMs,
      dispatcher: settings.dispatcher,
    });
    if (answer.kind === 'failure') return answer;
    const documentIssuer = stringField(answer.value, 'issuer');
    const userinfo = stringField(answer.value, 'userinfo_endpoint');
    if (documentIssuer?.replace(/\/$/, '') !== issuer || !userinfo) {
      return {
        kind: 'failure',
        reason: 'upstream_invalid_response',
        cause: new Error('discovery document has no matching "issuer" or no "userinfo_endpoint"'),
      };
    }
    try {
      endpoint = upstreamUrl(
        'oauthProviderVerifier',
        'userinfo_endpoint (from discovery)',
        userinfo,
        settings.allowInsecureHttp,
      );
    } catch (cause) {
      return { kind: 'failure', reason: 'upstream_invalid_response', cause };
    }
    return endpoint;
  };

  return () => {
    if (endpoint) return Promise.resolve(endpoint);
    inFlight ??= load().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
