/**
 * The token-result cache shared by the JWT, introspection and provider verifiers: an lru-cache
 * keyed by the SHA-256 of the token (a raw token is never a key), bounded in entries, each entry
 * living no longer than its own lifetime and re-checked for freshness on every hit; and
 * single-flight, so that concurrent checks of one token share one upstream call.
 */
import { LRUCache } from 'lru-cache';
import { cacheChannel } from '../observe/channels.js';
import type { Codec } from '../shared/verdict-codec.js';
import { sharedLevelOf, type SharedCache, type SharedLevel } from '../shared/shared-cache.js';
import { scopeOf } from '../shared/keys.js';
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
  /**
   * A `sharedCache()` behind this verifier's own cache: results are shared with every instance
   * using the same store and secret, and its revocations reach this cache. Default none.
   */
  shared?: SharedCache;
}

/** A verifier's `cache` option after checks. */
export type ResolvedTokenCacheOptions = Readonly<
  Required<Omit<TokenCacheOptions, 'shared'>> & { shared?: SharedCache }
>;

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
  /** The fresh cached value of a token now, without a promise; `undefined` on a miss. */
  peek(token: string): V | undefined;
  /**
   * The fresh cached value of a token, else `loadNow`'s value, stored as `resolve` would store a
   * loader's: both without a promise. `undefined` when neither is known now (`loadNow` gave
   * `undefined`) or when the cache has a shared level, which only `resolve` reads.
   */
  peekOrLoadNow(token: string, loadNow: (token: string) => Loaded<V> | undefined): V | undefined;
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
  /** The cache's name on the `bearer-guard:cache` channel (the verifier's name). */
  name?: string;
  max: number;
  /** Re-checked on every hit: a stale value is dropped and loaded again. */
  isFresh?: (value: V) => boolean;
  /** Milliseconds clock for lifetimes (tests inject one). Default `performance.now`. */
  now?: () => number;
  /** `false`: keep nothing, but still share concurrent loads. */
  enabled?: boolean;
  /** A second level shared with other instances (only when `enabled`). */
  shared?: SharedSettings<V>;
}

/** How a token cache uses a shared cache. */
export interface SharedSettings<V> {
  /** The `sharedCache()`. */
  cache: SharedCache;
  /** Separates this verifier's entries from other verifiers' (its name). */
  scope: string;
  /** How values are written to and read back from the store. */
  codec: Codec<V>;
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
  const shared =
    enabled && settings.shared
      ? secondLevel(settings.shared, isFresh, settings.name ?? 'cache')
      : undefined;
  // With a shared store the key is the HMAC the store uses, so a revocation message (which
  // names tokens by that HMAC only) can reach this level too.
  const keyOf = shared ? (token: string) => shared.level.tokenId(token) : sha256;

  /** Keeps `value` for `ttl` ms, by the cache's own clock and lru-cache's. */
  const remember = (key: string, value: V, ttl: number): void => {
    lru.set(key, { value, until: now() + ttl }, { ttl });
  };

