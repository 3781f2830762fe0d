/**
 * bearerAuth(): the Express middleware. It only wires the stages together —
 * extract → proof → verify (chain) → bind → replay → revocation → resolve — and hands refusals to
 * one renderer; each stage lives in its own module.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { bindToken, type BindingSettings } from './binding/bind.js';
import { claimReplay, proveRequest, successNonce } from './binding/dpop-stage.js';
import type { ValidProof } from './binding/dpop-proof.js';
import { runChain, type ChainResult } from './chain.js';
import { resolveUser } from './directory/resolve.js';
import { BearerAuthError } from './errors.js';
import { extractToken, type TokenSources } from './extract.js';
import { passThrough, resourceMetadataUrl, wellKnownHandler } from './metadata/well-known.js';
import { createReporter } from './observe/report.js';
import {
  normalizeBearerAuthOptions,
  type BearerAuthOptions,
  type ResolvedBearerAuthOptions,
} from './options.js';
import { attachRendering, renderError, writeResponse } from './respond.js';
import { markRequest, type RequestState } from './request-state.js';
import type { AuthScheme, Binding, Decision, Identity, VerifyContext } from './types.js';
import { copyIdentity } from './util/copy.js';
import './augment.js';
import { setRequestAuth } from './request-auth.js';

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

/** A reader that threw: extraction sees a value that is not a token (400, malformed). */
const READER_FAILED = Object.freeze({ readerFailed: true });

function readCustom(req: Request, config: ResolvedBearerAuthOptions): unknown[] | undefined {
  if (config.tokenReaders.length === 0) return undefined;
  return config.tokenReaders.map((read) => {
    try {
      const value = read(req);
      return value === null || value === '' ? undefined : value;
    } catch {
      return READER_FAILED;
    }
  });
}

function sourcesOf(req: Request, config: ResolvedBearerAuthOptions): TokenSources {
  const locations = config.tokenLocations;
  return {
    authorization: locations.has('header') ? authorizationLines(req) : NO_HEADERS,
    query: locations.has('query') ? ownParameter(req.query) : undefined,
    body: locations.has('body') ? ownParameter(req.body) : undefined,
    method: req.method,
    formEncoded:
      locations.has('body') &&
      /^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(req.headers['content-type'] ?? ''),
    custom: readCustom(req, config),
    dpopScheme: config.dpop !== undefined,
  };
}

/**
 * A context whose AbortSignal is only built when a verifier asks for it. A class, not an object
 * literal with a getter: V8 builds a literal's accessor on every request, ~20× slower.
 */
class LazyContext implements VerifyContext {
  readonly req: Request;
  readonly scheme: AuthScheme;
  readonly #res: Response;
  #controller: AbortController | undefined;

