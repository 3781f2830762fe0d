/**
 * Type guards and a careful JSON parser for everything that arrives from outside: token
 * payloads, introspection answers, userinfo profiles, discovery documents.
 */

/** `true` for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys that could reach an object's prototype if the parsed value is ever merged. */
const POISONED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses JSON text and drops `__proto__`, `constructor` and `prototype` keys at every depth.
 * Returns `undefined` for text that is not JSON.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => (POISONED_KEYS.has(key) ? undefined : value));
  } catch {
    return undefined;
  }
}

/** A string property, or `undefined` when absent or not a non-empty string. */
export function stringField(source: Record<string, unknown>, name: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(source, name) ? source[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * `true` when a parsed JSON value holds one of `keys` as an own key at any depth.
 *
 * @example
 * ```ts
 * hasKeyDeep(JSON.parse('{"a":{"constructor":1}}'), new Set(['constructor'])); // true
 * ```
 */
export function hasKeyDeep(value: unknown, keys: ReadonlySet<string>): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (const item of current) pending.push(item);
      continue;
    }
    for (const key in current) {
      if (!Object.prototype.hasOwnProperty.call(current, key)) continue;
      if (keys.has(key)) return true;
      pending.push((current as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/** `true` when a parsed JSON value holds `__proto__`, `constructor` or `prototype` anywhere. */
export function hasPoisonedKey(value: unknown): boolean {
  return hasKeyDeep(value, POISONED_KEYS);
}

/**
 * A deep copy of a JSON value (a JWT payload parsed elsewhere) without `__proto__`,
 * `constructor` and `prototype` keys, as `parseJson` would have read it.
 *
 * @example
 * ```ts
 * withoutPoisonedKeys(JSON.parse('{"sub":"a","__proto__":{"admin":true}}')); // { sub: 'a' }
 * ```
 */
export function withoutPoisonedKeys(value: Record<string, unknown>): Record<string, unknown> {
  return parseJson(JSON.stringify(value)) as Record<string, unknown>;
}
