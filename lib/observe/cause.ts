/**
 * What of a refusal's private cause reaches `onDecision`, diagnostics channels and logs: a plain,
 * serialisable summary. Never a token, a token's payload or an upstream's body — an `Error` is
 * reduced to its name, code and message (jose's claim errors carry the whole payload, e-mail
 * included, on a property this summary leaves behind).
 */

/** A serialisable description of an error. */
export interface CauseSummary {
  name: string;
  message: string;
  code?: string;
}

/** One verifier's "not mine", as the chain reports it when every verifier passed. */
export interface PassSummary {
  verifier: string;
  reason: string;
}

function isPass(value: unknown): value is PassSummary {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PassSummary).verifier === 'string' &&
    typeof (value as PassSummary).reason === 'string'
  );
}

/**
 * Reduces `cause` to what may be logged.
 *
 * @example
 * ```ts
 * summarizeCause(new TypeError('bad')); // { name: 'TypeError', message: 'bad' }
 * ```
 */
export function summarizeCause(cause: unknown): CauseSummary | PassSummary[] | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (Array.isArray(cause)) {
    return cause.filter(isPass).map(({ verifier, reason }) => ({ verifier, reason }));
  }
  if (cause instanceof Error || (typeof cause === 'object' && 'message' in cause)) {
    const { name, message, code } = cause as { name?: unknown; message?: unknown; code?: unknown };
    const summary: CauseSummary = {
      name: typeof name === 'string' ? name : 'Error',
      message: typeof message === 'string' ? message : '',
    };
    if (typeof code === 'string') summary.code = code;
    return summary;
  }
  return { name: typeof cause, message: typeof cause === 'string' ? cause : '' };
}
