/**
 * The explainer's program: arguments → decode → (with `--config`) run the chain → report, and
 * the exit code. Testable without a process: the streams and the clock come in through `io`.
 */
import * as api from '../index.js';
import { parseCliArgs, USAGE } from './args.js';
import { ConfigError, loadConfig } from './config.js';
import { cleanTokenInput, decodeToken } from './decode.js';
import { formatDecoded, formatReport } from './format.js';
import type { CliIo } from './output.js';
import { explainChain } from './run.js';

/**
 * Exit codes of the explainer.
 *
 * @example
 * ```ts
 * process.exitCode = report.outcome === 'accept' ? EXIT.accepted : EXIT.refused;
 * ```
 */
export const EXIT = Object.freeze({ accepted: 0, refused: 1, usage: 2 });

/** Settings of one run. */
export interface RunCliOptions {
  /** Longest the whole chain may take, in milliseconds. Default 30 000. */
  timeoutMs?: number;
}

const lines = (text: readonly string[]) => `${text.join('\n')}\n`;

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
  if (command.kind === 'usage-error') {
    io.err(`bearer-guard: ${command.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const token = cleanTokenInput(command.token === '-' ? await io.readStdin() : command.token);
  if (token === '') {
    io.err('bearer-guard: the token is empty\n');
    return EXIT.usage;
  }
  io.out(lines(formatDecoded(decodeToken(token), Math.floor(io.now() / 1000))));
  if (command.config === undefined) return EXIT.accepted;

  let config;
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
  io.out(
    `\n${lines(
      formatReport(
        report,
        config.verifiers.map((v) => v.name),
      ),
    )}`,
  );
  return report.outcome === 'accept' ? EXIT.accepted : EXIT.refused;
}
