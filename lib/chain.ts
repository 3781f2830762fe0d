/**
 * Runs the verifiers in order and returns the one verdict that decides. `accept`, `reject` and
 * `unavailable` stop the chain; `pass` tries the next verifier. An exception or a malformed
 * verdict from a verifier is a bug: it fails closed as `error`.
 */
import { isOutageReason } from './errors.js';
import { verifierChannel } from './observe/channels.js';
import { performance } from 'node:perf_hooks';
import type { ReasonCode } from './reasons.js';
import type { Identity, Verdict, Verifier, VerifyContext } from './types.js';

/** What the chain decided. */
export type ChainResult =
  | { kind: 'accept'; identity: Identity; verifier: string }
  | {
      kind: 'reject' | 'unavailable' | 'error';
      reason: ReasonCode;
      verifier?: string;
      cause?: unknown;
    }
  | {
      kind: 'none';
      reason: 'token_unrecognized' | 'issuer_mismatch';
      passes: Array<{ verifier: string; reason: ReasonCode }>;
    };

function isIdentity(value: unknown): value is Identity {
  if (typeof value !== 'object' || value === null) return false;
  const id = value as Partial<Identity>;
  return (
    typeof id.subject === 'string' &&
    Array.isArray(id.scopes) &&
    typeof id.claims === 'object' &&
    id.claims !== null &&
    typeof id.serviceAccount === 'boolean'
  );
}

function checkVerdict(verdict: unknown): Verdict | undefined {
  if (typeof verdict !== 'object' || verdict === null) return undefined;
  const v = verdict as Verdict;
  switch (v.kind) {
    case 'accept':
      return isIdentity(v.identity) ? v : undefined;
    case 'pass':
    case 'reject':
      return typeof v.reason === 'string' ? v : undefined;
    case 'unavailable':
      // "Could not decide" always fails closed with 503, never as an invalid or expired token.
      return typeof v.reason === 'string' && isOutageReason(v.reason) ? v : undefined;
    default:
      return undefined;
  }
}

/** One verifier run on the `bearer-guard:verifier` channel (never the token). */
function publishRun(verifier: string, outcome: string, reason: string, started: number): void {
  verifierChannel.publish({ verifier, outcome, reason, durationMs: performance.now() - started });
}

/**
 * Asks each verifier in turn.
 *
 * @example
 * ```ts
 * const result = await runChain([jwt, introspection], token, ctx);
 * if (result.kind === 'accept') console.log(result.identity.subject);
 * ```
 */
export async function runChain(
  verifiers: readonly Verifier[],
  token: string,
  ctx: VerifyContext,
): Promise<ChainResult> {
  const passes: Array<{ verifier: string; reason: ReasonCode }> = [];
  for (const verifier of verifiers) {
    let verdict: Verdict | undefined;
    const traced = verifierChannel.hasSubscribers;
    const started = traced ? performance.now() : 0;
    try {
      verdict = checkVerdict(await verifier.verify(token, ctx));
    } catch (cause) {
      if (traced) publishRun(verifier.name, 'error', 'verifier_error', started);
      return { kind: 'error', reason: 'verifier_error', verifier: verifier.name, cause };
    }
    if (traced) {
      publishRun(
        verifier.name,
        verdict?.kind ?? 'error',
        verdict && verdict.kind !== 'accept'
          ? verdict.reason
          : verdict
            ? 'accepted'
            : 'verifier_error',
        started,
      );
    }
    if (!verdict) {
      return {
        kind: 'error',
        reason: 'verifier_error',
        verifier: verifier.name,
        cause: new TypeError(`verifier "${verifier.name}" returned a malformed verdict`),
      };
    }
    switch (verdict.kind) {
      case 'accept':
        return { kind: 'accept', identity: verdict.identity, verifier: verifier.name };
      case 'pass':
        passes.push({ verifier: verifier.name, reason: verdict.reason });
        break;
      case 'reject':
      case 'unavailable':
        return {
          kind: verdict.kind,
          reason: verdict.reason,
          verifier: verifier.name,
          cause: verdict.cause,
        };
    }
  }
  // Nobody took the token. A JWT of an issuer no verifier trusts is the commonest cause; say so.
  const reason = passes.some((p) => p.reason === 'issuer_mismatch')
    ? 'issuer_mismatch'
    : 'token_unrecognized';
  return { kind: 'none', reason, passes };
}
