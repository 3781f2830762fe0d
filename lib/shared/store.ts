/**
 * The small store interface a shared cache needs: strings in, strings out, every entry with a
 * lifetime, writes that can be only-if-absent, and one pub/sub channel. Redis adapters
 * (`bearer-guard/redis`) and `memoryStore()` implement it; nothing here imports a Redis client.
 */

/** How `set` writes. */
export interface StoreSetOptions {
  /** Lifetime in milliseconds (> 0). The store drops the entry after it. */
  ttlMs: number;
  /** `true`: write only when the key holds nothing (Redis `SET … NX`). */
  ifAbsent?: boolean;
}

/** What a subscription reports. */
export interface SubscriptionHandlers {
  /** A message published on the channel (any string: it is checked before use). */
  message(message: string): void;
  /**
   * The subscription is (again) in place: called after the first subscription and after every
   * resubscription, because messages published while disconnected are lost.
   */
  reset(): void;
  /** The subscription connection went down: messages may be lost until the next `reset`. */
  down(): void;
}

/** A live subscription. */
export interface StoreSubscription {
  /** Unsubscribes and releases the connection the subscription used. */
  close(): Promise<void>;
}

/**
 * A key-value store with pub/sub, as `sharedCache` uses it. Implementations may reject or
 * answer anything on failure: the shared cache treats a rejection, a timeout or a malformed
 * answer as "the store could not answer".
 *
 * @example
 * ```ts
 * const store: SharedStore = memoryStore();
 * await store.set('k', 'v', { ttlMs: 1000, ifAbsent: true }); // true: written
 * ```
 */
export interface SharedStore {
  /** The value under `key`, or `null` when there is none. */
  get(key: string): Promise<string | null>;
  /** Writes `value` under `key` for `ttlMs`; `true` if written (`false`: `ifAbsent` and taken). */
  set(key: string, value: string, options: StoreSetOptions): Promise<boolean>;
  /** Removes `key` (nothing happens when it does not exist). */
  delete(key: string): Promise<void>;
  /** Publishes `message` on `channel`. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Subscribes to `channel` on a connection of its own (Redis pub/sub blocks the connection
   * that subscribes). Resolves once subscribed. When `signal` aborts before that, the attempt
   * is given up and its connection released.
   */
  subscribe(
    channel: string,
    handlers: SubscriptionHandlers,
    signal?: AbortSignal,
  ): Promise<StoreSubscription>;
}
