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
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyData(value[i] as unknown);
    return out as T;
  }
  // Plain objects of any realm (claims parsed in a vm context or cloned by structuredClone have
  // another realm's Object.prototype): a prototype whose own prototype is null.
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    out[key] = copyData((value as Record<string, unknown>)[key]);
  }
  return out as T;
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
