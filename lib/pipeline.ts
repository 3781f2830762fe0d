/**
 * One request through the stages — extract → proof → verify (chain) → bind → revocation →
 * replay → resolve → accept — each a module of its own. A stage that knows its answer now (a
 * reused token, a directory in memory) hands it on at once, so a reused token is decided without
 * a promise; a stage that must wait hands it on when it settles. Refusals go to one renderer.
 */
import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { bindToken, type BindingSettings } from './binding/bind.js';
import { claimReplay, proveRequest, successNonce, type ProofStage } from './binding/dpop-stage.js';
import type { ValidProof } from './binding/dpop-proof.js';
import type { ClaimOutcome } from './binding/replay-store.js';
import { runChain, type ChainResult } from './chain.js';
import { resolveUser, type Resolution } from './directory/resolve.js';
import { BearerAuthError } from './errors.js';
import { extractToken, type Extraction } from './extract.js';
import type { ResolvedBearerAuthOptions } from './options.js';
import type { ReasonCode } from './reasons.js';
import { markRequest, markResult, type RequestState } from './request-state.js';
import { setRequestAuth } from './request-auth.js';
import { sourcesOf } from './request-sources.js';
import { attachRendering, renderError, writeResponse } from './respond.js';
import type { AuthScheme, Binding, Decision, Identity } from './types.js';
import { copyIdentity } from './util/copy.js';
import { isPending } from './util/pending.js';
import { LazyContext } from './verify-context.js';

/** What every request of one bearerAuth shares. */
export interface Pipeline {
  readonly config: ResolvedBearerAuthOptions;
  /** How refusals are rendered, left on the request for the guards. */
  readonly state: RequestState;
  readonly bindings: BindingSettings;
  /** `true` when decisions are listened to (`onDecision`, the decision channel). */
  readonly observed: () => boolean;
  readonly warnUnobserved: (decision: Decision) => void;
}

type Accepted = Extract<ChainResult, { kind: 'accept' }>;

const NO_PROOF: ProofStage = Object.freeze({ kind: 'none' });

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

/** The state of one request between stages. */
class Flow {
  readonly #pipeline: Pipeline;
  readonly #req: Request;
  readonly #res: Response;
  readonly #next: NextFunction;
  readonly #started: number;
  #token = '';
  #scheme: AuthScheme = 'bearer';
  #extraction: Extraction | undefined;
  #proof: ValidProof | undefined;
  #accepted: Accepted | undefined;
  #binding: Binding | undefined;
  #identity: Identity | undefined;

  constructor(pipeline: Pipeline, req: Request, res: Response, next: NextFunction) {
    this.#pipeline = pipeline;
    this.#req = req;
    this.#res = res;
    this.#next = next;
    this.#started = pipeline.observed() ? performance.now() : 0;
  }

  /** Hands `value` to `step` now, or when it settles; a failure goes to Express. */
  #then<T>(value: T | PromiseLike<T>, step: (this: Flow, value: T) => void): void {
    if (!isPending(value)) return step.call(this, value);
    value.then((settled) => step.call(this, settled)).then(undefined, this.#next);
  }

