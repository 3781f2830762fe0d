/** Values that may be known now or later. */

/**
 * `true` when `value` is a promise (any thenable) rather than the value itself.
 *
 * @example
 * ```ts
 * const found = lookup(id); // User | Promise<User>
 * if (isPending(found)) found.then(use); else use(found);
 * ```
 */
export function isPending<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
