/**
 * What bearerAuth leaves for the guards behind it: how to render an error the same way it would.
 * A symbol key, so nothing collides with the application's properties. An accepted request
 * carries it on `req.auth` (not enumerable: invisible to JSON and deep equality), so that
 * accepting writes one property on `req`; any other request carries it on `req` itself. Marking
 * the `req.auth` literal costs ~0.1 µs; marking the identity copy (a spread clone) cost ~1.5 µs,
 * so an application that replaces `req.auth` with a copy loses the mark (guards then say so).
 */
import type { Request } from 'express';
import type { ErrorHandling } from './options.js';
import type { ErrorFormat, RenderSettings } from './respond.js';
import type { Decision } from './types.js';

const STATE = Symbol('bearer-guard');

/** Rendering settings of the bearerAuth that saw this request. */
export interface RequestState extends RenderSettings {
  errorFormat: ErrorFormat;
  errorHandling: ErrorHandling;
  /** Reports a decision (a guard's refusal) the way bearerAuth reports its own. */
  report: (decision: Decision, req: Request) => void;
}

interface Marked {
  [STATE]?: RequestState;
  auth?: Marked;
}

/** Marks `req` as seen by bearerAuth (a request it did not accept). */
export function markRequest(req: Request, state: RequestState): void {
  (req as Marked)[STATE] = state;
}

/**
 * Marks the result of an accepted request with its bearerAuth's settings, before it becomes
 * `req.auth`. Returns the result.
 */
export function markResult<T extends object>(result: T, state: RequestState): T {
  return Object.defineProperty(result, STATE, { value: state });
}

/** The settings of the bearerAuth that saw `req`, or `undefined` when none did. */
export function requestState(req: Request): RequestState | undefined {
  const marked = req as Marked;
  const auth = marked.auth;
  return (typeof auth === 'object' && auth !== null ? auth[STATE] : undefined) ?? marked[STATE];
}
