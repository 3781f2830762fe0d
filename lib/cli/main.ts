/**
 * The explainer's program: arguments → decode → offline verdict → (with `--config`) run the
 * chain → report as text or JSON, and the exit code. Testable without a process: the streams,
 * the clock and the version come in through `io` and `options`.
 */
import * as api from '../index.js';
import { parseCliArgs, USAGE } from './args.js';
import { ConfigError, loadConfig, type ExplainConfig } from './config.js';
import { cleanTokenInput, decodeToken, type DecodedToken } from './decode.js';
import { claimFindings, headerFindings, type Finding } from './findings.js';
import { formatDecoded, formatReport } from './format.js';
import { chainHints } from './hints.js';
import type { CliIo } from './output.js';
import { explainChain, type ChainReport } from './run.js';
import { offlineVerdict, type OfflineVerdict } from './verdict.js';

/**
 * Exit codes of the explainer.
 *
 * @example
 * ```ts
 * process.exitCode = report.outcome === 'accept' ? EXIT.accepted : EXIT.refused;
 * ```
 */
export const EXIT = Object.freeze({ accepted: 0, refused: 1, usage: 2, unavailable: 3 });

/** Settings of one run. */
export interface RunCliOptions {
  /** Longest the whole chain may take, in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** What `--version` prints. */
  version?: string;
}

const lines = (text: readonly string[]) => `${text.join('\n')}\n`;

function exitCode(report: ChainReport): number {
  if (report.outcome === 'accept') return EXIT.accepted;
  return report.outcome === 'reject' ? EXIT.refused : EXIT.unavailable;
}

/** Every finding on a decoded token (the text report prints them in its sections). */
function findingsOf(decoded: DecodedToken, nowSeconds: number): Finding[] {
  if (decoded.kind !== 'jwt') return [];
  const found = [...headerFindings(decoded.header), ...claimFindings(decoded.claims, nowSeconds)];
  if (!decoded.signed) found.unshift({ level: 'danger', text: 'the signature is empty' });
  return found;
}

/** The `--json` document. Never the token: its fingerprint, header and claims only. */
function jsonReport(
  decoded: DecodedToken,
  nowSeconds: number,
  offline: OfflineVerdict,
  chain: { report: ChainReport; hints: string[] } | undefined,
  exit: number,
): string {
  const { report } = chain ?? {};
  return `${JSON.stringify(
    {
      token: { ...decoded, findings: findingsOf(decoded, nowSeconds) },
      possible: offline.possible,
      problems: offline.problems,
      ...(report && chain
        ? {
            chain: {
              steps: report.steps,
              outcome: report.outcome,
              reason: report.reason,
              verifier: report.verifier,
              identity: report.identity,
              user: report.user,
              directoryError: report.directoryError,
              response: report.response,
              hints: chain.hints,
            },
          }
        : {}),
      exitCode: exit,
    },
    null,
    2,
  )}\n`;
}

/**
 * Runs `bearer-guard` with `argv` and returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runCli(['explain', token, '--config', 'auth.mjs'], processIo());
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: RunCliOptions = {},
): Promise<number> {
  const command = parseCliArgs(argv);
  if (command.kind === 'help') {
    io.out(USAGE);
    return EXIT.accepted;
  }
  if (command.kind === 'version') {
    io.out(`${options.version ?? 'unknown'}\n`);
    return EXIT.accepted;
  }
  if (command.kind === 'usage-error') {
    io.err(`bearer-guard: ${command.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const token = cleanTokenInput(command.token === '-' ? await io.readStdin() : command.token);
  if (token === '') {
    io.err('bearer-guard: the token is empty\n');
    return EXIT.usage;
  }
  const nowSeconds = Math.floor(io.now() / 1000);
  const decoded = decodeToken(token);
  const offline = offlineVerdict(token, decoded, nowSeconds);
  const offlineExit = offline.possible ? EXIT.accepted : EXIT.refused;
  const verdictLines = offline.possible
    ? []
    : ['', 'Cannot be valid', ...offline.problems.map((p) => `  ${p}`)];

  if (command.config === undefined) {
    if (command.json) io.out(jsonReport(decoded, nowSeconds, offline, undefined, offlineExit));
    else io.out(lines([...formatDecoded(decoded, nowSeconds), ...verdictLines]));
    return offlineExit;
  }

  let config: ExplainConfig;
  try {
    config = await loadConfig(command.config, api as unknown as Record<string, unknown>);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`bearer-guard: ${error.message}\n`);
    return EXIT.usage;
  }
  const report = await explainChain(config, token, {
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const names = config.verifiers.map((v) => v.name);
  const hints = chainHints(report, decoded, names, config.issuers);
  const exit = exitCode(report);
  if (command.json) {
    io.out(jsonReport(decoded, nowSeconds, offline, { report, hints }, exit));
    return exit;
  }
  io.out(
    lines([
      ...formatDecoded(decoded, nowSeconds),
      ...verdictLines,
      '',
      ...formatReport(report, names),
      ...(hints.length > 0 ? ['', 'Hints', ...hints.map((h) => `  ${h}`)] : []),
    ]),
  );
  return exit;
}
