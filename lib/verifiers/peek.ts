/**
 * The synchronous look of a built-in verifier: the verdict it would give a token it already holds
 * (a cache hit, or a token it can tell at a glance is not its kind), without a promise. The chain
 * uses it to decide a reused token in one synchronous pass; `undefined` means "ask `verify`".
 * Kept off the public `Verifier` type: an application's verifier is always asked through `verify`.
 */
import type { Verdict, Verifier } from '../types.js';
import { syncTwin } from '../util/sync-twin.js';

/** The verdict `verify` would resolve to, when it is known now; else `undefined`. */
export type Peek = (token: string) => Verdict | undefined;

const PEEK = syncTwin<Peek>('peek');

/**
 * Gives `verifier` its synchronous look. Returns the verifier.
 *
 * @example
 * ```ts
 * return withPeek({ name, verify }, (token) => cache.peek(token));
 * ```
 */
export function withPeek<T extends Verifier>(verifier: T, peek: Peek): T {
  return PEEK.attach(verifier, peek);
}

/** The synchronous look of a verifier, when it has one. */
export function peekOf(verifier: Verifier): Peek | undefined {
  return PEEK.of(verifier);
}