  /** Extract, then the proof stage: pure CPU, before any upstream call. */
  start(): void {
    const { config } = this.#pipeline;
    const extraction = extractToken(
      sourcesOf(this.#req, config),
      config.tokenLocations,
      config.maxTokenLength,
    );
    if (extraction.kind === 'error') {
      return this.#refuse(new BearerAuthError(extraction.reason), 'reject');
    }
    this.#extraction = extraction;
    if (extraction.kind === 'token') {
      this.#token = extraction.token;
      this.#scheme = extraction.scheme;
    }
    const { dpop } = config;
    if (!dpop) return this.#proved(NO_PROOF);
    const sent = extraction.kind === 'token' ? extraction : undefined;
    this.#then(proveRequest(this.#req, dpop, sent?.token, sent?.scheme), this.#proved);
  }

  #proved(proven: ProofStage): void {
    if (proven.kind === 'refused') {
      const { reason, cause, nonce: dpopNonce } = proven;
      const sent = this.#extraction?.kind === 'token' ? this.#scheme : undefined;
      const err = new BearerAuthError(reason, { cause, scheme: sent, dpopNonce });
      return this.#refuse(err, 'reject', 'dpop');
    }
    if (proven.kind === 'proven') this.#proof = proven.proof;
    if (this.#extraction?.kind === 'none') return this.#noToken();
    const context = new LazyContext(this.#req, this.#res, this.#scheme);
    this.#then(runChain(this.#pipeline.config.verifiers, this.#token, context), this.#chained);
  }

  #noToken(): void {
    if (!this.#pipeline.config.optional) {
      return this.#refuse(new BearerAuthError('token_missing'), 'reject');
    }
    markRequest(this.#req, this.#pipeline.state); // guards behind answer 401 the same way
    if (this.#pipeline.observed()) {
      this.#report({ outcome: 'accept', reason: 'token_missing', status: 200, durationMs: 0 });
    }
    this.#next();
  }

  /** Bind, then revocations (sharedCache), which overrule the chain and its caches. */
  #chained(result: ChainResult): void {
    const scheme = this.#scheme;
    if (result.kind !== 'accept') {
      const outcome = result.kind === 'none' ? 'reject' : result.kind;
      return this.#refuse(errorFor(result, scheme), outcome);
    }
    this.#accepted = result;
    const { config, bindings } = this.#pipeline;
    const { mtls } = config;
    const req = this.#req;
    const bound = bindToken(
      result.identity,
      {
        scheme,
        proofJkt: this.#proof?.jkt,
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
      return this.#refuse(err, bound.kind === 'error' ? 'error' : 'reject', bound.binding);
    }
    this.#binding = bound.binding;
    const revoked = config.revocation?.check(this.#token, result.identity);
    this.#then(revoked, this.#revocationChecked);
  }

  #revocationChecked(revoked: ReasonCode | undefined): void {
    if (revoked) return this.#refuseAccepted(revoked, 'reject');
    const { dpop } = this.#pipeline.config;
    // Last: only a fully valid, bound proof is claimed.
    if (dpop && this.#proof) return this.#then(claimReplay(dpop, this.#proof), this.#replayChecked);
    this.#resolve();
  }

  #replayChecked(claimed: ClaimOutcome): void {
    if (claimed.kind !== 'refused') return this.#resolve();
    const { reason, cause } = claimed;
    const outcome = reason === 'dpop_proof_replayed' ? 'reject' : 'unavailable';
    this.#refuseAccepted(reason, outcome, cause, 'dpop');
  }

  #resolve(): void {
    const { config } = this.#pipeline;
    const accepted = this.#accepted as Accepted;
    // The request's own copy, at every depth: verifiers cache identities per token.
    const identity = copyIdentity(accepted.identity, accepted.verifier);
    this.#identity = identity;
    const found = resolveUser(config.findUser, identity, this.#req, config.directoryTimeoutMs);
    this.#then(found, this.#resolved);
  }

  #resolved(found: Resolution): void {
    const { verifier } = this.#accepted as Accepted;
    const identity = this.#identity as Identity;
    if (found.kind === 'error') {
      const err = new BearerAuthError('directory_error', { cause: found.cause, verifier });
      return this.#refuse(err, 'error');
    }
    if (found.kind === 'none') {
      const reason = identity.username || identity.email ? 'user_not_found' : 'username_missing';
      return this.#refuseAccepted(reason, 'reject');
    }
    const nonce = successNonce(this.#pipeline.config.dpop, this.#scheme);
    if (nonce) this.#res.setHeader('DPoP-Nonce', nonce);
    this.#accept(identity, found.user);
  }

  #accept(identity: Identity, user: object): void {
    const binding = this.#binding as Binding;
    // One property written on the request: guards find the settings on `req.auth`.
    const result = {
      token: this.#token,
      user,
      identity,
      scopes: identity.scopes,
      claims: identity.claims,
      binding,
    };
    setRequestAuth(this.#req, markResult(result, this.#pipeline.state));
    if (this.#pipeline.observed()) {
      this.#report({
        outcome: 'accept',
        reason: 'accepted',
        verifier: identity.verifier,
        status: 200,
        durationMs: 0,
        subject: identity.subject,
        username: identity.username,
        binding,
      });
    }
    this.#next();
  }

  /** A refusal after the chain accepted the token: it names the verifier and the scheme. */
  #refuseAccepted(
    reason: ReasonCode,
    outcome: Decision['outcome'],
    cause?: unknown,
    binding?: Binding,
  ): void {
    const verifier = this.#accepted?.verifier;
    const err = new BearerAuthError(reason, { cause, verifier, scheme: this.#scheme });
    this.#refuse(err, outcome, binding);
  }

  #refuse(err: BearerAuthError, outcome: Decision['outcome'], binding?: Binding): void {
    const { config, state, observed, warnUnobserved } = this.#pipeline;
    markRequest(this.#req, state);
    const rendered = renderError(err, config.errorFormat, state, this.#req);
    attachRendering(err, rendered);
    const decision: Decision = {
      outcome,
      reason: err.reason,
      verifier: err.verifier,
      status: rendered.status,
      durationMs: 0,
      cause: err.cause,
    };
    if (binding) decision.binding = binding;
    if (observed()) this.#report(decision);
    else if (outcome === 'unavailable' || outcome === 'error') warnUnobserved(decision);
    if (config.errorHandling === 'next') return this.#next(err);
    writeResponse(this.#res, rendered);
  }

  /** Reports a decision, timed from the start of the request. */
  #report(decision: Decision): void {
    if (this.#started) decision.durationMs = performance.now() - this.#started;
    this.#pipeline.state.report(decision, this.#req);
  }
}

/**
 * Runs one request through the pipeline; an unexpected failure goes to Express.
 *
 * @example
 * ```ts
 * const middleware: RequestHandler = (req, res, next) => runPipeline(pipeline, req, res, next);
 * ```
 */
export function runPipeline(
  pipeline: Pipeline,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  try {
    new Flow(pipeline, req, res, next).start();
  } catch (error) {
    next(error);
  }
}
