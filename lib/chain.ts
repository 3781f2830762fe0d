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
import { peekOf } from './verifiers/peek.js';

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

/** What one verdict means for the chain: its result, or `undefined` to ask the next verifier. */
function settle(
  verifier: Verifier,
  verdict: Verdict | undefined,
  passes: Array<{ verifier: string; reason: ReasonCode }>,
  started: number,
): ChainResult | undefined {
  if (started) {
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
      return undefined;
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

/** Nobody took the token. A JWT of an issuer no verifier trusts is the commonest cause; say so. */
function noneTook(passes: Array<{ verifier: string; reason: ReasonCode }>): ChainResult {
  const reason = passes.some((p) => p.reason === 'issuer_mismatch')
    ? 'issuer_mismatch'
    : 'token_unrecognized';
  return { kind: 'none', reason, passes };
}

const clock = (): number => (verifierChannel.hasSubscribers ? performance.now() : 0);

/** The chain from verifier `from` on, each verifier asked through `verify`. */
async function askFrom(
  verifiers: readonly Verifier[],
  from: number,
  token: string,
  ctx: VerifyContext,
  passes: Array<{ verifier: string; reason: ReasonCode }>,
): Promise<ChainResult> {
  for (let i = from; i < verifiers.length; i++) {
    const verifier = verifiers[i] as Verifier;
    const started = clock();
    let verdict: Verdict | undefined;
    try {
      verdict = checkVerdict(await verifier.verify(token, ctx));
    } catch (cause) {
      if (started) publishRun(verifier.name, 'error', 'verifier_error', started);
      return { kind: 'error', reason: 'verifier_error', verifier: verifier.name, cause };
    }
    const result = settle(verifier, verdict, passes, started);
    if (result) return result;
  }
  return noneTook(passes);
}

/**
 * Asks each verifier in turn. While built-in verifiers already hold the answer (a reused token),
 * the chain decides without a promise; from the first verifier that must wait, it goes on
 * asynchronously.
 *
 * @example
 * ```ts
 * const result = await runChain([jwt, introspection], token, ctx);
 * if (result.kind === 'accept') console.log(result.identity.subject);
 * ```
 */
export function runChain(
  verifiers: readonly Verifier[],
  token: string,
  ctx: VerifyContext,
): ChainResult | Promise<ChainResult> {
  const passes: Array<{ verifier: string; reason: ReasonCode }> = [];
  for (let i = 0; i < verifiers.length; i++) {
    const verifier = verifiers[i] as Verifier;
    const started = clock();
    let verdict: Verdict | undefined;
    try {
      verdict = peekOf(verifier)?.(token);
    } catch {
      verdict = undefined; // `verify` is asked, and reports what went wrong
    }
    if (verdict === undefined) return askFrom(verifiers, i, token, ctx, passes);
    const result = settle(verifier, verdict, passes, started);
    if (result) return result;
  }
  return noneTook(passes);
}
