/**
 * Reading an Identity's parts from a claims object (a JWT payload or an introspection answer):
 * scopes, client id, subject. Wrong types are refusals, not guesses.
 */
import type { Claims } from '../types.js';

/**
 * Scopes from `scope` (RFC 6749 / RFC 9068: one space-separated string) and `scp` (a string or an
 * array of strings, as some providers send). `undefined` when a value has the wrong type.
 */
export function readScopes(claims: Claims): string[] | undefined {
  const scopes: string[] = [];
  const has = (name: string) => Object.prototype.hasOwnProperty.call(claims, name);
  if (has('scope')) {
    const scope = claims.scope;
    if (typeof scope !== 'string') return undefined;
    scopes.push(...scope.split(' ').filter(Boolean));
  }
  if (has('scp')) {
    const scp = claims.scp;
    if (typeof scp === 'string') scopes.push(...scp.split(' ').filter(Boolean));
    else if (Array.isArray(scp) && scp.every((s) => typeof s === 'string'))
      scopes.push(...(scp as string[]));
    else return undefined;
  }
  return [...new Set(scopes)];
}

/** A claim that must be a string when present: the value, `undefined` when absent, `null` when of another type. */
export function optionalString(claims: Claims, name: string): string | undefined | null {
  if (!Object.prototype.hasOwnProperty.call(claims, name)) return undefined;
  const value = claims[name];
  return typeof value === 'string' ? value : null;
}
