/**
 * memoryStore(): the `SharedStore` of one process, for tests and single-process use. Entries
 * expire after their lifetime; the number of entries is bounded (the oldest go first).
 */
import { checkKnownOptions } from '../util/known-options.js';
import type { SharedStore, StoreSubscription, SubscriptionHandlers } from './store.js';

/** Options of `memoryStore`. */
export interface MemoryStoreOptions {
  /** Most entries kept; the oldest are dropped first. Default 100 000. */
  max?: number;
}

interface Entry {
  value: string;
  until: number;
}

/**
 * A `SharedStore` held in this process's memory.
 *
 * @example
 * ```ts
 * const shared = sharedCache({ store: memoryStore(), secret, namespace: 'api' });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): SharedStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('memoryStore: options must be an object');
  }
  checkKnownOptions('memoryStore', options, ['max']);
  const max = options.max ?? 100_000;
  if (!Number.isInteger(max) || max < 1) {
    throw new TypeError('memoryStore: "max" option must be a positive integer');
  }
  const entries = new Map<string, Entry>();
  const channels = new Map<string, Set<SubscriptionHandlers>>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.until <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  return {
    async get(key) {
      return live(key)?.value ?? null;
    },
    async set(key, value, { ttlMs, ifAbsent }) {
      if (!(ttlMs > 0)) throw new RangeError('memoryStore: ttlMs must be positive');
      if (ifAbsent && live(key)) return false;
      entries.delete(key);
      entries.set(key, { value, until: Date.now() + ttlMs });
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async publish(channel, message) {
      const subscribers = channels.get(channel);
      for (const handlers of subscribers ?? []) {
        // Delivered later, as Redis would, and not after the subscription closed.
        queueMicrotask(() => {
          if (subscribers?.has(handlers)) handlers.message(message);
        });
      }
    },
    async subscribe(channel, handlers): Promise<StoreSubscription> {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      const own = { ...handlers };
      set.add(own);
      handlers.reset();
      return {
        async close() {
          channels.get(channel)?.delete(own);
        },
      };
    },
  };
}
