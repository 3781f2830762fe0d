/**
 * Where a JWT verifier's keys come from, remote part: a `jwksUri`, or `discovery`, whose metadata
 * document (OpenID Connect Discovery, else RFC 8414) gives the issuer and `jwks_uri`. Fetched on
 * first use through the shared upstream client; an unknown `kid` refetches the set at most once
 * per cooldown; a failed fetch keeps the last good set and is tried again by a request after a
 * short back-off, never longer than `retryAfterMs` (what the 503 told the client); one client's
 * hang-up never aborts a fetch other requests wait for.
 */
import { createLocalJWKSet } from 'jose';
import { callUpstream, fetchJsonObject } from '../http/client.js';
import type { ReasonCode } from '../reasons.js';
import { isObject, stringField } from '../util/json.js';
import { upstreamUrl } from '../util/url.js';
import {
  rememberSelection,
  usableKeys,
  type RememberedSelection,
  type KeyLookup,
  type KeySource,
  type RemoteKeySettings,
} from './jwt-keys.js';

interface RemoteSet {
  selection: RememberedSelection;
  fetchedAt: number;
}

/** First wait after a failed fetch, in milliseconds; it doubles up to `retryAfterMs`. */
const FIRST_RETRY_MS = 1000;

/** An upstream problem: the verifier cannot decide (503), it is not the token's fault. */
const unavailable = (reason: ReasonCode, cause: unknown): KeyLookup => ({
  kind: 'failure',
  reason,
  unavailable: true,
  cause,
});

/**
 * One fetch at a time, shared by every request waiting for it, and when the next may start.
 * After a success the next (a refetch for an unknown `kid`) waits `cooldownMs`; after a failure
 * it waits 1 s, 2 s, 4 s… but never more than `retryAfterMs`. The fetch gets no client's
 * AbortSignal, so one client hanging up cannot fail it for the others; `timeoutMs` bounds it.
 */
function singleFlight(settings: RemoteKeySettings, fetch: () => Promise<KeyLookup | undefined>) {
  let inFlight: Promise<KeyLookup | undefined> | undefined;
  let nextAllowed = Number.NEGATIVE_INFINITY;
  let lastFailure: KeyLookup | undefined;
  let failures = 0;
  return {
    run(): Promise<KeyLookup | undefined> {
      inFlight ??= (async () => {
        let outcome: KeyLookup | undefined;
        try {
          outcome = await fetch();
        } catch (cause) {
          outcome = unavailable('upstream_invalid_response', cause);
        }
        const now = settings.now();
        if (outcome) {
          failures += 1;
          const backoff = Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), settings.retryAfterMs);
          nextAllowed = now + backoff;
          lastFailure = outcome;
        } else {
          failures = 0;
          lastFailure = undefined;
          nextAllowed = now + settings.cooldownMs;
        }
        inFlight = undefined;
        return outcome;
      })();
      return inFlight;
    },
    /** `true` when no fetch is running and the next may not start yet. */
    waiting(): boolean {
      return inFlight === undefined && settings.now() < nextAllowed;
    },
    /** The failure of the last fetch, while it is the latest word. */
    get lastFailure(): KeyLookup | undefined {
      return lastFailure;
    },
  };
}

