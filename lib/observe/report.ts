/**
 * Reporting decisions: to the application's `onDecision(decision, req)` and on the
 * `bearer-guard:decision` diagnostics channel, with the cause reduced to what may be logged.
 * When nobody observes decisions, the first upstream failure is still said once, through
 * `process.emitWarning`, so an outage is never a silent 503.
 */
import type { Request } from 'express';
import type { DecisionListener } from '../options.js';
import type { Decision } from '../types.js';
import { decisionChannel } from './channels.js';
import { summarizeCause } from './cause.js';

/** Reports one decision. */
export type Reporter = (decision: Decision, req: Request) => void;

/** `true` when reporting a decision would reach someone. */
export type Observed = () => boolean;

/**
 * Builds the reporter of one bearerAuth.
 *
 * @example
 * ```ts
 * const { report, observed } = createReporter((decision) => log.info(decision));
 * if (observed()) report({ outcome: 'accept', reason: 'accepted', status: 200, durationMs: 1 }, req);
 * ```
 */
export function createReporter(listener: DecisionListener | undefined): {
  report: Reporter;
  observed: Observed;
  warnUnobserved: (decision: Decision) => void;
} {
  let warned = false;
  const observed = () => listener !== undefined || decisionChannel.hasSubscribers;
  const report: Reporter = (decision, req) => {
    if (decision.cause !== undefined) decision.cause = summarizeCause(decision.cause);
    if (listener) {
      try {
        listener(decision, req);
      } catch {
        // An observer's failure must not change the answer.
      }
    }
    if (decisionChannel.hasSubscribers) decisionChannel.publish(decision);
  };
  const warnUnobserved = (decision: Decision) => {
    if (warned || observed()) return;
    warned = true;
    const cause = summarizeCause(decision.cause);
    const detail = cause && !Array.isArray(cause) ? `: ${cause.message}` : '';
    process.emitWarning(
      `bearer-guard answered ${decision.status} (${decision.reason}${decision.verifier ? `, verifier "${decision.verifier}"` : ''})${detail}. Set onDecision or subscribe to the "bearer-guard:decision" channel to see every decision; this warning is given once.`,
      { code: 'BEARER_GUARD_UNAVAILABLE' },
    );
  };
  return { report, observed, warnUnobserved };
}
