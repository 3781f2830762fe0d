/**
 * The explainer's command line: `bearer-guard explain <token|-> [--config file]`. Pure: argv in,
 * a command or a usage error out.
 */
import { parseArgs } from 'node:util';

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'explain'; token: string; config: string | undefined }
  | { kind: 'help' }
  | { kind: 'usage-error'; message: string };

/**
 * The help text.
 *
 * @example
 * ```ts
 * io.out(USAGE);
 * ```
 */
export const USAGE = `Usage: bearer-guard explain <token | -> [--config <file>]

Decodes a bearer token without trusting it and shows its header and claims, with
times in words and warnings about dangerous headers. The token itself and its
signature are never printed, only a sha256 fingerprint. Pass "-" to read the
token from standard input (keeps it out of your shell history).

  -c, --config <file>  your bearerAuth options: a .js/.mjs/.cjs module exporting
                       { verifiers: [...], directory? } (or a function returning
                       them), or a .json file such as
                       {"verifiers":[{"jwtVerifier":{"jwksUri":"...","issuer":"..."}}]}.
                       Runs the token through that chain and prints each
                       verifier's verdict and the HTTP answer bearerAuth would give.
  -h, --help           this text

Exit codes: 0 accepted (or decoded, without --config), 1 refused, 2 usage error.
`;

/**
 * Parses `argv` (without `node` and the script).
 *
 * @example
 * ```ts
 * parseCliArgs(['explain', '-', '--config', 'auth.mjs']);
 * // { kind: 'explain', token: '-', config: 'auth.mjs' }
 * ```
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { kind: 'usage-error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, token, ...rest] = positionals;
  if (command === undefined) return { kind: 'usage-error', message: 'no command given' };
  if (command !== 'explain') {
    return { kind: 'usage-error', message: `unknown command "${command}"` };
  }
  if (token === undefined || token.trim() === '') {
    return { kind: 'usage-error', message: 'no token given (pass "-" to read it from stdin)' };
  }
  if (rest.length > 0) return { kind: 'usage-error', message: 'more than one token given' };
  if (values.config === '') return { kind: 'usage-error', message: '--config needs a file' };
  return { kind: 'explain', token, config: values.config };
}
