/**
 * Per-route guards, used after bearerAuth: requireScopes, requireAnyScope, requireClaims.
 * A refusal is a 403 with `WWW-Authenticate: Bearer error="insufficient_scope"` (RFC 6750 §3.1).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BearerAuthError, insufficientScope } from './errors.js';
import { attachRendering, renderError, writeResponse } from './respond.js';
import { getRequestAuth } from './request-auth.js';
import { requestState, type RequestState } from './request-state.js';
import { isPending } from './util/pending.js';
import { performance } from 'node:perf_hooks';
import type { RegisteredClaims, RegisteredUser } from './augment.js';
import type { AuthResult, Claims, Decision } from './types.js';
import { isObject } from './util/json.js';
import {
  normalizeAuthenticationRequirement,
  satisfiesAuthentication,
  type AuthenticationRequirement,
} from './guards/step-up.js';

export type { AuthenticationRequirement } from './guards/step-up.js';

const FALLBACK: RequestState = {
  errorFormat: 'seed',
  errorHandling: 'respond',
  realm: 'api',
  retryAfterSeconds: 5,
  report: () => undefined,
};
/** RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
let warnedNoAuth = false;

/**
 * Answers a guard's refusal the way the bearerAuth in front of it would (format, error handling,
 * challenges), and reports it as a decision of its own.
 */
function send(
  req: Request,
  res: Response,
  next: NextFunction,
  err: BearerAuthError,
  state: RequestState,
  started: number,
): void {
  const auth = getRequestAuth(req);
  if (!err.scheme && auth?.binding === 'dpop') {
    err = new BearerAuthError(err.reason, {
      cause: err.cause,
      scopes: err.scopes,
      message: err.message,
      scheme: 'dpop',
      acrValues: err.acrValues,
      maxAge: err.maxAge,
    });
  }
  const rendered = renderError(err, state.errorFormat, state, req);
  attachRendering(err, rendered);
  const decision: Decision = {
    outcome: 'reject',
    reason: err.reason,
    status: rendered.status,
    durationMs: performance.now() - started,
  };
  if (auth) {
    decision.verifier = auth.identity.verifier;
    decision.subject = auth.identity.subject;
    decision.binding = auth.binding;
  }
  if (err.cause !== undefined) decision.cause = err.cause;
  state.report(decision, req);
  if (state.errorHandling === 'next') return next(err);
  writeResponse(res, rendered);
}

/**
 * Equality of JSON values: arrays element by element, objects by own keys in any order. Unlike
 * `isDeepStrictEqual` it ignores prototypes, so claims parsed in another realm (a VM context, a
 * worker) still match.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameJson(a[key], b[key]))
  );
}

/**
 * Runs `check` on `req.auth`; answers 401 when the request has no accepted token (optional mode),
 * and 500 when no bearerAuth ran in front of the guard (a programming error, logged once).
 */
function guard(
  name: string,
  check: (auth: AuthResult) => BearerAuthError | undefined | Promise<BearerAuthError | undefined>,
): RequestHandler {
  const handle = (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const state = requestState(req);
    if (!state) {
      if (!warnedNoAuth) {
        warnedNoAuth = true;
        // A req.auth without bearerAuth's mark was set (or replaced by a copy) by someone else.
        const why =
          getRequestAuth(req) === undefined
            ? 'is used on a route that bearerAuth does not protect'
            : 'found a req.auth that bearerAuth did not set (change req.auth in place rather than replacing it)';
        process.emitWarning(`${name} ${why}; answering 500`, { code: 'BEARER_GUARD_NO_AUTH' });
      }
      return send(req, res, next, new BearerAuthError('guard_without_auth'), FALLBACK, started);
    }
    const auth = getRequestAuth(req);
    if (!auth) return send(req, res, next, new BearerAuthError('token_missing'), state, started);
    const decided = (refusal: BearerAuthError | undefined): void =>
      refusal ? send(req, res, next, refusal, state, started) : next();
    // A check that knows at once (scopes, claims) decides in the same tick.
    const refusal = check(auth);
    if (isPending(refusal)) refusal.then(decided).then(undefined, next);
    else decided(refusal);
  };
  // As in bearerAuth: any unexpected failure goes to `next`, never an unhandled rejection.
  return function bearerGuard(req: Request, res: Response, next: NextFunction): void {
    try {
      handle(req, res, next);
    } catch (error) {
      next(error);
    }
  };
}

function checkScopes(factory: string, scopes: readonly string[]): readonly string[] {
  if (scopes.length === 0) throw new TypeError(`${factory}: at least one scope is required`);
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(
        `${factory}: ${JSON.stringify(scope)} is not a valid scope (RFC 6749 §3.3)`,
      );
    }
  }
  return Object.freeze([...scopes]);
}

