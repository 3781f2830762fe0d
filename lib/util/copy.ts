/**
 * Deep copies of the data a request is handed (claims, identities, directory entries), so that
 * a handler changing `req.auth` at any depth never reaches the cache or another request.
 * Specialised for JSON-shaped data: a plain loop is several times faster than `structuredClone`.
 */
import type { Identity } from '../types.js';

/**
 * A deep copy of arrays and plain objects; other values (primitives, functions, dates, class
 * instances) are kept as they are.
 *
 * @example
 * ```ts
 * const copy = copyData({ org: { roles: ['a'] } });
 * copy.org.roles.push('admin'); // the original is unchanged
 * ```
 */
export function copyData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  return copyObject(value) as T;
}

/** True for values copyData must go into: arrays and objects. */
function isNested(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

// A shallow copy first (V8 clones a spread or a slice in one step), then only the members that
// are objects themselves are copied again: claims are mostly strings and numbers.
function copyObject(value: object): object {
  if (Array.isArray(value)) {
    const out: unknown[] = value.slice();
    for (let i = 0; i < out.length; i++) {
      const item = out[i];
      if (isNested(item)) out[i] = copyObject(item);
    }
    return out;
  }
  // Plain objects of any realm (claims parsed in a vm context or cloned by structuredClone have
  // another realm's Object.prototype): a prototype whose own prototype is null.
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return value;
  // A spread defines members (an own `__proto__` member stays a member, never a prototype).
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in out) {
    const member = out[key];
    if (!isNested(member) || !Object.prototype.hasOwnProperty.call(out, key)) continue;
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: copyObject(member),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = copyObject(member);
  }
  return out;
}

/** The request's own copy of a (cached) identity: claims, scopes and confirmation included. */
export function copyIdentity(identity: Identity, verifier: string): Identity {
  const copy: Identity = {
    ...identity,
    scopes: identity.scopes.slice(),
    claims: copyData(identity.claims),
    verifier: identity.verifier || verifier,
  };
  if (identity.confirmation) copy.confirmation = { ...identity.confirmation };
  return copy;
}