  const load = (key: string, token: string, loader: () => Promise<Loaded<V>>): Promise<V> => {
    // Only the load still registered may store: forget() and clear() unregister it. The loader
    // starts a microtask later, so `pending` exists before any callback reads it.
    const pending: Promise<V> = Promise.resolve()
      .then(() => (shared ? shared.load(key, token, loader) : loader()))
      .then((loaded) => {
        if (enabled && loaded.ttlMs > 0 && inFlight.get(key) === pending) {
          const ttl = Math.ceil(
            shared ? Math.min(loaded.ttlMs, shared.level.localTtlMs) : loaded.ttlMs,
          );
          remember(key, loaded.value, ttl);
          if (shared && !(loaded as SharedLoaded<V>).fromStore) shared.write(token, loaded);
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

  // Held by the cache's own functions: the shared cache only keeps a weak reference to it.
  const handle = {
    forgetId(key: string): boolean {
      const pending = inFlight.delete(key);
      return lru.delete(key) || pending;
    },
    clear(): void {
      inFlight.clear();
      lru.clear();
    },
  };

  const name = settings.name ?? 'cache';
  const cache: TokenCache<V> = {
    resolve(token, loader) {
      const key = keyOf(token);
      const hit = lookup(key);
      if (cacheChannel.hasSubscribers) {
        cacheChannel.publish({ cache: name, hit: hit !== undefined, level: 'memory' });
      }
      if (hit !== undefined) return Promise.resolve(hit);
      return inFlight.get(key) ?? load(key, token, loader);
    },
    peek(token) {
      // A miss is not published: `resolve` follows it and says so once.
      const hit = lookup(keyOf(token));
      if (hit !== undefined && cacheChannel.hasSubscribers) {
        cacheChannel.publish({ cache: name, hit: true, level: 'memory' });
      }
      return hit;
    },
    peekOrLoadNow(token, loadNow) {
      const key = keyOf(token);
      const hit = lookup(key);
      if (hit !== undefined) {
        if (cacheChannel.hasSubscribers) {
          cacheChannel.publish({ cache: name, hit: true, level: 'memory' });
        }
        return hit;
      }
      // A shared level is read by `resolve` alone: the miss is left to it (and published there).
      if (shared) return undefined;
      const loaded = loadNow(token);
      if (loaded === undefined) return undefined;
      if (cacheChannel.hasSubscribers) {
        cacheChannel.publish({ cache: name, hit: false, level: 'memory' });
      }
      if (enabled && loaded.ttlMs > 0) remember(key, loaded.value, Math.ceil(loaded.ttlMs));
      return loaded.value;
    },
    forget(token) {
      return handle.forgetId(keyOf(token));
    },
    clear() {
      handle.clear();
    },
    get size() {
      return lru.size;
    },
  };
  shared?.level.attach(handle, shared.scope);
  return cache;
}

/** A loaded value, and whether it came from the store (then it is not written back). */
interface SharedLoaded<V> extends Loaded<V> {
  fromStore?: boolean;
}

/** The second level of one token cache. */
interface SecondLevel<V> {
  level: SharedLevel;
  scope: string;
  /** The store's value when it has a valid one, else the loader's. */
  load(key: string, token: string, loader: () => Promise<Loaded<V>>): Promise<SharedLoaded<V>>;
  /** Writes a loaded value to the store, only if absent, off the response path. */
  write(token: string, loaded: Loaded<V>): void;
}

function secondLevel<V extends object>(
  settings: SharedSettings<V>,
  isFresh: ((value: V) => boolean) | undefined,
  name: string,
): SecondLevel<V> {
  const level = sharedLevelOf(settings.cache);
  if (!level) throw new TypeError('"cache.shared" option must be a sharedCache()');
  const scope = scopeOf(settings.scope);
  const { codec } = settings;
  const verifiedAt = new WeakMap<object, number>();
  return {
    level,
    scope,
    async load(key, token, loader) {
      const hit = await level.read(scope, token);
      const value = hit ? codec.decode(hit.json, hit.remainingMs) : undefined;
      const usable = value !== undefined && (!isFresh || isFresh(value));
      if (cacheChannel.hasSubscribers) {
        cacheChannel.publish({ cache: name, hit: usable, level: 'shared' });
      }
      if (hit) {
        if (value !== undefined && usable) {
          level.noteVerified(key, hit.verifiedAt);
          return { value, ttlMs: hit.remainingMs, fromStore: true };
        }
      }
      const loaded = await loader();
      const at = level.now();
      verifiedAt.set(loaded, at);
      if (loaded.ttlMs > 0) level.noteVerified(key, at);
      return loaded;
    },
    write(token, loaded) {
      let json: unknown;
      try {
        json = codec.encode(loaded.value);
      } catch {
        return;
      }
      if (json === undefined) return;
      level.write(scope, token, json, loaded.ttlMs, verifiedAt.get(loaded) ?? level.now());
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
): ResolvedTokenCacheOptions | false {
  if (value === false) return false;
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${factory}: "cache" option must be an object or false`);
  }
  if (value !== undefined) {
    checkKnownOptions(`${factory}: "cache"`, value, [
      'max',
      'ttlSeconds',
      'negativeTtlSeconds',
      'shared',
    ]);
  }
  const { shared, ...rest } = value ?? {};
  const resolved = { ...TOKEN_CACHE_DEFAULTS, ...rest };
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
  if (shared !== undefined && !sharedLevelOf(shared)) {
    throw new TypeError(`${factory}: "cache.shared" option must be a sharedCache()`);
  }
  return Object.freeze(shared === undefined ? resolved : { ...resolved, shared });
}
