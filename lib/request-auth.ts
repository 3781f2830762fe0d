/**
 * Reads and writes `req.auth` inside the library. The declared type of `req.auth` follows the
 * application's `Register` (and another library's declaration, see augment.ts), so library code
 * compiled together with an application that registers its types (a monorepo path mapping, this
 * repository's own samples) must not depend on it: it speaks the unregistered `AuthResult`.
 */
import type { AuthResult } from './types.js';

interface WithAuth {
  auth?: AuthResult;
}

/** Sets `req.auth` (the request of any host: Express, connect, Fastify's middie). */
export function setRequestAuth(req: object, result: AuthResult): void {
  (req as WithAuth).auth = result;
}

/** `req.auth` as bearerAuth set it, or `undefined`. */
export function getRequestAuth(req: object): AuthResult | undefined {
  return (req as WithAuth).auth;
}