/** The answer to a request that arrives while a failed fetch waits out its back-off. */
function stillFailing(fetcher: { lastFailure: KeyLookup | undefined }, what: string): KeyLookup {
  const last = fetcher.lastFailure;
  if (last?.kind === 'failure') {
    return unavailable(
      last.reason,
      new Error(`${what} failed recently; retrying shortly`, { cause: last.cause }),
    );
  }
  return unavailable(
    'upstream_unreachable',
    new Error(`${what} failed recently; retrying shortly`),
  );
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

  const fetcher = singleFlight(settings, async () => {
    const url = await jwksUri();
    if (!(url instanceof URL)) return url;
    const answer = await fetchJsonObject({
      url,
      timeoutMs: settings.timeoutMs,
      dispatcher: settings.dispatcher,
    });
    if (answer.kind === 'failure') return unavailable(answer.reason, answer.cause);
    if (!Array.isArray(answer.value.keys)) {
      return unavailable(
        'upstream_invalid_response',
        new Error(`${url.origin}${url.pathname} is not a JWK Set`),
      );
    }
    let selection: RememberedSelection;
    try {
      selection = rememberSelection(createLocalJWKSet({ keys: usableKeys(answer.value, false) }));
    } catch (cause) {
      return unavailable('upstream_invalid_response', cause);
    }
    const rotated = current !== undefined;
    current = { selection, fetchedAt: settings.now() };
    if (rotated) listeners.forEach((listener) => listener());
    return undefined;
  });

  return {
    algorithms: undefined,
    issuer,
    async keysFor(header) {
      const stale =
        current !== undefined && settings.now() - current.fetchedAt >= settings.maxAgeMs;
      if (!current || stale) {
        if (!fetcher.waiting()) {
          const failed = await fetcher.run();
          if (failed && !current) return failed;
        } else if (!current) {
          return stillFailing(fetcher, 'JWK Set fetch');
        }
      }
      const first = await (current as RemoteSet).selection.select(header);
      if (first.kind === 'keys' || first.reason !== 'key_not_found') return first;
      // An unknown kid may mean the issuer rotated its keys: refetch, at most once per cooldown.
      if (fetcher.waiting()) return first;
      const failed = await fetcher.run();
      if (failed) return failed;
      return (current as RemoteSet).selection.select(header);
    },
    keysNow(header) {
      // Only while the set is not due for a refresh: a stale set is refreshed by `keysFor`.
      if (!current || settings.now() - current.fetchedAt >= settings.maxAgeMs) return undefined;
      return current.selection.now(header);
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

const OIDC_SUFFIX = '/.well-known/openid-configuration';
const RFC8414_PREFIX = '/.well-known/oauth-authorization-server';

/** Where a metadata document is looked for, and the issuer it must name. */
export interface MetadataLocation {
  /** The issuer the document's `issuer` must equal (RFC 8414 §3.3, OIDC Discovery §4.3). */
  issuer: string;
  /** Document URLs in order; the next is tried only when one answers 404 or 405. */
  documents: URL[];
}

const withoutTrailingSlash = (value: string): string => value.replace(/\/$/, '');

/**
 * The `discovery` option → the issuer and where its metadata lives. An issuer URL is looked up as
 * OIDC discovery (`<issuer>/.well-known/openid-configuration`), then RFC 8414 path-inserted
 * (`<origin>/.well-known/oauth-authorization-server<path>`). A full metadata URL of either kind
 * is used as given, and the issuer derived back from it. Query and fragment throw: an issuer has
 * neither (RFC 8414 §2).
 *
 * @example
 * ```ts
 * metadataLocation(new URL('https://id.example.com/tenant'));
 * // { issuer: 'https://id.example.com/tenant', documents: [
 * //   https://id.example.com/tenant/.well-known/openid-configuration,
 * //   https://id.example.com/.well-known/oauth-authorization-server/tenant ] }
 * ```
 */
export function metadataLocation(given: URL, raw: string): MetadataLocation {
  if (given.search !== '' || given.hash !== '' || /[?#]/.test(raw)) {
    throw new TypeError(
      'jwtVerifier: "discovery" option must be an issuer URL or metadata URL without a query or fragment',
    );
  }
  const path = given.pathname;
  if (path.endsWith(OIDC_SUFFIX)) {
    const issuerPath = path.slice(0, -OIDC_SUFFIX.length);
    return { issuer: given.origin + issuerPath, documents: [given] };
  }
  if (path === RFC8414_PREFIX || path.startsWith(`${RFC8414_PREFIX}/`)) {
    const issuerPath = path.slice(RFC8414_PREFIX.length);
    return { issuer: given.origin + issuerPath, documents: [given] };
  }
  const issuerPath = withoutTrailingSlash(path);
  return {
    issuer: given.origin + issuerPath,
    documents: [
      new URL(`${issuerPath}${OIDC_SUFFIX}`, given.origin),
      new URL(`${RFC8414_PREFIX}${issuerPath}`, given.origin),
    ],
  };
}

/** Fetches the metadata: the first document that does not answer 404 or 405 decides. */
async function fetchMetadata(
  location: MetadataLocation,
  settings: RemoteKeySettings,
): Promise<{ issuer: string; jwksUri: URL } | KeyLookup> {
  let lastStatus = 0;
  for (const url of location.documents) {
    const answer = await callUpstream({
      url,
      timeoutMs: settings.timeoutMs,
      dispatcher: settings.dispatcher,
    });
    if (answer.kind === 'failure') return unavailable(answer.reason, answer.cause);
    const where = `${url.origin}${url.pathname}`;
    if (answer.status === 404 || answer.status === 405) {
      lastStatus = answer.status;
      continue;
    }
    if (answer.status !== 200) {
      return unavailable('upstream_error', new Error(`${where} answered ${answer.status}`));
    }
    if (!isObject(answer.json)) {
      return unavailable(
        'upstream_invalid_response',
        new Error(`${where} answered something other than a JSON object`),
      );
    }
    const issuer = stringField(answer.json, 'issuer');
    const jwksUri = stringField(answer.json, 'jwks_uri');
    if (!issuer || withoutTrailingSlash(issuer) !== withoutTrailingSlash(location.issuer)) {
      return unavailable(
        'upstream_invalid_response',
        new Error(
          `${where} names issuer ${JSON.stringify(issuer ?? null)}, not ${JSON.stringify(location.issuer)}`,
        ),
      );
    }
    if (!jwksUri) {
      return unavailable('upstream_invalid_response', new Error(`${where} has no "jwks_uri"`));
    }
    try {
      const option = 'jwks_uri (from discovery)';
      return {
        issuer,
        jwksUri: upstreamUrl('jwtVerifier', option, jwksUri, settings.allowInsecureHttp),
      };
    } catch (cause) {
      return unavailable('upstream_invalid_response', cause);
    }
  }
  return unavailable(
    'upstream_error',
    new Error(`no metadata document for ${location.issuer} (answered ${lastStatus})`),
  );
}

/** `discovery`: the issuer and `jwks_uri` come from the issuer's metadata document. */
export function discoveryKeySet(discovery: unknown, settings: RemoteKeySettings): KeySource {
  const given = upstreamUrl('jwtVerifier', 'discovery', discovery, settings.allowInsecureHttp);
  const location = metadataLocation(given, String(discovery));
  let metadata: { issuer: string; jwksUri: URL } | undefined;

  const fetcher = singleFlight(settings, async () => {
    const found = await fetchMetadata(location, settings);
    if ('kind' in found) return found;
    metadata = found;
    return undefined;
  });

  const load = async (): Promise<KeyLookup | undefined> => {
    if (metadata) return undefined;
    if (fetcher.waiting()) return stillFailing(fetcher, 'discovery');
    return fetcher.run();
  };

  const source = remoteKeySet(
    async () => (await load()) ?? (metadata as { jwksUri: URL }).jwksUri,
    settings,
    async () => (await load()) ?? metadata?.issuer,
  );
  return { ...source, discoveredIssuer: location.issuer };
}
