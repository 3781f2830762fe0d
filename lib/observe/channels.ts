/**
 * `node:diagnostics_channel` channels bearer-guard publishes on. Publishing costs nothing while
 * nobody subscribes (`hasSubscribers` is checked first). No message carries a token or a proof.
 */
import { channel } from 'node:diagnostics_channel';

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
