/**
 * Where a JWT verifier's keys come from, remote part: a `jwksUri`, or OIDC `discovery` whose
 * document gives the issuer and `jwks_uri`. Fetched on first use through the shared upstream
 * client; an unknown `kid` refetches at most once per cooldown; a failed fetch keeps the last good
 * set; one client's hang-up never aborts a fetch other requests wait for.
 */
import { createLocalJWKSet } from 'jose';
import { fetchJsonObject } from '../http/client.js';
import type { ReasonCode } from '../reasons.js';
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

/** An upstream problem: the verifier cannot decide (503), it is not the token's fault. */
const unavailable = (reason: ReasonCode, cause: unknown): KeyLookup => ({
  kind: 'failure',
  reason,
  unavailable: true,
  cause,
});

/**
 * One fetch at a time, shared by every request waiting for it, and the time of the last attempt
 * (for cooldowns). The fetch gets no client's AbortSignal, so one client hanging up cannot fail it
 * for the others (and start a cooldown); `timeoutMs` bounds it.
 */
function singleFlight(now: () => number, fetch: () => Promise<KeyLookup | undefined>) {
  let inFlight: Promise<KeyLookup | undefined> | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  return {
    run(): Promise<KeyLookup | undefined> {
      inFlight ??= (async () => {
        lastAttempt = now();
        try {
          return await fetch();
        } finally {
          inFlight = undefined;
        }
      })();
      return inFlight;
    },
    /** `true` when no fetch is running and the last one started less than `cooldownMs` ago. */
    coolingDown(cooldownMs: number): boolean {
      return inFlight === undefined && now() - lastAttempt < cooldownMs;
    },
  };
}

/**
 * A remote JWK Set, fetched on first use and refreshed after `maxAgeMs`. An unknown `kid`
 * refetches it, at most once per cooldown; a failed fetch keeps the last good set.
 */
export function remoteKeySet(
  jwksUri: () => Promise<URL | KeyLookup>,
  settings: RemoteKeySettings,
  issuer: () => Promise<string | undefined | KeyLookup> = async () => undefined,
): KeySource {
  let current: RemoteSet | undefined;
  const listeners: Array<() => void> = [];

  const fetcher = singleFlight(settings.now, async () => {
    const url = await jwksUri();
    if (!(url instanceof URL)) return url;
    const answer = await fetchJsonObject({ url, timeoutMs: settings.timeoutMs });
    if (answer.kind === 'failure') return unavailable(answer.reason, answer.cause);
    let set: ReturnType<typeof createLocalJWKSet>;
    try {
      set = createLocalJWKSet({ keys: usableKeys(answer.value, false) });
    } catch (cause) {
      return unavailable('upstream_invalid_response', cause);
    }
    const rotated = current !== undefined;
    current = { set, fetchedAt: settings.now() };
    if (rotated) listeners.forEach((listener) => listener());
    return undefined;
  });

  return {
    algorithms: undefined,
    issuer,
    async keysFor(header) {
      const coolingDown = fetcher.coolingDown(settings.cooldownMs);
      const stale =
        current !== undefined && settings.now() - current.fetchedAt >= settings.maxAgeMs;
      if (!current || (stale && !coolingDown)) {
        if (!current && coolingDown) {
          return unavailable(
            'upstream_unreachable',
            new Error('JWK Set fetch failed recently; waiting for the cooldown'),
          );
        }
        const failed = await fetcher.run();
        if (failed && !current) return failed;
      }
      const first = await selectFrom((current as RemoteSet).set, header);
      if (first.kind === 'keys' || first.reason !== 'key_not_found') return first;
      // An unknown kid may mean the issuer rotated its keys: refetch, at most once per cooldown.
      if (fetcher.coolingDown(settings.cooldownMs)) return first;
      const failed = await fetcher.run();
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

  const fetcher = singleFlight(settings.now, async () => {
    const answer = await fetchJsonObject({ url: documentUrl, timeoutMs: settings.timeoutMs });
    if (answer.kind === 'failure') return unavailable(answer.reason, answer.cause);
    const issuer = stringField(answer.value, 'issuer');
    const jwksUri = stringField(answer.value, 'jwks_uri');
    if (!issuer || issuer.replace(/\/$/, '') !== expectedIssuer || !jwksUri) {
      return unavailable(
        'upstream_invalid_response',
        new Error('discovery document has no matching "issuer" or no "jwks_uri"'),
      );
    }
    try {
      const where = 'jwks_uri (from discovery)';
      metadata = {
        issuer,
        jwksUri: upstreamUrl('jwtVerifier', where, jwksUri, settings.allowInsecureHttp),
      };
    } catch (cause) {
      return unavailable('upstream_invalid_response', cause);
    }
    return undefined;
  });

  const load = async (): Promise<KeyLookup | undefined> => {
    if (metadata) return undefined;
    if (fetcher.coolingDown(settings.cooldownMs)) {
      return unavailable(
        'upstream_unreachable',
        new Error('discovery failed recently; waiting for the cooldown'),
      );
    }
    return fetcher.run();
  };

  return remoteKeySet(
    async () => (await load()) ?? (metadata as { jwksUri: URL }).jwksUri,
    settings,
    async () => (await load()) ?? metadata?.issuer,
  );
}
