/**
 * Types `req.auth` on every Express request by declaration merging. It is set by `bearerAuth`
 * on an accepted token and absent otherwise (e.g. `optional: true` with no token).
 */
import type { AuthResult } from './types.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by bearer-guard's `bearerAuth` when the request carried an accepted token. */
      auth?: AuthResult;
    }
  }
}

export {};
