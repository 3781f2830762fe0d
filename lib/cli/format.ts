/**
 * Text of the explainer's report. Pure: takes what decode/findings/run produced and returns
 * lines. It never prints the token or its signature, only the fingerprint.
 */
import type { DecodedToken } from './decode.js';
import { claimFindings, headerFindings, type Finding } from './findings.js';
import type { ChainReport } from './run.js';
import { describeTime, isoTime } from './time.js';

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `key  value` rows with the keys padded to one width. */
function table(entries: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
}

function claimRows(claims: Record<string, unknown>, nowSeconds: number): string[] {
  return table(
    Object.entries(claims).map(([name, value]) => {
      if (TIME_CLAIMS.has(name) && typeof value === 'number') {
        const words = describeTime(name, value, nowSeconds);
        return [name, `${isoTime(value) ?? value}  (${words})`] as const;
      }
      return [name, valueText(value)] as const;
    }),
  );
}

function findingRows(findings: readonly Finding[]): string[] {
  return findings.map((f) => `  ${f.level === 'danger' ? 'DANGER ' : 'warning'}  ${f.text}`);
}

/**
 * The decoded token as text.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDecoded(decodeToken(token), Date.now() / 1000).join('\n'));
 * ```
 */
export function formatDecoded(decoded: DecodedToken, nowSeconds: number): string[] {
  const name = `Token ${decoded.fingerprint} (${decoded.length} characters)`;
  switch (decoded.kind) {
    case 'opaque':
      return [
        name,
        '  an opaque token, not a JWT: only its issuer can tell what it means',
        '  (an introspection endpoint or a provider userinfo endpoint; use --config to ask them)',
      ];
    case 'malformed-jwt':
      return [name, `  looks like a JWT, but ${decoded.problem}: refused as "Token Invalid"`];
    case 'jwe':
      return [
        name,
        '  an encrypted JWT (JWE): its claims cannot be read without the decryption key',
        '',
        'Header',
        ...table(Object.entries(decoded.header).map(([k, v]) => [k, valueText(v)] as const)),
      ];
    case 'jwt': {
      const findings = [
        ...headerFindings(decoded.header),
        ...claimFindings(decoded.claims, nowSeconds),
      ];
      if (!decoded.signed) findings.unshift({ level: 'danger', text: 'the signature is empty' });
      return [
        `${name}, a JWT; decoded, NOT verified`,
        '',
        'Header',
        ...table(Object.entries(decoded.header).map(([k, v]) => [k, valueText(v)] as const)),
        '',
        'Claims',
        ...claimRows(decoded.claims, nowSeconds),
        ...(findings.length > 0 ? ['', 'Findings', ...findingRows(findings)] : []),
      ];
    }
  }
}

/**
 * The chain's story as text: each verifier's verdict, then the answer bearerAuth would give.
 *
 * @example
 * ```ts
 * formatReport(report, ['jwt', 'introspection']);
 * ```
 */
export function formatReport(report: ChainReport, verifierNames: readonly string[]): string[] {
  const lines = ['Chain'];
  verifierNames.forEach((name, i) => {
    const step = report.steps[i];
    if (!step) {
      lines.push(`  ${i + 1}. ${name}: not asked`);
      return;
    }
    const reason = step.reason ? ` (${step.reason})` : '';
    lines.push(`  ${i + 1}. ${name}: ${step.kind}${reason}`);
    if (step.cause) lines.push(`       cause: ${step.cause}`);
  });
  if (report.directoryError) lines.push(`  directory failed: ${report.directoryError}`);
  lines.push('', 'Result');
  if (report.identity) {
    const id = report.identity;
    lines.push(
      `  identity: subject ${id.subject}, username ${id.username ?? '-'}, scopes ${id.scopes.join(' ') || '-'}` +
        (id.serviceAccount ? ' (service account)' : ''),
    );
  }
  if (report.outcome === 'accept') {
    lines.push(`  ACCEPTED by ${report.verifier}`);
    lines.push(
      report.user
        ? `  user: ${JSON.stringify(report.user)}`
        : '  user: not looked up (no directory in the configuration)',
    );
    lines.push('  HTTP 200: the request goes on to the route');
    return lines;
  }
  const by = report.verifier ? `, decided by ${report.verifier}` : '';
  lines.push(`  REFUSED: ${report.outcome} (${report.reason})${by}`);
  lines.push(`  HTTP ${report.response.status}`);
  for (const [name, value] of Object.entries(report.response.headers ?? {})) {
    lines.push(`  ${name}: ${value}`);
  }
  lines.push(`  ${JSON.stringify(report.response.body)}`);
  return lines;
}