  constructor(req: Request, res: Response, scheme: AuthScheme) {
    this.req = req;
    this.#res = res;
    this.scheme = scheme;
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

function errorFor(result: Exclude<ChainResult, { kind: 'accept' }>, scheme: AuthScheme) {
  if (result.kind === 'none') {
    return new BearerAuthError(result.reason, { cause: result.passes, scheme });
  }
  return new BearerAuthError(result.reason, {
    cause: result.cause,
    verifier: result.verifier,
    scheme,
  });
}

/** The middleware `bearerAuth` returns. */
export type BearerAuthMiddleware = RequestHandler & {
  /**
   * Serves the RFC 9728 protected resource metadata (GET/HEAD at
   * `/.well-known/oauth-protected-resource` + the resource's path; everything else goes to
   * `next()`). Mount it at the application root. Without `resourceMetadata` it only calls `next()`.
   */
  readonly wellKnown: RequestHandler;
};

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
export function bearerAuth(options: BearerAuthOptions): BearerAuthMiddleware {
  const config = normalizeBearerAuthOptions(options);
  const { report, observed, warnUnobserved } = createReporter(config.onDecision);
  const state: RequestState = Object.freeze({
    errorFormat: config.errorFormat,
    errorHandling: config.errorHandling,
    realm: config.realm,
    retryAfterSeconds: config.retryAfterSeconds,
    dpop: config.dpop && { algorithms: config.dpop.algorithms, required: config.dpop.required },
    report,
    resourceMetadataUrl: config.resourceMetadata
      ? resourceMetadataUrl(config.resourceMetadata.resourceUrl)
      : undefined,
  });
  const { mtls, dpop } = config;
  const bindings: BindingSettings = Object.freeze({
    dpop: dpop !== undefined,
    dpopRequired: dpop?.required === true,
    mtls: mtls !== undefined,
    mtlsRequired: mtls?.required === true,
  });

  const refuse = (
    req: Request,
    res: Response,
    next: NextFunction,
    err: BearerAuthError,
    started: number,
    outcome: Decision['outcome'],
    binding?: Binding,
  ): void => {
    const rendered = renderError(err, config.errorFormat, state, req);
    attachRendering(err, rendered);
    const decision: Decision = {
      outcome,
      reason: err.reason,
      verifier: err.verifier,
      status: rendered.status,
      durationMs: started ? performance.now() - started : 0,
      cause: err.cause,
    };
    if (binding) decision.binding = binding;
    if (observed()) report(decision, req);
    else if (outcome === 'unavailable' || outcome === 'error') warnUnobserved(decision);
    if (config.errorHandling === 'next') return next(err);
    writeResponse(res, rendered);
  };

  const accept = (
    req: Request,
    next: NextFunction,
    token: string,
    identity: Identity,
    user: object,
    binding: Binding,
    started: number,
  ): void => {
    setRequestAuth(req, {
      token,
      user,
      identity,
      scopes: identity.scopes,
      claims: identity.claims,
      binding,
    });
    if (observed()) {
      report(
        {
          outcome: 'accept',
          reason: 'accepted',
          verifier: identity.verifier,
          status: 200,
          durationMs: started ? performance.now() - started : 0,
          subject: identity.subject,
          username: identity.username,
          binding,
        },
        req,
      );
    }
    next();
  };

  const handle = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const started = observed() ? performance.now() : 0;
    markRequest(req, state);
    const extraction = extractToken(
      sourcesOf(req, config),
      config.tokenLocations,
      config.maxTokenLength,
    );
    if (extraction.kind === 'error') {
      return refuse(req, res, next, new BearerAuthError(extraction.reason), started, 'reject');
    }
    let proof: ValidProof | undefined; // the proof stage: pure CPU, before any upstream call
    if (dpop) {
      const sent = extraction.kind === 'token' ? extraction : undefined;
      const proven = await proveRequest(req, dpop, sent?.token, sent?.scheme);
      if (proven.kind === 'refused') {
        const { reason, cause, nonce: dpopNonce } = proven;
        const err = new BearerAuthError(reason, { cause, scheme: sent?.scheme, dpopNonce });
        return refuse(req, res, next, err, started, 'reject', 'dpop');
      }
      if (proven.kind === 'proven') proof = proven.proof;
    }
    if (extraction.kind === 'none') {
      if (config.optional) {
        if (observed()) {
          report(
            {
              outcome: 'accept',
              reason: 'token_missing',
              status: 200,
              durationMs: started ? performance.now() - started : 0,
            },
            req,
          );
        }
        return next();
      }
      return refuse(req, res, next, new BearerAuthError('token_missing'), started, 'reject');
    }

    const { token, scheme } = extraction;
    const result = await runChain(config.verifiers, token, new LazyContext(req, res, scheme));
    if (result.kind !== 'accept') {
      const outcome = result.kind === 'none' ? 'reject' : result.kind;
      return refuse(req, res, next, errorFor(result, scheme), started, outcome);
    }

    const bound = bindToken(
      result.identity,
      {
        scheme,
        proofJkt: proof?.jkt,
        certificate: mtls ? () => mtls.certificate(req) : undefined,
      },
      bindings,
    );
    if (bound.kind !== 'bound') {
      const err = new BearerAuthError(bound.reason, {
        verifier: result.verifier,
        scheme,
        cause: bound.cause,
      });
      const outcome = bound.kind === 'error' ? 'error' : 'reject';
      return refuse(req, res, next, err, started, outcome, bound.binding);
    }

    // Revocations (sharedCache) overrule the chain and its caches. Decided without a promise
    // when this process knows; only a store lookup is awaited.
    let revoked = config.revocation?.check(token, result.identity);
    if (revoked !== undefined && typeof revoked !== 'string') revoked = await revoked;
    if (revoked) {
      const err = new BearerAuthError(revoked, { verifier: result.verifier, scheme });
      return refuse(req, res, next, err, started, 'reject');
    }
    if (dpop && proof) {
      const claimed = await claimReplay(dpop, proof); // last: only fully valid, bound proofs
      if (claimed.kind === 'refused') {
        const { reason, cause } = claimed;
        const err = new BearerAuthError(reason, { cause, verifier: result.verifier, scheme });
        const outcome = reason === 'dpop_proof_replayed' ? 'reject' : 'unavailable';
        return refuse(req, res, next, err, started, outcome, 'dpop');
      }
    }

    // The request's own copy, at every depth: verifiers cache identities per token.
    const identity = copyIdentity(result.identity, result.verifier);
    let found = resolveUser(config.findUser, identity, req, config.directoryTimeoutMs);
    if (found instanceof Promise) found = await found;
    if (found.kind === 'error') {
      const err = new BearerAuthError('directory_error', {
        cause: found.cause,
        verifier: result.verifier,
      });
      return refuse(req, res, next, err, started, 'error');
    }
    if (found.kind === 'none') {
      const reason = identity.username || identity.email ? 'user_not_found' : 'username_missing';
      const err = new BearerAuthError(reason, { verifier: result.verifier, scheme });
      return refuse(req, res, next, err, started, 'reject');
    }
    const nonce = successNonce(dpop, scheme);
    if (nonce) res.setHeader('DPoP-Nonce', nonce);
    return accept(req, next, token, identity, found.user, bound.binding, started);
  };

  // Express 4 ignores a returned promise: hand any unexpected failure to Express instead of
  // leaving an unhandled rejection.
  const middleware = function bearerAuthMiddleware(
    req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    handle(req, res, next).catch(next);
  };
  const wellKnown = config.resourceMetadata
    ? wellKnownHandler(
        config.resourceMetadata,
        {
          bearerMethods: [...config.tokenLocations],
          dpop: state.dpop,
          mtls: mtls !== undefined,
          verifiers: config.verifiers,
        },
        config.retryAfterSeconds,
      )
    : passThrough;
  return Object.assign(middleware, { wellKnown });
}
