/**
 * Where the explainer writes: the process's standard streams. The only module of lib/ that
 * writes to them (the library itself never prints).
 */

/** The explainer's writers and inputs; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input, for a token given as `-`. */
  readStdin(): Promise<string>;
  /** Milliseconds since the epoch. */
  now(): number;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The real streams of this process.
 *
 * @example
 * ```ts
 * const code = await runCli(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    readStdin: () => readAll(process.stdin),
    now: Date.now,
  };
}
