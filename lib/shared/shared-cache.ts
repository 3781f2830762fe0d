/**
 * sharedCache(): one cache, one revocation list and one DPoP replay store for every instance of
 * an API, kept in a shared store (Redis). Nothing read from the store can grant access: keys are
 * HMACs of tokens, values are sealed (AES-256-GCM bound to their key) and re-validated by the
 * local clock, and the revocation channel can only remove or deny. A store that is down, slow
 * or answering garbage is a cache miss: the token is verified upstream.
 */
import { LRUCache } from 'lru-cache';
import { checkKnownOptions } from '../util/known-options.js';
import { createBreaker, withTimeout, type Breaker } from './breaker.js';
import { checkNamespace, keySpace, type KeySpace } from './keys.js';
import { sharedReplayStore, type ReplayStore } from './replay.js';
import {
  Revocations,
  sealMessage,
  sealRecord,
  type RevocationAnswer,
  type RevocationCheck,
  type RevocationRecord,
} from './revocation.js';
import { MAX_SEALED_LENGTH, open, seal } from './seal.js';
import { deriveKeys, type DerivedKeys } from './secrets.js';
import type { SharedStore, StoreSubscription } from './store.js';
import type { Identity } from '../types.js';

const FACTORY = 'sharedCache';

/** Options of `sharedCache`. */
export interface SharedCacheOptions {
  /** Where entries, revocations and replay claims are kept: `nodeRedisStore(client)`, `ioredisStore(client)`, `memoryStore()`. */
  store: SharedStore;
  /**
   * String or Buffer of at least 32 bytes, or a list of them (newest first): the first names and
   * seals what is written, all are tried when reading. Every instance must hold it.
   */
  secret: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /** Separates the entries of one API from another's in the same store. Default `'default'`. */
  namespace?: string;
  /** Longest wait for one store round trip on the request path, in milliseconds. Default 100. */
  timeoutMs?: number;
  /**
   * Longest an entry read from (or written to) the store stays in an instance's own memory, and
   * longest what the store said about revocations is remembered locally, in seconds. Default 60.
   */
  localTtlSeconds?: number;
  /**
   * How long a revocation is kept in the store when the token's expiry is not known, and how
   * long a subject's cut-off is kept: longer than any access token lives. Default 86 400 (a day).
   */
  revocationTtlSeconds?: number;
  /** Circuit breaker: consecutive failures that open it (default 3) and how long it stays open (default 5000 ms). */
  breaker?: { failures?: number; cooldownMs?: number };
  /** Called when `status()` changes (the store goes down or comes back, the revocation channel goes stale or live). */
  onStatusChange?: (status: SharedCacheStatus) => void;
}

/** What `shared.status()` says. */
export interface SharedCacheStatus {
  /** `'up'`, or `'down'` while the circuit breaker is open (entries are then verified upstream). */
  store: 'up' | 'down';
  /**
   * `'live'`: revocations reach this instance at once; `'stale'`: the subscription is down (or
   * not yet up): revocations are looked up in the store on every request while it answers;
   * `'closed'` after `close()`.
   */
  revocationBus: 'live' | 'stale' | 'closed';
  /** Since when (epoch ms) the bus has been stale, while it is. */
  staleSince?: number;
}

/** `revokeSubject`'s argument. */
export interface SubjectRevocation {
  /** The issuer of the subject's tokens, as in `identity.issuer` (`''` for identities without one). */
  issuer: string;
  /** The subject (`sub`), as in `identity.subject`. */
  subject: string;
  /** Tokens issued (or, without `iat`, first verified) before this are refused. Default now. */
  before?: Date | number;
}

/** A shared cache: give it to verifiers (`cache: { shared }`) and to `bearerAuth({ revocation })`. */
export interface SharedCache extends RevocationCheck {
  /**
   * Refuses `token` on every instance for the rest of its lifetime (`expiresAt`, epoch seconds,
   * when the token is not a JWT whose `exp` says it). Rejects if the store could not be told.
   */
  revoke(token: string, options?: { expiresAt?: number }): Promise<void>;
  /** Refuses every token of a subject issued before `before` (default now), on every instance. */
  revokeSubject(revocation: SubjectRevocation): Promise<void>;
  /** A DPoP `ReplayStore` on the shared store (fails closed). */
  replayStore(): ReplayStore;
  /** Whether the store answers and the revocation channel is live. */
  status(): SharedCacheStatus;
  /** Unsubscribes from the revocation channel. The store's own client is the application's to close. */
  close(): Promise<void>;
}