/**
 * Lets the request through only when the token has every one of `scopes`.
 *
 * @example
 * ```ts
 * app.delete('/rest/api/2/issue/:id', requireScopes('write'), handler);
 * ```
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  const required = checkScopes('requireScopes', scopes);
  return guard('requireScopes', (auth) => {
    const granted = new Set(auth.scopes);
    return required.every((s) => granted.has(s)) ? undefined : insufficientScope(required);
  });
}

/**
 * Lets the request through when the token has at least one of `scopes`.
 *
 * @example
 * ```ts
 * app.get('/rest/api/2/search', requireAnyScope('read', 'admin'), handler);
 * ```
 */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  const accepted = checkScopes('requireAnyScope', scopes);
  return guard('requireAnyScope', (auth) =>
    accepted.some((s) => auth.scopes.includes(s)) ? undefined : insufficientScope(accepted, 'any'),
  );
}

/**
 * A claims check: an object of expected values, or a predicate. The predicate's claims are typed
 * as the application registered them (`Register['claims']`), or as the type argument of
 * `requireClaims<MyClaims>(…)`.
 */
export type ClaimsRequirement<C extends object = RegisteredClaims> =
  | Readonly<Record<string, unknown>>
  | ((claims: C, auth: AuthResult<RegisteredUser, C>) => boolean | Promise<boolean>);

/**
 * The claim a requirement key names: the claim of that exact name, or else, for a key with dots
 * (`realm_access.roles`), the value at that path of nested objects. `undefined` when absent.
 */
function claimAt(claims: Claims, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(claims, key)) return claims[key];
  if (!key.includes('.')) return undefined;
  let current: unknown = claims;
  for (const part of key.split('.')) {
    if (!isObject(current) || !Object.prototype.hasOwnProperty.call(current, part)) {
      return undefined;
    }
    current = current[part];
  }
  return current;
}

/** A scalar expected value matches an equal claim or an array claim containing it. */
function claimMatches(claim: unknown, expected: unknown): boolean {
  if (claim === undefined) return false;
  if (typeof expected !== 'object' || expected === null) {
    return Array.isArray(claim) ? claim.some((v) => v === expected) : claim === expected;
  }
  return sameJson(claim, expected);
}

/**
 * Lets the request through when the token's claims satisfy `requirement`, or a predicate
 * returns `true` (a predicate that throws refuses the request). In the object form each key
 * names a claim (or, with dots, a nested one: `'realm_access.roles'`); a scalar expected value
 * matches an equal claim or an array claim containing it (Entra `roles`, `cognito:groups`); an
 * array or object expected value must be deeply equal.
 *
 * @example
 * ```ts
 * app.get('/admin', requireClaims({ tenant: 'acme', roles: 'Admin' }), handler);
 * app.get('/realm', requireClaims({ 'realm_access.roles': 'admin' }), handler);
 * app.get('/own', requireClaims((claims) => claims.email_verified === true), handler);
 * ```
 */
export function requireClaims<C extends object = RegisteredClaims>(
  requirement: ClaimsRequirement<C>,
): RequestHandler {
  if (typeof requirement === 'function') {
    return guard('requireClaims', async (auth) => {
      let ok = false;
      try {
        // The claims are the token's: their type is the application's word for them.
        const typed = auth as unknown as AuthResult<RegisteredUser, C>;
        ok = (await requirement(typed.claims, typed)) === true;
      } catch (cause) {
        return new BearerAuthError('claims_mismatch', { cause });
      }
      return ok ? undefined : new BearerAuthError('claims_mismatch');
    });
  }
  if (
    typeof requirement !== 'object' ||
    requirement === null ||
    Object.keys(requirement).length === 0
  ) {
    throw new TypeError(
      'requireClaims: expected a predicate or a non-empty object of claim values',
    );
  }
  let expected: Readonly<Record<string, unknown>>;
  try {
    expected = Object.freeze(structuredClone({ ...requirement }));
  } catch (cause) {
    // A function or symbol can never equal a claim: refuse it now rather than at a request.
    throw new TypeError('requireClaims: expected claim values must be plain data (JSON values)', {
      cause,
    });
  }
  const names = Object.keys(expected);
  return guard('requireClaims', (auth) =>
    names.every((name) => claimMatches(claimAt(auth.claims, name), expected[name]))
      ? undefined
      : new BearerAuthError('claims_mismatch'),
  );
}

/**
 * RFC 9470 step-up: lets the request through only when the user authenticated the way (`acr`,
 * any of the listed values) and as recently (`maxAgeSeconds` since `auth_time`) as the route
 * requires. Otherwise 401 `insufficient_user_authentication`, with every requirement on the
 * challenge (`acr_values`, `max_age`) of the scheme the request used. A token without `acr` or
 * `auth_time` never satisfies the requirement on it.
 *
 * @example
 * ```ts
 * app.post('/rest/api/2/admin', requireAuthentication({ acr: 'mfa', maxAgeSeconds: 300 }), handler);
 * ```
 */
export function requireAuthentication(options: AuthenticationRequirement): RequestHandler {
  const requirement = normalizeAuthenticationRequirement(options);
  const refusal = {
    acrValues: requirement.acr,
    maxAge: requirement.maxAgeSeconds,
  };
  return guard('requireAuthentication', (auth) =>
    satisfiesAuthentication(auth.identity, requirement, Date.now() / 1000)
      ? undefined
      : new BearerAuthError('insufficient_user_authentication', refusal),
  );
}
