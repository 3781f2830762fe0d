/**
 * Hints after a chain run: what to change when a verdict has a usual cause. Today: a token whose
 * issuer no verifier expects (`issuer_mismatch`) — which issuer each one expected, and how close
 * the token's `iss` came. Pure.
 */
import type { DecodedToken } from './decode.js';
import type { ChainReport } from './run.js';

/**
 * Hints for a chain report.
 *
 * @example
 * ```ts
 * chainHints(report, decoded, ['jwt'], [['https://issuer.example/']]);
 * // ['the token says "iss": "https://issuer.example"; verifier "jwt" expects "https://issuer.example/" …']
 * ```
 */
export function chainHints(
  report: ChainReport,
  decoded: DecodedToken,
  verifierNames: readonly string[],
  issuers: ReadonlyArray<readonly string[] | undefined>,
): string[] {
  const mismatched = report.steps
    .map((step, index) => ({ step, index }))
    .filter(({ step }) => step.reason === 'issuer_mismatch');
  if (mismatched.length === 0 && report.reason !== 'issuer_mismatch') return [];
  const iss = decoded.kind === 'jwt' ? decoded.claims.iss : undefined;
  const hints = [
    iss === undefined
      ? 'the token has no "iss" claim, and an issuer is expected'
      : `the token says "iss": ${JSON.stringify(iss)}, which no verifier expects`,
  ];
  for (const { step, index } of mismatched) {
    const expected = issuers[index];
    const name = verifierNames[index] ?? step.verifier;
    if (!expected || expected.length === 0) {
      hints.push(
        `verifier "${name}" expects another issuer: the "issuer" option it was given, or the issuer of its discovery document`,
      );
      continue;
    }
    hints.push(`verifier "${name}" expects ${expected.map((e) => JSON.stringify(e)).join(' or ')}`);
    if (typeof iss === 'string') {
      for (const e of expected) {
        const near = nearMiss(iss, e);
        if (near) hints.push(`  ${near}: issuers are compared exactly, character for character`);
      }
    }
  }
  return hints;
}

/** How `iss` differs from `expected`, when it is a usual slip. */
function nearMiss(iss: string, expected: string): string | undefined {
  const bare = (s: string) => s.replace(/\/+$/, '');
  if (iss !== expected && bare(iss) === bare(expected)) {
    return `"${iss}" and "${expected}" differ only by a trailing slash`;
  }
  if (iss.replace(/^https?:/, '') === expected.replace(/^https?:/, '') && iss !== expected) {
    return `"${iss}" and "${expected}" differ only by http/https`;
  }
  if (iss.toLowerCase() === expected.toLowerCase() && iss !== expected) {
    return `"${iss}" and "${expected}" differ only by letter case`;
  }
  const entra =
    /^https:\/\/(sts\.windows\.net\/[^/]+\/?|login\.microsoftonline\.com\/[^/]+\/v2\.0\/?)$/;
  if (entra.test(iss) && entra.test(expected)) {
    return 'Microsoft Entra ID issues v1 tokens from https://sts.windows.net/<tenant>/ and v2 tokens from https://login.microsoftonline.com/<tenant>/v2.0 (the app registration\'s "accessTokenAcceptedVersion" decides); list both issuers or fix the version';
  }
  return undefined;
}
