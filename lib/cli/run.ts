/**
 * Runs a token through the application's chain as bearerAuth would, and keeps every verifier's
 * verdict on the way: what each said, which one decided, and the HTTP answer the middleware
 * would give. The chain itself is lib/chain.ts; this module only records around it.
 */
import type { Request } from 'express';
import { runChain, type ChainResult } from '../chain.js';
import { BearerAuthError } from '../errors.js';
import { extractToken } from '../extract.js';
import type { ReasonCode } from '../reasons.js';
import { renderError, type ErrorResponse } from '../respond.js';
import type { Identity, Verdict, Verifier } from '../types.js';
import type { ExplainConfig } from './config.js';

/** One verifier's answer. */
export interface Step {
  verifier: string;
  kind: Verdict['kind'] | 'error';
  reason?: ReasonCode;
  /** The private cause, as text (the token itself is masked out). */
  cause?: string;
}

/** The whole story of one token. */
export interface ChainReport {
  steps: Step[];
  /** What bearerAuth would do: let the request through, or refuse it. */
  outcome: 'accept' | 'reject' | 'unavailable' | 'error';
  reason: ReasonCode | 'accepted';
  /** The verifier that decided, when one did. */
  verifier?: string;
  identity?: Identity;
  /** The directory entry, when a directory is configured and found one. */
  user?: object;
  /** Why the directory could not answer (the token masked out). */
  directoryError?: string;
  /** The answer: 200 stands for "passed on to the route". */
  response: ErrorResponse;
}

/** Settings of a run. */
export interface RunOptions {
  /** Aborts upstream calls (a timeout, Ctrl-C). */
  signal: AbortSignal;
}

/** The smallest request a verifier or directory could look at: `GET /` with the token header. */
function fakeRequest(token: string): Request {
  const headers = { authorization: `Bearer ${token}` };
  return {
    method: 'GET',
    url: '/',
    path: '/',
    headers,
    rawHeaders: ['Authorization', headers.authorization],
    query: {},
    body: undefined,
    get: (name: string) =>
      name.toLowerCase() === 'authorization' ? headers.authorization : undefined,
    header: (name: string) =>
      name.toLowerCase() === 'authorization' ? headers.authorization : undefined,
  } as unknown as Request;
}

/**
 * A cause as one line of text, with the token masked wherever it appears.
 *
 * @example
 * ```ts
 * describeCause(new Error(`bad ${token}`), token); // 'Error: bad <token>'
 * ```
 */
export function describeCause(cause: unknown, token: string): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  let text: string;
  if (cause instanceof Error) text = `${cause.name}: ${cause.message}`;
  else if (typeof cause === 'string') text = cause;
  else {
    try {
      text = JSON.stringify(cause) ?? String(cause);
    } catch {
      text = String(cause);
    }
  }
  return token ? text.split(token).join('<token>') : text;
}

/** Wraps each verifier so that its verdict (or its exception) is written down. */
function recording(verifiers: readonly Verifier[], steps: Step[], token: string): Verifier[] {
  return verifiers.map((verifier) => ({
    name: verifier.name,
    async verify(t, ctx) {
      try {
        const verdict = await verifier.verify(t, ctx);
        const kind = (verdict as { kind?: unknown } | undefined)?.kind;
        steps.push({
          verifier: verifier.name,
          kind: typeof kind === 'string' ? (kind as Step['kind']) : 'error',
          reason: verdict && verdict.kind !== 'accept' ? verdict.reason : undefined,
          cause: verdict && 'cause' in verdict ? describeCause(verdict.cause, token) : undefined,
        });
        return verdict;
      } catch (error) {
        steps.push({
          verifier: verifier.name,
          kind: 'error',
          reason: 'verifier_error',
          cause: describeCause(error, token),
        });
        throw error;
      }
    },
  }));
}

function refusal(result: Exclude<ChainResult, { kind: 'accept' }>): BearerAuthError {
  return result.kind === 'none'
    ? new BearerAuthError(result.reason)
    : new BearerAuthError(result.reason, { verifier: result.verifier });
}

const PASSED_ON: ErrorResponse = Object.freeze({ status: 200, body: '(passed on to the route)' });

/**
 * Explains what bearerAuth configured with `config` would do with `token`.
 *
 * @example
 * ```ts
 * const report = await explainChain(config, token, { signal: AbortSignal.timeout(15_000) });
 * report.response.status; // 401
 * ```
 */
export async function explainChain(
  config: ExplainConfig,
  token: string,
  options: RunOptions,
): Promise<ChainReport> {
  const req = fakeRequest(token);
  const settings = { realm: config.realm, retryAfterSeconds: 5 };
  const refuse = (err: BearerAuthError, outcome: ChainReport['outcome'], steps: Step[]) => ({
    steps,
    outcome,
    reason: err.reason,
    verifier: err.verifier,
    response: renderError(err, config.errorFormat, settings, req),
  });

  const extraction = extractToken(
    {
      authorization: [`Bearer ${token}`],
      query: undefined,
      body: undefined,
      method: 'GET',
      formEncoded: false,
    },
    new Set(['header']),
    config.maxTokenLength,
  );
  if (extraction.kind !== 'token') {
    const reason = extraction.kind === 'error' ? extraction.reason : 'token_missing';
    return refuse(new BearerAuthError(reason), 'reject', []);
  }

  const steps: Step[] = [];
  const ctx = { req, scheme: 'bearer' as const, signal: options.signal };
  const result = await runChain(recording(config.verifiers, steps, token), token, ctx);
  if (result.kind !== 'accept') {
    const outcome = result.kind === 'none' ? 'reject' : result.kind;
    return refuse(refusal(result), outcome, steps);
  }
  const identity = { ...result.identity, verifier: result.identity.verifier || result.verifier };
  const accepted = { identity, verifier: result.verifier };
  if (!config.findUser) {
    return { steps, outcome: 'accept', reason: 'accepted', ...accepted, response: PASSED_ON };
  }
  let user: object | null;
  try {
    user = await config.findUser(identity, req, { signal: options.signal });
  } catch (cause) {
    return {
      ...refuse(new BearerAuthError('directory_error'), 'error', steps),
      ...accepted,
      directoryError: describeCause(cause, token),
    };
  }
  if (!user) {
    const reason = identity.username || identity.email ? 'user_not_found' : 'username_missing';
    return { ...refuse(new BearerAuthError(reason), 'reject', steps), ...accepted };
  }
  return { steps, outcome: 'accept', reason: 'accepted', ...accepted, user, response: PASSED_ON };
}
