/**
 * Where a JWT verifier's keys come from, remote part: a `jwksUri`, or OIDC `discovery` whose
 * document gives the issuer and `jwks_uri`. Fetched on first use through the shared upstream
 * client; an unknown `kid` refetches at most once per cooldown; a failed fetch keeps the last good
 * set; one client's hang-up never aborts a fetch other requests wait for.
 */
import { createLocalJWKSet } from 'jose';
import { fetchJsonObject } from '../http/client.js';
import { stringField } from '../util/json.js';
import { upstreamUrl } from '../util/url.js';
import {
  selectFrom,
  usableKeys,
  type KeyLookup,
  type KeySource,
  type RemoteKeySettings,
} from './jwt-keys.js';

interface RemoteSet {
  set: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * A remote JWK Set, fetched on first use. An unknown `kid` refetches it, at most once per
 * cooldown; a failed fetch keeps the last good set.
 */
export function remoteKeySet(
  jwksUri: () => Promise<URL | KeyLookup>,
  settings: RemoteKeySettings,
  issuer: () => Promise<string | undefined | KeyLookup> = async () => undefined,
): KeySource {
  let current: RemoteSet | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<KeyLookup | undefined> | undefined;
  const listeners: Array<() => void> = [];

  // Shared by every request waiting for the set: it gets no client's AbortSignal, so one client
  // hanging up cannot fail the fetch for the others (and start a cooldown). `timeoutMs` bounds it.
  const refresh = (): Promise<KeyLookup | undefined> => {
    inFlight ??= (async () => {
      lastAttempt = settings.now();
      try {
        const url = await jwksUri();
        if (!(url instanceof URL)) return url;
        const answer = await fetchJsonObject({ url, timeoutMs: settings.timeoutMs });
        if (answer.kind === 'failure') {
          return {
            kind: 'failure',
            reason: answer.reason,
            unavailable: true,
            cause: answer.cause,
          } as const;
        }
        const keys = usableKeys(answer.value, false);
        let set: ReturnType<typeof createLocalJWKSet>;
        try {
          set = createLocalJWKSet({ keys });
        } catch (cause) {
          return {
            kind: 'failure',
            reason: 'upstream_invalid_response',
            unavailable: true,
            cause,
          } as const;
        }
        const rotated = current !== undefined;
        current = { set, fetchedAt: settings.now() };
        if (rotated) listeners.forEach((listener) => listener());
        return undefined;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return {
    algorithms: undefined,
    issuer,
    async keysFor(header) {
      const now = settings.now();
      const canFetch = now - lastAttempt >= settings.cooldownMs;
      if (!current || (canFetch && now - current.fetchedAt >= settings.maxAgeMs)) {
        if (!current && !canFetch && !inFlight) {
          return {
            kind: 'failure',
            reason: 'upstream_unreachable',
            unavailable: true,
            cause: new Error('JWK Set fetch failed recently; waiting for the cooldown'),
          };
        }
        const failed = await refresh();
        if (failed && !current) return failed;
      }
      const first = await selectFrom((current as RemoteSet).set, header);
      if (first.kind === 'keys' || first.reason !== 'key_not_found') return first;
      // An unknown kid may mean the issuer rotated its keys: refetch, at most once per cooldown.
      if (settings.now() - lastAttempt < settings.cooldownMs && !inFlight) return first;
      const failed = await refresh();
      if (failed) return failed;
      return selectFrom((current as RemoteSet).set, header);
    },
    onRotate(listener) {
      listeners.push(listener);
    },
  };
}

/** A fixed `jwksUri`. */
export function jwksUriKeySet(jwksUri: unknown, settings: RemoteKeySettings): KeySource {
  const url = upstreamUrl('jwtVerifier', 'jwksUri', jwksUri, settings.allowInsecureHttp);
  return remoteKeySet(async () => url, settings);
}

/** OIDC discovery (or RFC 8414 metadata): the issuer and `jwks_uri` come from the document. */
export function discoveryKeySet(discovery: unknown, settings: RemoteKeySettings): KeySource {
  const base = upstreamUrl('jwtVerifier', 'discovery', discovery, settings.allowInsecureHttp);
  const expectedIssuer = base.href.replace(/\/$/, '');
  const documentUrl = new URL(
    `${base.pathname.replace(/\/$/, '')}/.well-known/openid-configuration`,
    base,
  );
  let metadata: { issuer: string; jwksUri: URL } | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<KeyLookup | undefined> | undefined;

  const load = (): Promise<KeyLookup | undefined> => {
    if (metadata) return Promise.resolve(undefined);
    if (settings.now() - lastAttempt < settings.cooldownMs && !inFlight) {
      return Promise.resolve({
        kind: 'failure',
        reason: 'upstream_unreachable',
        unavailable: true,
        cause: new Error('discovery failed recently; waiting for the cooldown'),
      });
    }
    inFlight ??= (async () => {
      lastAttempt = settings.now();
      try {
        const answer = await fetchJsonObject({ url: documentUrl, timeoutMs: settings.timeoutMs });
        if (answer.kind === 'failure')
          return {
            kind: 'failure',
            reason: answer.reason,
            unavailable: true,
            cause: answer.cause,
          } as const;
        const issuer = stringField(answer.value, 'issuer');
        const jwksUri = stringField(answer.value, 'jwks_uri');
        if (!issuer || issuer.replace(/\/$/, '') !== expectedIssuer || !jwksUri) {
          return {
            kind: 'failure',
            reason: 'upstream_invalid_response',
            unavailable: true,
            cause: new Error('discovery document has no matching "issuer" or no "jwks_uri"'),
          } as const;
        }
        try {
          metadata = {
            issuer,
            jwksUri: upstreamUrl(
              'jwtVerifier',
              'jwks_uri (from discovery)',
              jwksUri,
              settings.allowInsecureHttp,
            ),
          };
        } catch (cause) {
          return {
            kind: 'failure',
            reason: 'upstream_invalid_response',
            unavailable: true,
            cause,
          } as const;
        }
        return undefined;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return remoteKeySet(
    async () => (await load()) ?? (metadata as { jwksUri: URL }).jwksUri,
    settings,
    async () => (await load()) ?? metadata?.issuer,
  );
}
