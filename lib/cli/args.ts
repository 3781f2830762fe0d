/**
 * The explainer's command line: `bearer-guard explain <token|-> [--config file] [--json]`,
 * `--version`, `--help`. Pure: argv in, a command or a usage error out. Unknown flags are named
 * in the explainer's own words (with the closest known flag), never with Node's parser text.
 */
import { parseArgs } from 'node:util';

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'explain'; token: string; config: string | undefined; json: boolean }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string };

/**
 * The help text.
 *
 * @example
 * ```ts
 * io.out(USAGE);
 * ```
 */
export const USAGE = `Usage: bearer-guard explain <token | -> [--config <file>] [--json]
       bearer-guard --version

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
      --json           print one JSON object instead of text
  -v, --version        the installed bearer-guard version
  -h, --help           this text

Exit codes: 0 accepted (without --config: nothing in the token rules it out),
1 refused (without --config: the token cannot be valid — malformed, unsigned,
expired, not yet valid, a type that is not an access token), 2 usage error,
3 unavailable (an upstream or the directory could not answer).
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Edit distance, for "did you mean" on a mistyped flag. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

function unknownFlag(flag: string): string {
  const name = flag.replace(/^-+/, '');
  const closest = Object.keys(OPTIONS)
    .map((known) => ({ known, d: distance(name, known) }))
    .sort((x, y) => x.d - y.d)[0];
  const hint =
    closest && closest.d <= 2 && name.length > 1
      ? `; did you mean --${closest.known}?`
      : ' (see --help)';
  return `unknown option "${flag}"${hint}`;
}

/** The first flag of `argv` bearer-guard does not know, before any `--`. */
function firstUnknownFlag(argv: readonly string[]): { flag: string; valued?: boolean } | undefined {
  const shorts = new Set<string>(
    Object.values(OPTIONS).flatMap((o) => ('short' in o ? [o.short] : [])),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return undefined;
    if (arg === '-' || !arg.startsWith('-')) continue;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] as string;
      if (!(name in OPTIONS)) return { flag: `--${name}` };
      if (name !== 'config' && arg.includes('=')) return { flag: `--${name}`, valued: true };
      if (name === 'config' && !arg.includes('=')) i++;
      continue;
    }
    for (const [k, letter] of [...arg.slice(1)].entries()) {
      if (!shorts.has(letter)) return { flag: `-${letter}` };
      if (letter === 'c') {
        if (k === arg.length - 2) i++;
        break;
      }
    }
  }
  return undefined;
}

/**
 * Parses `argv` (without `node` and the script).
 *
 * @example
 * ```ts
 * parseCliArgs(['explain', '-', '--config', 'auth.mjs']);
 * // { kind: 'explain', token: '-', config: 'auth.mjs', json: false }
 * ```
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const unknown = firstUnknownFlag(argv);
  if (unknown !== undefined) {
    return {
      kind: 'usage-error',
      message: unknown.valued ? `${unknown.flag} takes no value` : unknownFlag(unknown.flag),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      kind: 'usage-error',
      message:
        code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? '--config needs a file'
          : 'the command line could not be read (see --help)',
    };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
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
  return { kind: 'explain', token, config: values.config, json: values.json === true };
}
