/**
 * Synchronous twins: a built-in object whose promise-returning method often knows its answer at
 * once (a verifier's cache hit, the in-memory replay store, `memoryDirectory`) carries a
 * synchronous twin of it under a private symbol — not enumerable and off its public type — which
 * the request pipeline calls to decide without a promise. An object without one (an
 * application's own) is always asked through its method.
 */

/** How to give objects a twin of one kind and find it again. */
export interface SyncTwin<F> {
  /** Gives `target` its twin; returns `target`. */
  attach<T extends object>(target: T, twin: F): T;
  /** The twin `target` carries, if any. */
  of(target: unknown): F | undefined;
}

/**
 * A kind of synchronous twin, with a symbol of its own.
 *
 * @example
 * ```ts
 * const findNow = syncTwin<(id: string) => User | null>('find-now');
 * const directory = findNow.attach({ find: async (id) => lookup(id) }, lookup);
 * findNow.of(directory)?.('u1');
 * ```
 */
export function syncTwin<F extends (...args: never[]) => unknown>(name: string): SyncTwin<F> {
  const key = Symbol(`bearer-guard.${name}`);
  return {
    attach: (target, twin) => Object.defineProperty(target, key, { value: twin }),
    of(target) {
      if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
        return undefined;
      }
      const twin = (target as Record<symbol, unknown>)[key];
      return typeof twin === 'function' ? (twin as F) : undefined;
    },
  };
}
