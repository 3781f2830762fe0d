/**
 * The DPoP replay stage (RFC 9449 §11.1): a fully valid proof's `jti` is claimed once, in a
 * `ReplayStore`, qualified by the proof key's thumbprint. The store sees a hash, never the `jti`
 * or the proof. A store that throws or does not answer in time fails closed (503).
 */
import { sha256 } from '../util/hash.js';
import { syncTwin } from '../util/sync-twin.js';
import type { ReasonCode } from '../reasons.js';

/**
 * Remembers which proofs were used. `claim` resolves `true` the first time it sees `key` within
 * `ttlMs`, `false` for a replay; it rejects (or never settles) when it cannot tell.
 *
 * @example
 * ```ts
 * const store: ReplayStore = { claim: async (key, ttlMs) => (await redis.set(key, '1', { NX: true, PX: ttlMs })) === 'OK' };
 * ```
 */
export interface ReplayStore {
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** Thrown by a bounded store that holds only unexpired entries and cannot take one more. */
export class ReplayStoreFullError extends Error {
  override readonly name = 'ReplayStoreFullError';
  constructor() {
    super('the DPoP replay store is full of unexpired proofs');
  }
}

/** What a valid proof contributes to its replay claim. */
export interface ProofUse {
  /** RFC 7638 thumbprint of the proof key. */
  jkt: string;
  /** The proof's `jti`. */
  jti: string;
  /** When the proof stops being acceptable, in milliseconds since the epoch. */
  acceptableUntilMs: number;
}

/** The store key of one proof use: a hash of (thumbprint, jti), never the raw `jti`. */
export function replayKey(use: Pick<ProofUse, 'jkt' | 'jti'>): string {
  // A thumbprint is base64url (no '.'), so the concatenation is unambiguous.
  return `dpop:${sha256(`${use.jkt}.${use.jti}`)}`;
}

/** The result of a claim: `undefined` for a first use, or why the request is refused. */
export type ClaimOutcome =
  { kind: 'first' } | { kind: 'refused'; reason: ReasonCode; cause?: unknown };

const TIMED_OUT = Symbol('timed out');

/** The in-memory store's claim without a promise: the same answers as its `claim`. */
const CLAIM_NOW = syncTwin<(key: string, ttlMs: number) => boolean>('claim-now');

/**
 * Gives a store of this process its synchronous claim. Returns the store.
 *
 * @example
 * ```ts
 * return withClaimNow({ claim: async (k, t) => claimNow(k, t) }, claimNow);
 * ```
 */
export function withClaimNow<T extends ReplayStore>(
  store: T,
  claimNow: (key: string, ttlMs: number) => boolean,
): T {
  return CLAIM_NOW.attach(store, claimNow);
}

const FIRST: ClaimOutcome = Object.freeze({ kind: 'first' });
const REPLAYED: ClaimOutcome = Object.freeze({ kind: 'refused', reason: 'dpop_proof_replayed' });

function outcomeOf(answer: unknown): ClaimOutcome {
  if (answer === true) return FIRST;
  if (answer === false) return REPLAYED;
  return {
    kind: 'refused',
    reason: 'replay_store_error',
    cause: new TypeError('replay store answered something other than a boolean'),
  };
}

function failureOf(cause: unknown): ClaimOutcome {
  const reason = cause instanceof ReplayStoreFullError ? 'replay_store_full' : 'replay_store_error';
  return { kind: 'refused', reason, cause };
}

/**
 * Claims `use` in `store`, waiting at most `timeoutMs`; a store of this process answers at once.
 * `ttlMs` is the proof's remaining acceptance window (at least 1 ms): after it, the proof is
 * refused as too old anyway.
 */
export function claimProof(
  store: ReplayStore,
  use: ProofUse,
  timeoutMs: number,
  now: number = Date.now(),
): ClaimOutcome | Promise<ClaimOutcome> {
  const ttlMs = Math.max(1, Math.ceil(use.acceptableUntilMs - now));
  const claimNow = CLAIM_NOW.of(store);
  if (!claimNow) return claimWithin(store, use, ttlMs, timeoutMs);
  try {
    return outcomeOf(claimNow(replayKey(use), ttlMs));
  } catch (cause) {
    return failureOf(cause);
  }
}

async function claimWithin(
  store: ReplayStore,
  use: ProofUse,
  ttlMs: number,
  timeoutMs: number,
): Promise<ClaimOutcome> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      Promise.resolve().then(() => store.claim(replayKey(use), ttlMs)),
      new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
      }),
    ]);
    if (answer === TIMED_OUT) {
      return {
        kind: 'refused',
        reason: 'replay_store_error',
        cause: new Error(`replay store did not answer within ${timeoutMs} ms`),
      };
    }
    return outcomeOf(answer);
  } catch (cause) {
    return failureOf(cause);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
