/**
 * Types `req.auth` on Express requests by declaration merging, and lets the application say what
 * its users (and claims) are through {@link Register}. `req.auth` is set by `bearerAuth` on an
 * accepted token and absent otherwise (e.g. `optional: true` with no token).
 */
import type { AuthResult, Claims, DirectoryUser } from './types.js';

/**
 * The application's own types, registered once by declaration merging:
 *
 * @example
 * ```ts
 * declare module 'bearer-guard' {
 *   interface Register {
 *     user: MyUser; // the type of req.auth.user: what the directory returns
 *     claims: MyClaims; // optional: the type of req.auth.claims
 *   }
 * }
 * ```
 *
 * Nothing is checked at run time: `user` should be what the configured directory returns.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Register {}

/** `Register['user']` when the application registered one, else any object. */
export type RegisteredUser = Register extends { user: infer U extends DirectoryUser }
  ? U
  : DirectoryUser;

/** `Register['claims']` when the application registered them, else a JSON object. */
export type RegisteredClaims = Register extends { claims: infer C extends object } ? C : Claims;

/** The type of `req.auth` on a route that `bearerAuth` protects. */
export type RequestAuth = AuthResult<RegisteredUser, RegisteredClaims>;

/**
 * What another library declared for `req.auth` on the global `Express.Request` (the
 * express-oauth2-jwt-bearer package declares its own result there), or `unknown`.
 */
type OtherRequestAuth = Express.Request extends { auth?: infer A } ? A : unknown;

// The property goes on express-serve-static-core's Request (what every Express handler receives,
// Express 4 and 5), not on the global Express.Request: a library that declares `auth` on the
// global interface with its own type (express-oauth2-jwt-bearer) would make a second declaration
// there a compile error (TS2717). Declared here, it narrows the inherited property instead: alone,
// `req.auth` is RequestAuth; with such a library in the same program, it is RequestAuth & theirs,
// and each library's routes read their own fields.
declare module 'express-serve-static-core' {
  interface Request {
    /** Set by bearer-guard's `bearerAuth` when the request carried an accepted token. */
    auth?: RequestAuth & OtherRequestAuth;
  }
}
