/**
 * What bearerAuth leaves for the guards behind it: how to render an error the same way it would.
 * A symbol key, so nothing collides with the application's properties. An accepted request
 * carries it on `req.auth.identity` (not enumerable: invisible to spreads, JSON and deep
 * equality; and an application that replaces `req.auth` with a shallow copy keeps the same
 * identity object), so that accepting writes one property on `req`; any other request carries
 * it on `req` itself.
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
  auth?: { identity?: Marked };
}

/** Marks `req` as seen by bearerAuth (a request it did not accept). */
export function markRequest(req: Request, state: RequestState): void {
  (req as Marked)[STATE] = state;
}

/**
 * Marks the identity of an accepted request (the request's own copy) with its bearerAuth's
 * settings, before it becomes `req.auth.identity`. Returns the identity.
 */
export function markIdentity<T extends object>(identity: T, state: RequestState): T {
  return Object.defineProperty(identity, STATE, { value: state });
}

/** The settings of the bearerAuth that saw `req`, or `undefined` when none did. */
export function requestState(req: Request): RequestState | undefined {
  const marked = req as Marked;
  const identity = marked.auth?.identity;
  return (
    (typeof identity === 'object' && identity !== null ? identity[STATE] : undefined) ??
    marked[STATE]
  );
}
