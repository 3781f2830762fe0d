/**
 * Per-route guards, used after bearerAuth: requireScopes, requireAnyScope, requireClaims.
 * A refusal is a 403 with `WWW-Authenticate: Bearer error="insufficient_scope"` (RFC 6750 §3.1).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BearerAuthError, insufficientScope } from './errors.js';
import { attachRendering, renderError, writeResponse } from './respond.js';
import { requestState, type RequestState } from './request-state.js';
import { performance } from 'node:perf_hooks';
import type { AuthResult, Claims, Decision } from './types.js';
import { isObject } from './util/json.js';

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
  if (!err.scheme && req.auth?.binding === 'dpop') {
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
  if (req.auth) {
    decision.verifier = req.auth.identity.verifier;
    decision.subject = req.auth.identity.subject;
    decision.binding = req.auth.binding;
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
  const handle = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const started = performance.now();
    const state = requestState(req);
    if (!state) {
      if (!warnedNoAuth) {
        warnedNoAuth = true;
        process.emitWarning(
          `${name} is used on a route that bearerAuth does not protect; answering 500`,
          {
            code: 'BEARER_GUARD_NO_AUTH',
          },
        );
      }
      return send(req, res, next, new BearerAuthError('guard_without_auth'), FALLBACK, started);
    }
    if (!req.auth)
      return send(req, res, next, new BearerAuthError('token_missing'), state, started);
    const refusal = await check(req.auth);
    if (refusal) return send(req, res, next, refusal, state, started);
    return next();
  };
  // As in bearerAuth: Express 4 ignores a returned promise, so failures go to `next`.
  return function bearerGuard(req: Request, res: Response, next: NextFunction): void {
    handle(req, res, next).catch(next);
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

/** A claims check: an object of expected values, or a predicate. */
export type ClaimsRequirement =
  | Readonly<Record<string, unknown>>
  | ((claims: Claims, auth: AuthResult) => boolean | Promise<boolean>);

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
export function requireClaims(requirement: ClaimsRequirement): RequestHandler {
  if (typeof requirement === 'function') {
    return guard('requireClaims', async (auth) => {
      let ok = false;
      try {
        ok = (await requirement(auth.claims, auth)) === true;
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
