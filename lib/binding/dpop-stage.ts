/**
 * The proof stage as the middleware calls it: reads the DPoP parts of a request (header lines,
 * method, the URL a proof must name) and checks them before the verifier chain. Only this file
 * reads the request; the checks themselves are pure (`dpop-header`, `dpop-htu`, `dpop-proof`).
 */
import { performance } from 'node:perf_hooks';
import { replayChannel } from '../observe/channels.js';
import type { Request } from 'express';
import type { ReasonCode } from '../reasons.js';
import type { TokenScheme } from '../extract.js';
import type { ResolvedDpopOptions } from './dpop-options.js';
import { checkDpopHeaders, dpopHeaderLines } from './dpop-header.js';
import { expectedHtu } from './dpop-htu.js';
import { checkProof, type ProofCheck, type ValidProof } from './dpop-proof.js';
import { isPending } from '../util/pending.js';
import { claimProof, type ClaimOutcome } from './replay-store.js';

/** The outcome of the proof stage. */
export type ProofStage =
  | { kind: 'none' }
  | { kind: 'proven'; proof: ValidProof }
  | { kind: 'refused'; reason: ReasonCode; cause?: string; nonce?: string };

function protocolOf(req: Request): string {
  // Express's req.protocol honours X-Forwarded-Proto only under the application's `trust proxy`.
  const express = (req as { protocol?: unknown }).protocol;
  if (typeof express === 'string') return express;
  return (req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http';
}

function targetOf(req: Request, dpop: ResolvedDpopOptions): string | undefined {
  if (dpop.requestUri) {
    try {
      const uri = dpop.requestUri(req);
      return typeof uri === 'string' ? uri : undefined;
    } catch {
      return undefined; // the application's function failed: no URL can match, fail closed
    }
  }
  return typeof req.originalUrl === 'string' ? req.originalUrl : req.url;
}

/** The normalised URL a proof for `req` must name (`undefined`: none can). */
export function requestHtu(req: Request, dpop: ResolvedDpopOptions): string | undefined {
  const target = targetOf(req, dpop);
  if (target === undefined) return undefined;
  return expectedHtu({ protocol: protocolOf(req), host: req.headers.host, target }, dpop.publicUrl);
}

/**
 * Checks the DPoP side of a request whose token (if any) came with `scheme`. `none`: no proof
 * (a bearer request, allowed). Refusals carry a fresh nonce when the answer is `use_dpop_nonce`.
 */
export function proveRequest(
  req: Request,
  dpop: ResolvedDpopOptions,
  token: string | undefined,
  scheme: TokenScheme | undefined,
): ProofStage | Promise<ProofStage> {
  const headers = checkDpopHeaders(scheme, dpopHeaderLines(req.rawHeaders ?? []));
  if (headers.kind === 'error') return { kind: 'refused', reason: headers.reason };
  if (headers.kind === 'none') {
    if (token !== undefined && dpop.required) return { kind: 'refused', reason: 'dpop_required' };
    return NO_PROOF;
  }
  const check = checkProof(
    { proof: headers.proof, token: token ?? '', method: req.method, htu: requestHtu(req, dpop) },
    dpop,
  );
  // Known at once unless the proof's key is new to this process.
  return isPending(check) ? check.then((c) => stageOf(c, dpop)) : stageOf(check, dpop);
}

const NO_PROOF: ProofStage = Object.freeze({ kind: 'none' });

function stageOf(check: ProofCheck, dpop: ResolvedDpopOptions): ProofStage {
  if (check.kind === 'valid') return { kind: 'proven', proof: check.proof };
  const refused: ProofStage = { kind: 'refused', reason: check.reason, cause: check.cause };
  if (check.reason === 'dpop_nonce_required' && dpop.nonces) refused.nonce = dpop.nonces.current();
  return refused;
}

/** Longest wait for the replay store on the request path; past it the request answers 503. */
export const REPLAY_TIMEOUT_MS = 1000;

/**
 * The replay stage: claims a fully valid, bound proof in the configured store, last. The
 * in-memory store answers at once; another store is waited for.
 */
export function claimReplay(
  dpop: ResolvedDpopOptions,
  proof: ValidProof,
): ClaimOutcome | Promise<ClaimOutcome> {
  const traced = replayChannel.hasSubscribers;
  const started = traced ? performance.now() : 0;
  const outcome = claimProof(dpop.replay, proof, REPLAY_TIMEOUT_MS);
  if (!traced) return outcome;
  const publish = (settled: ClaimOutcome): ClaimOutcome => {
    replayChannel.publish({
      outcome:
        settled.kind !== 'refused'
          ? 'first'
          : settled.reason === 'dpop_proof_replayed'
            ? 'replay'
            : 'error',
      durationMs: performance.now() - started,
    });
    return settled;
  };
  return isPending(outcome) ? outcome.then(publish) : publish(outcome);
}

/**
 * The `DPoP-Nonce` of a successful DPoP request when nonces are on (RFC 9449 §8.2): the current
 * one, so a client always holds a nonce that is valid for the next steps.
 */
export function successNonce(
  dpop: ResolvedDpopOptions | undefined,
  scheme: TokenScheme,
): string | undefined {
  return dpop?.nonces && scheme === 'dpop' ? dpop.nonces.current() : undefined;
}