/** A token cache attached to a shared cache: forgotten in when a revocation arrives. */
export interface AttachedCache {
  forgetId(id: string): unknown;
  clear(): void;
}

/** A value read from the second level. */
export interface SharedHit {
  json: unknown;
  remainingMs: number;
  verifiedAt: number;
}

/** What a token cache uses of a shared cache (internal). */
export interface SharedLevel {
  readonly localTtlMs: number;
  tokenId(token: string): string;
  read(scope: string, token: string): Promise<SharedHit | undefined>;
  write(scope: string, token: string, json: unknown, ttlMs: number, verifiedAt: number): void;
  attach(cache: AttachedCache, scope: string): void;
  noteVerified(id: string, at: number): void;
  now(): number;
}

const LEVELS = new WeakMap<object, SharedLevel>();

/** The second level behind a shared cache, or `undefined` when `value` is not one. */
export function sharedLevelOf(value: unknown): SharedLevel | undefined {
  return typeof value === 'object' && value !== null ? LEVELS.get(value) : undefined;
}

/** Longest lifetime an entry read from the store may claim: anything longer is garbage. */
const MAX_ENTRY_MS = 31 * 86_400_000;
const STORE_METHODS = ['get', 'set', 'delete', 'publish', 'subscribe'] as const;

function fail(message: string): never {
  throw new TypeError(`${FACTORY}: ${message}`);
}

