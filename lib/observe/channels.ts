/**
 * `node:diagnostics_channel` channels bearer-guard publishes on. Publishing costs nothing while
 * nobody subscribes (`hasSubscribers` is checked first). No message carries a token or a proof.
 */
import { channel } from 'node:diagnostics_channel';
import type { Decision } from '../types.js';

/** Names of every channel (pinned prefix `bearer-guard:`). */
export const CHANNELS = Object.freeze({
  /** Every decision, guard refusals included: the object `onDecision` receives. */
  decision: 'bearer-guard:decision',
  /** A verifier ran: `{ verifier, outcome, reason, durationMs }`. */
  verifier: 'bearer-guard:verifier',
  /** A token cache was asked: `{ cache, hit }` (`cache` the verifier's name). */
  cache: 'bearer-guard:cache',
  /** An upstream call finished: `{ url, status?, failure?, durationMs }` (origin and path only). */
  upstream: 'bearer-guard:upstream',
  /** A DPoP proof's `jti` was claimed: `{ outcome: 'first' | 'replay' | 'error', durationMs }`. */
  replay: 'bearer-guard:replay',
});

export const decisionChannel = channel(CHANNELS.decision);
export const verifierChannel = channel(CHANNELS.verifier);
export const cacheChannel = channel(CHANNELS.cache);
export const upstreamChannel = channel(CHANNELS.upstream);
export const replayChannel = channel(CHANNELS.replay);

/**
 * A message of `bearer-guard:decision`: the decision `onDecision` receives (without `req`), its
 * `cause` already reduced to a summary.
 */
export type DecisionMessage = Decision;

/** A message of `bearer-guard:verifier`: one verifier run, published when it has finished. */
export interface VerifierRunMessage {
  /** The verifier's `name`. */
  verifier: string;
  /** Its verdict (`'error'`: it threw or returned something that is not a verdict). */
  outcome: 'accept' | 'pass' | 'reject' | 'unavailable' | 'error';
  /** The verdict's reason code; `'accepted'` for an accept. */
  reason: string;
  /** Milliseconds the run took, ending when the message is published. */
  durationMs: number;
}

/** A message of `bearer-guard:upstream`: one HTTP call to an upstream, published when it ended. */
export interface UpstreamCallMessage {
  /** Origin and path of the URL called; never its query. */
  url: string;
  method: string;
  /** The answer's HTTP status, when one came. */
  status?: number;
  /** Why no usable answer came (`upstream_timeout`, `upstream_unreachable`, ...), instead of `status`. */
  failure?: string;
  /** Milliseconds the call took, ending when the message is published. */
  durationMs: number;
}

/** A message of `bearer-guard:cache`: a token cache was asked for a verdict. */
export interface CacheLookupMessage {
  /** The cache's name: the verifier's name. */
  cache: string;
  hit: boolean;
  /** `'memory'`: this instance's own cache; `'shared'`: the shared store behind it (sharedCache). */
  level: 'memory' | 'shared';
}

/** A message of `bearer-guard:replay`: a DPoP proof's `jti` was claimed. */
export interface ReplayClaimMessage {
  outcome: 'first' | 'replay' | 'error';
  durationMs: number;
}
