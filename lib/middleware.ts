/**
 * bearerAuth(): the Express middleware. It only wires the stages together
 * (extract → verify → resolve) and writes what `respond` renders; each stage lives in its own
 * module.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { runChain, type ChainResult } from './chain.js';
import { BearerAuthError } from './errors.js';
import { extractToken, type TokenSources } from './extract.js';
import {
  normalizeBearerAuthOptions,
  type BearerAuthOptions,
  type ResolvedBearerAuthOptions,
} from './options.js';
import { renderError } from './respond.js';
import { markRequest, type RequestState } from './request-state.js';
import type { Decision, Identity, VerifyContext } from './types.js';
import './augment.js';

const NO_HEADERS: readonly string[] = Object.freeze([]);

/** Every `Authorization` line of the request: Node keeps only the first in `req.headers`. */
function authorizationLines(req: Request): readonly string[] {
  const first = req.headers.authorization;
  if (first === undefined) return NO_HEADERS;
  const raw = req.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).length === 13 && (raw[i] as string).toLowerCase() === 'authorization')
      count++;
  }
  return count > 1 ? [first, first] : [first];
}

function ownParameter(source: unknown): unknown {
  if (typeof source !== 'object' || source === null) return undefined;
  return Object.prototype.hasOwnProperty.call(source, 'access_token')
    ? (source as Record<string, unknown>).access_token
    : undefined;
}

function sourcesOf(req: Request, config: ResolvedBearerAuthOptions): TokenSources {
  const locations = config.tokenLocations;
  return {
    authorization: locations.has('header') ? authorizationLines(req) : NO_HEADERS,
    query: locations.has('query') ? ownParameter(req.query) : undefined,
    body: locations.has('body') ? ownParameter(req.body) : undefined,
    method: req.method,
    formEncoded:
      locations.has('body') && typeof req.is('application/x-www-form-urlencoded') === 'string',
  };
}

/**
 * A context whose AbortSignal is only built when a verifier asks for it. A class, not an object
 * literal with a getter: V8 builds a literal's accessor on every request, ~20× slower.
 */
class LazyContext implements VerifyContext {
  readonly req: Request;
  readonly scheme = 'bearer' as const;
  readonly #res: Response;
  #controller: AbortController | undefined;

  constructor(req: Request, res: Response) {
    this.req = req;
    this.#res = res;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      const ac = new AbortController();
      const res = this.#res;
      this.#controller = ac;
      res.once('close', () => {
        if (!res.writableFinished) ac.abort(new Error('client closed the connection'));
      });
    }
    return this.#controller.signal;
  }
}

function contextFor(req: Request, res: Response): VerifyContext {
  return new LazyContext(req, res);
}

function errorFor(result: Exclude<ChainResult, { kind: 'accept' }>): BearerAuthError {
  if (result.kind === 'none') return new BearerAuthError(result.reason, { cause: result.passes });
  return new BearerAuthError(result.reason, { cause: result.cause, verifier: result.verifier });
}

/**
 * Protects routes with OAuth 2.0 bearer tokens.
 *
 * @example
 * ```ts
 * const auth = bearerAuth({
 *   verifiers: [jwtVerifier({ issuer: 'https://id.example.com', audience: 'api', jwks })],
 *   directory: memoryDirectory(users),
 * });
 * app.use('/rest/api', auth);
 * ```
 */
export function bearerAuth(options: BearerAuthOptions): RequestHandler {
  const config = normalizeBearerAuthOptions(options);
  const { onDecision } = config;
  const state: RequestState = Object.freeze({
    errorFormat: config.errorFormat,
    realm: config.realm,
    retryAfterSeconds: config.retryAfterSeconds,
  });

  const report = (decision: Decision): void => {
    if (!onDecision) return;
    try {
      onDecision(decision);
    } catch {
      // An observer's failure must not change the answer.
    }
  };

  const refuse = (
    req: Request,
    res: Response,
    err: BearerAuthError,
    started: number,
    outcome: Decision['outcome'],
  ) => {
    const rendered = renderError(err, config.errorFormat, config, req);
    if (onDecision) {
      report({
        outcome,
        reason: err.reason,
        verifier: err.verifier,
        status: rendered.status,
        durationMs: performance.now() - started,
        cause: err.cause,
      });
    }
    if (rendered.headers) res.set(rendered.headers);
    res.status(rendered.status).json(rendered.body);
  };

  const accept = (
    req: Request,
    next: NextFunction,
    token: string,
    identity: Identity,
    user: object,
    started: number,
  ) => {
    req.auth = {
      token,
      user,
      identity,
      scopes: identity.scopes,
      claims: identity.claims,
      binding: 'bearer',
    };
    if (onDecision) {
      report({
        outcome: 'accept',
        reason: 'accepted',
        verifier: identity.verifier,
        status: 200,
        durationMs: performance.now() - started,
        subject: identity.subject,
        username: identity.username,
      });
    }
    next();
  };

  const handle = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const started = onDecision ? performance.now() : 0;
    markRequest(req, state);
    const extraction = extractToken(
      sourcesOf(req, config),
      config.tokenLocations,
      config.maxTokenLength,
    );
    if (extraction.kind === 'error') {
      return refuse(req, res, new BearerAuthError(extraction.reason), started, 'reject');
    }
    if (extraction.kind === 'none') {
      if (config.optional) {
        if (onDecision) {
          report({
            outcome: 'accept',
            reason: 'token_missing',
            status: 200,
            durationMs: performance.now() - started,
          });
        }
        return next();
      }
      return refuse(req, res, new BearerAuthError('token_missing'), started, 'reject');
    }

    const token = extraction.token;
    const result = await runChain(config.verifiers, token, contextFor(req, res));
    if (result.kind !== 'accept') {
      const outcome = result.kind === 'none' ? 'reject' : result.kind;
      return refuse(req, res, errorFor(result), started, outcome);
    }

    // Revocations (sharedCache) overrule the chain and its caches. Decided without a promise
    // when this process knows; only a store lookup is awaited.
    let revoked = config.revocation?.check(token, result.identity);
    if (revoked !== undefined && typeof revoked !== 'string') revoked = await revoked;
    if (revoked) {
      return refuse(
        req,
        res,
        new BearerAuthError(revoked, { verifier: result.verifier }),
        started,
        'reject',
      );
    }

    // The request's own copies: verifiers cache identities per token, and a handler changing
    // req.auth.scopes or a top-level claim must not reach the next request with that token.
    const identity: Identity = {
      ...result.identity,
      scopes: [...result.identity.scopes],
      claims: { ...result.identity.claims },
      verifier: result.identity.verifier || result.verifier,
    };
    let user: object | null;
    try {
      user = await config.findUser(identity, req);
    } catch (cause) {
      return refuse(
        req,
        res,
        new BearerAuthError('directory_error', { cause, verifier: result.verifier }),
        started,
        'error',
      );
    }
    if (!user) {
      const reason = identity.username || identity.email ? 'user_not_found' : 'username_missing';
      return refuse(
        req,
        res,
        new BearerAuthError(reason, { verifier: result.verifier }),
        started,
        'reject',
      );
    }
    return accept(req, next, token, identity, user, started);
  };

  // Express 4 ignores a returned promise: hand any unexpected failure (e.g. a custom error
  // format whose headers Node refuses) to Express instead of leaving an unhandled rejection.
  return function bearerAuthMiddleware(req: Request, res: Response, next: NextFunction): void {
    handle(req, res, next).catch(next);
  };
}
