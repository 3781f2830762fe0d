/**
 * The DPoP replay store on a shared store: one atomic `SET key value NX PX ttl` per claim, so two
 * instances can never both accept one proof. It fails closed: a store that throws, answers
 * garbage or does not answer in time rejects the claim (the DPoP stage answers 503).
 */
import type { Breaker } from './breaker.js';
import type { KeySpace } from './keys.js';
import type { SharedStore } from './store.js';

import type { ReplayStore } from '../binding/replay-store.js';

export type { ReplayStore } from '../binding/replay-store.js';

const MAX_KEY_LENGTH = 1024;

/** A replay store claiming keys in `store` under `space`, each call bounded by `breaker`. */
export function sharedReplayStore(
  store: SharedStore,
  space: KeySpace,
  breaker: Breaker,
): ReplayStore {
  return {
    async claim(key: string, ttlMs: number): Promise<boolean> {
      if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH) {
        throw new TypeError('replayStore.claim: key must be a non-empty string');
      }
      if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
        throw new TypeError('replayStore.claim: ttlMs must be a positive number');
      }
      const written = await breaker.run(() =>
        store.set(space.claim(key), '1', { ttlMs: Math.ceil(ttlMs), ifAbsent: true }),
      );
      if (typeof written !== 'boolean') throw new TypeError('the store answered garbage');
      return written;
    },
  };
}
