/**
 * The token-result cache shared by the JWT, introspection and provider verifiers: an lru-cache
 * keyed by the SHA-256 of the token (a raw token is never a key), bounded in entries, each entry
 * living no longer than its own lifetime and re-checked for freshness on every hit; and
 * single-flight, so that concurrent checks of one token share one upstream call.
 */
import { LRUCache } from 'lru-cache';
import { sha256 } from '../util/hash.js';
import { checkKnownOptions } from '../util/known-options.js';

/** Cache settings as a verifier's `cache` option takes them. `false` turns caching off. */
export interface TokenCacheOptions {
  /** Most entries kept. Default 10 000. */
  max?: number;
  /** Longest an accepted result is kept, in seconds; never past the token's expiry. Default 300. */
  ttlSeconds?: number;
  /** How long a definite refusal (inactive, revoked) is kept, in seconds. `0` keeps none. Default 10. */
  negativeTtlSeconds?: number;
}

/** Keys the `cache` option object may hold; any other throws (a typo would change nothing). */
const CACHE_OPTION_KEYS = Object.freeze(['max', 'ttlSeconds', 'negativeTtlSeconds', 'shared']);

/** Defaults of the token cache. */
export const TOKEN_CACHE_DEFAULTS = Object.freeze({
  max: 10_000,
  ttlSeconds: 300,
  negativeTtlSeconds: 10,
});

/** What a loader returns: the value and how long it may be kept (`0`: not at all). */
export interface Loaded<V> {
  value: V;
  ttlMs: number;
}

/** A bounded, single-flight cache of per-token results. */
export interface TokenCache<V> {
  /** The cached value, or the loader's; concurrent calls for one token share one load. */
  resolve(token: string, load: () => Promise<Loaded<V>>): Promise<V>;
  /**
   * Forgets a token at once (e.g. after learning it was revoked): its entry is dropped and a check
   * of it in flight will not be stored. `true` if there was either.
   */
  forget(token: string): boolean;
  /** Forgets every token. */
  clear(): void;
  /** Entries held now. */
  readonly size: number;
}

/** How a cache is built. */
export interface TokenCacheSettings<V> {
  max: number;
  /** Re-checked on every hit: a stale value is dropped and loaded again. */
  isFresh?: (value: V) => boolean;
  /** Milliseconds clock for lifetimes (tests inject one). Default `performance.now`. */
  now?: () => number;
  /** `false`: keep nothing, but still share concurrent loads. */
  enabled?: boolean;
}

/** A cached value and the clock reading after which it is no longer served. */
interface Entry<V> {
  value: V;
  until: number;
}

/**
 * Builds a token cache.
 *
 * Lifetimes are measured with the cache's own clock (`now`) and checked on every hit, on top of
 * lru-cache's own ttl bookkeeping, so that an injected clock moves expiry exactly. A token
 * forgotten (or the cache cleared) while its check is in flight is not stored when the check
 * finishes: the answer may predate the revocation the application just learned of.
 *
 * @example
 * ```ts
 * const cache = createTokenCache<Verdict>({ max: 1000 });
 * const verdict = await cache.resolve(token, async () => ({ value: await check(token), ttlMs: 60_000 }));
 * ```
 */
export function createTokenCache<V extends object>(settings: TokenCacheSettings<V>): TokenCache<V> {
  const enabled = settings.enabled ?? true;
  const now = settings.now ?? (() => performance.now());
  const lru = new LRUCache<string, Entry<V>>({
    max: Math.max(1, settings.max),
    ttl: 1, // every entry sets its own ttl; this only turns ttl tracking on
    ttlAutopurge: false,
    // 0: read the clock on every check. The default (1) memoises it behind a timer, which
    // lets an injected clock that jumps ahead be read stale.
    ttlResolution: 0,
    perf: { now },
  });
  const inFlight = new Map<string, Promise<V>>();
  const isFresh = settings.isFresh;

  const load = (key: string, loader: () => Promise<Loaded<V>>): Promise<V> => {
    // Only the load still registered may store: forget() and clear() unregister it. The loader
    // starts a microtask later, so `pending` exists before any callback reads it.
    const pending: Promise<V> = Promise.resolve()
      .then(loader)
      .then((loaded) => {
        if (enabled && loaded.ttlMs > 0 && inFlight.get(key) === pending) {
          const ttl = Math.ceil(loaded.ttlMs);
          lru.set(key, { value: loaded.value, until: now() + ttl }, { ttl });
        }
        return loaded.value;
      })
      .finally(() => {
        if (inFlight.get(key) === pending) inFlight.delete(key);
      });
    inFlight.set(key, pending);
    return pending;
  };

  const lookup = (key: string): V | undefined => {
    const hit = enabled ? lru.get(key) : undefined;
    if (hit === undefined) return undefined;
    if (now() < hit.until && (!isFresh || isFresh(hit.value))) return hit.value;
    lru.delete(key);
    return undefined;
  };

  return {
    resolve(token, loader) {
      const key = sha256(token);
      const hit = lookup(key);
      if (hit !== undefined) return Promise.resolve(hit);
      return inFlight.get(key) ?? load(key, loader);
    },
    forget(token) {
      const key = sha256(token);
      const pending = inFlight.delete(key);
      return lru.delete(key) || pending;
    },
    clear() {
      inFlight.clear();
      lru.clear();
    },
    get size() {
      return lru.size;
    },
  };
}

/**
 * Checks a verifier's `cache` option and returns the resolved settings, or `false`.
 * Throws a TypeError naming the factory and the option.
 */
export function normalizeCacheOption(
  factory: string,
  value: TokenCacheOptions | false | undefined,
): Required<TokenCacheOptions> | false {
  if (value === false) return false;
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${factory}: "cache" option must be an object or false`);
  }
  if (value !== undefined) checkKnownOptions(`${factory}: "cache"`, value, CACHE_OPTION_KEYS);
  const resolved = { ...TOKEN_CACHE_DEFAULTS, ...value };
  if (!Number.isInteger(resolved.max) || resolved.max < 1) {
    throw new TypeError(`${factory}: "cache.max" option must be a positive integer`);
  }
  for (const name of ['ttlSeconds', 'negativeTtlSeconds'] as const) {
    if (
      typeof resolved[name] !== 'number' ||
      !(resolved[name] >= 0) ||
      !Number.isFinite(resolved[name])
    ) {
      throw new TypeError(
        `${factory}: "cache.${name}" option must be a non-negative number of seconds`,
      );
    }
  }
  return Object.freeze(resolved);
}