function positive(name: string, value: unknown, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (integer && !Number.isInteger(value))
  ) {
    fail(`"${name}" option must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

/** The expiry (epoch ms) a JWT says it has, read without verifying: only used to bound a tombstone. */
function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp)
      ? payload.exp * 1000
      : undefined;
  } catch {
    return undefined;
  }
}

interface Entry {
  v: unknown;
  at: number;
  until: number;
}

function entryFrom(text: string | undefined): Entry | undefined {
  if (text === undefined) return undefined;
  try {
    const e = JSON.parse(text) as Partial<Entry>;
    if (typeof e !== 'object' || e === null) return undefined;
    if (typeof e.at !== 'number' || typeof e.until !== 'number') return undefined;
    if (!Number.isFinite(e.at) || !Number.isFinite(e.until)) return undefined;
    return { v: e.v, at: e.at, until: e.until };
  } catch {
    return undefined;
  }
}

/**
 * Builds a shared cache.
 *
 * @example
 * ```ts
 * const shared = sharedCache({ store: nodeRedisStore(client), secret, namespace: 'api' });
 * introspectionVerifier({ ..., cache: { shared } });
 * app.use(bearerAuth({ verifiers, directory, revocation: shared }));
 * await shared.revokeSubject({ issuer, subject }); // log out everywhere
 * ```
 */
export function sharedCache(options: SharedCacheOptions): SharedCache {
  if (typeof options !== 'object' || options === null) fail('options object is required');
  checkKnownOptions(
    FACTORY,
    options,
    [
      'store',
      'secret',
      'namespace',
      'timeoutMs',
      'localTtlSeconds',
      'revocationTtlSeconds',
      'breaker',
      'onStatusChange',
    ],
    {
      ttlSeconds:
        'the lifetime of entries is the verifier\'s cache.ttlSeconds; "localTtlSeconds" caps it in memory',
      prefix: 'write "namespace" (keys are bg:v1:<namespace>:…)',
      client:
        'write store: nodeRedisStore(client) or store: ioredisStore(client) (from bearer-guard/redis)',
      redis:
        'write store: nodeRedisStore(client) or store: ioredisStore(client) (from bearer-guard/redis)',
    },
  );
  const store = options.store as SharedStore | undefined;
  if (
    typeof store !== 'object' ||
    store === null ||
    STORE_METHODS.some(
      (m) => typeof (store as unknown as Record<string, unknown>)[m] !== 'function',
    )
  ) {
    fail(
      '"store" option must be a store ({ get, set, delete, publish, subscribe }): nodeRedisStore(client), ioredisStore(client) or memoryStore()',
    );
  }
  const keys = deriveKeys(FACTORY, options.secret);
  const namespace = checkNamespace(FACTORY, options.namespace ?? 'default');
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 100, true);
  const localTtlMs = positive('localTtlSeconds', options.localTtlSeconds, 60) * 1000;
  const revocationTtlMs =
    positive('revocationTtlSeconds', options.revocationTtlSeconds, 86_400) * 1000;
  const breakerOptions = options.breaker ?? {};
  if (typeof breakerOptions !== 'object' || breakerOptions === null) {
    fail('"breaker" option must be an object');
  }
  checkKnownOptions(`${FACTORY}: "breaker" option:`, breakerOptions, ['failures', 'cooldownMs']);
  const failures = positive('breaker.failures', breakerOptions.failures, 3, true);
  const cooldownMs = positive('breaker.cooldownMs', breakerOptions.cooldownMs, 5000, true);
  if (options.onStatusChange !== undefined && typeof options.onStatusChange !== 'function') {
    fail('"onStatusChange" option must be a function');
  }
  const onStatusChange = options.onStatusChange;
  const now = () => Date.now();
  const space: KeySpace = keySpace(namespace, keys);
  const writer = keys[0] as DerivedKeys;
  // Revocations are rare and must reach the store: they wait longer than a request would.
  const adminTimeoutMs = Math.max(1000, timeoutMs);

  let bus: SharedCacheStatus['revocationBus'] = 'stale';
  let staleSince: number | undefined = now();
  let lastReported = '';
  const status = (): SharedCacheStatus => ({
    store: breaker.open ? 'down' : 'up',
    revocationBus: bus,
    ...(bus === 'stale' && staleSince !== undefined ? { staleSince } : {}),
  });
  const report = () => {
    if (!onStatusChange) return;
    const current = status();
    const text = `${current.store}/${current.revocationBus}`;
    if (text === lastReported) return;
    lastReported = text;
    try {
      onStatusChange(current);
    } catch {
      // An observer's failure changes nothing.
    }
  };
  const breaker: Breaker = createBreaker({
    timeoutMs,
    failures,
    cooldownMs,
    now,
    onChange: report,
  });

  const attached = new Set<WeakRef<AttachedCache>>();
  const scopes = new Set<string>();
  const verified = new LRUCache<string, number>({ max: 100_000 });
  const eachCache = (fn: (cache: AttachedCache) => void) => {
    for (const ref of attached) {
      const cache = ref.deref();
      if (cache) fn(cache);
      else attached.delete(ref);
    }
  };

  const revocations = new Revocations({
    store,
    space,
    keys,
    breaker,
    now,
    localTtlMs,
    verifiedAt: (id) => verified.get(id),
    forgetLocally: (id) => eachCache((cache) => cache.forgetId(id)),
    onLookupFailure: () => report(),
  });

  // The subscription: (re)subscribing clears every first level, because pub/sub loses what was
  // published while disconnected.
  let subscription: StoreSubscription | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const closing = new AbortController();
  const subscribe = () => {
    retry = undefined;
    if (closed) return;
    store
      .subscribe(
        space.channel,
        {
          message: (message) => revocations.message(message),
          reset: () => {
            if (closed) return;
            eachCache((cache) => cache.clear());
            revocations.reset();
            bus = 'live';
            staleSince = undefined;
            report();
          },
          down: () => {
            if (closed) return;
            revocations.down();
            if (bus === 'live') staleSince = now();
            bus = 'stale';
            report();
          },
        },
        closing.signal,
      )
      .then(
        (sub) => {
          if (closed) void sub.close().catch(() => undefined);
          else subscription = sub;
        },
        () => {
          if (closed) return;
          retry = setTimeout(subscribe, 1000);
          retry.unref?.();
        },
      );
  };
  subscribe();

  const level: SharedLevel = {
    localTtlMs,
    tokenId: (token) => space.tokenId(token),
    now,
    async read(scope, token) {
      const entryKeys: string[] = [];
      for (let i = 0; i < keys.length; i++)
        entryKeys.push(space.entry(scope, space.tokenId(token, i)));
      let values: unknown[];
      try {
        values = await breaker.run(() => Promise.all(entryKeys.map((key) => store.get(key))));
      } catch {
        report();
        return undefined;
      }
      const at = now();
      for (let i = 0; i < entryKeys.length; i++) {
        const entry = entryFrom(open(keys[i] as DerivedKeys, entryKeys[i] as string, values[i]));
        if (!entry) continue;
        // Freshness by the local clock, whatever the store's own expiry says.
        if (!(entry.until > at) || entry.until - at > MAX_ENTRY_MS || entry.at > at + 60_000)
          continue;
        return { json: entry.v, remainingMs: entry.until - at, verifiedAt: entry.at };
      }
      return undefined;
    },
    write(scope, token, json, ttlMs, verifiedAt) {
      if (breaker.open || !(ttlMs >= 1) || json === undefined) return;
      const key = space.entry(scope, space.tokenId(token));
      const body: Entry = { v: json, at: verifiedAt, until: now() + ttlMs };
      const sealed = seal(writer, key, JSON.stringify(body));
      if (sealed.length > MAX_SEALED_LENGTH) return;
      breaker
        .run(() => store.set(key, sealed, { ttlMs: Math.ceil(ttlMs), ifAbsent: true }))
        .catch(() => report());
    },
    attach(cache, scope) {
      attached.add(new WeakRef(cache));
      scopes.add(scope);
    },
    noteVerified(id, at) {
      const known = verified.get(id);
      if (known === undefined || at < known) verified.set(id, at);
    },
  };

  const shared: SharedCache = {
    check(token: string, identity: Identity): RevocationAnswer | Promise<RevocationAnswer> {
      return revocations.check(token, identity);
    },

    async revoke(token, revokeOptions = {}) {
      if (typeof token !== 'string' || token === '') {
        throw new TypeError('shared.revoke: token must be a non-empty string');
      }
      const expiresAt = revokeOptions.expiresAt;
      if (
        expiresAt !== undefined &&
        (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))
      ) {
        throw new TypeError('shared.revoke: "expiresAt" must be epoch seconds');
      }
      const start = now();
      // A minute of slack for clocks that disagree about the expiry.
      const until = Math.max(
        start + 1000,
        (expiresAt !== undefined
          ? expiresAt * 1000
          : (jwtExpiryMs(token) ?? start + revocationTtlMs)) + 60_000,
      );
      const ids = revocations.tokenIds(token);
      const msg = { type: 'token' as const, ids, until };
      revocations.learn(msg);
      const record: RevocationRecord = { until };
      await withTimeout(
        () =>
          Promise.all([
            ...ids.map((id, i) => {
              const key = space.tombstone(id);
              return store.set(key, sealRecord(keys[i] as DerivedKeys, key, record), {
                ttlMs: until - start,
              });
            }),
            ...ids.flatMap((id) =>
              [...scopes].map((scope) => store.delete(space.entry(scope, id))),
            ),
          ]),
        adminTimeoutMs,
      );
      await withTimeout(
        () => store.publish(space.channel, sealMessage(writer, space.channel, msg)),
        adminTimeoutMs,
      );
    },

    async revokeSubject(revocation) {
      if (typeof revocation !== 'object' || revocation === null) {
        throw new TypeError(
          'shared.revokeSubject: an object { issuer, subject, before? } is required',
        );
      }
      checkKnownOptions('shared.revokeSubject', revocation, ['issuer', 'subject', 'before']);
      const { issuer, subject } = revocation;
      if (typeof issuer !== 'string')
        throw new TypeError('shared.revokeSubject: "issuer" must be a string');
      if (typeof subject !== 'string' || subject === '') {
        throw new TypeError('shared.revokeSubject: "subject" must be a non-empty string');
      }
      const rawBefore = revocation.before ?? now();
      const before = rawBefore instanceof Date ? rawBefore.getTime() : rawBefore;
      if (typeof before !== 'number' || !Number.isFinite(before)) {
        throw new TypeError('shared.revokeSubject: "before" must be a Date or epoch milliseconds');
      }
      const ids = revocations.subjectIds(issuer, subject);
      const msg = { type: 'subject' as const, ids, before };
      const start = now();
      revocations.learn(msg);
      await withTimeout(
        () =>
          Promise.all(
            ids.map(async (id, i) => {
              const key = space.subject(id);
              const k = keys[i] as DerivedKeys;
              // A cut-off only moves later.
              const existing = open(k, key, await store.get(key));
              const previous = existing
                ? (JSON.parse(existing) as RevocationRecord).before
                : undefined;
              const record: RevocationRecord = {
                until: start + revocationTtlMs,
                before: Math.max(before, typeof previous === 'number' ? previous : 0),
              };
              await store.set(key, sealRecord(k, key, record), { ttlMs: revocationTtlMs });
            }),
          ),
        adminTimeoutMs,
      );
      // Again: a lookup that read the store before the write must not be remembered.
      revocations.learn(msg);
      await withTimeout(
        () => store.publish(space.channel, sealMessage(writer, space.channel, msg)),
        adminTimeoutMs,
      );
    },

    replayStore: () => sharedReplayStore(store, space, breaker),

    status,

    async close() {
      if (closed) return;
      closed = true;
      bus = 'closed';
      if (retry) clearTimeout(retry);
      closing.abort();
      revocations.down();
      const sub = subscription;
      subscription = undefined;
      await sub?.close();
    },
  };
  LEVELS.set(shared, level);
  return Object.freeze(shared);
}
