/**
 * The default DPoP replay store: in this process's memory, bounded in entries. It never evicts
 * an unexpired entry (that would let its proof be replayed): when full of live entries it
 * refuses the claim (503 `replay_store_full`). Expired entries are swept as claims arrive.
 */
import { ReplayStoreFullError, withClaimNow, type ReplayStore } from './replay-store.js';

/** Options of the in-memory replay store. */
export interface MemoryReplayStoreOptions {
  /** Most proofs remembered at once. Default 100 000. */
  max?: number;
}

/** Default bound of the in-memory replay store. */
export const DEFAULT_REPLAY_MAX = 100_000;

/** An in-memory replay store; `size` is how many live or not-yet-swept entries it holds. */
export interface MemoryReplayStore extends ReplayStore {
  readonly size: number;
}

/**
 * Creates the bounded in-memory store. Suits one instance; several instances need a shared
 * store (`sharedCache(…).replayStore()`), or a proof refused by one is accepted by another.
 *
 * @example
 * ```ts
 * const store = memoryReplayStore({ max: 10_000 });
 * await store.claim('k', 60_000); // true
 * await store.claim('k', 60_000); // false
 * ```
 */
export function memoryReplayStore(
  options: MemoryReplayStoreOptions = {},
  clock: () => number = Date.now,
): MemoryReplayStore {
  const max = options.max ?? DEFAULT_REPLAY_MAX;
  /** key → expiry (ms). Insertion order is close to expiry order: proofs share one window. */
  const entries = new Map<string, number>();
  /** No entry expires before this instant: a full sweep before it would find nothing. */
  let nothingExpiresBefore = 0;

  /** Drops expired entries from the oldest end; stops at the first live one. */
  const sweepOldest = (now: number, budget: number): void => {
    for (const [key, expires] of entries) {
      if (budget-- <= 0 || expires > now) return;
      entries.delete(key);
    }
  };

  /** Drops every expired entry; remembers the earliest remaining expiry. */
  const sweepAll = (now: number): void => {
    let earliest = Infinity;
    for (const [key, expires] of entries) {
      if (expires <= now) entries.delete(key);
      else if (expires < earliest) earliest = expires;
    }
    nothingExpiresBefore = earliest;
  };

  const claimNow = (key: string, ttlMs: number): boolean => {
    const now = clock();
    sweepOldest(now, 4);
    const expires = entries.get(key);
    if (expires !== undefined) {
      if (expires > now) return false;
      entries.delete(key);
    }
    if (entries.size >= max) {
      if (now >= nothingExpiresBefore) sweepAll(now);
      if (entries.size >= max) throw new ReplayStoreFullError();
    }
    entries.set(key, now + ttlMs);
    if (now + ttlMs < nothingExpiresBefore) nothingExpiresBefore = now + ttlMs;
    return true;
  };

  return withClaimNow(
    {
      get size() {
        return entries.size;
      },
      claim: async (key: string, ttlMs: number): Promise<boolean> => claimNow(key, ttlMs),
    },
    claimNow,
  );
}
