/**
 * What bearerAuth leaves on a request for the guards behind it: how to render an error the same
 * way it would. A symbol key, so nothing collides with the application's properties.
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

type Marked = Request & { [STATE]?: RequestState };

/** Marks `req` as seen by bearerAuth. */
export function markRequest(req: Request, state: RequestState): void {
  (req as Marked)[STATE] = state;
}

/** The settings of the bearerAuth that saw `req`, or `undefined` when none did. */
export function requestState(req: Request): RequestState | undefined {
  return (req as Marked)[STATE];
}
