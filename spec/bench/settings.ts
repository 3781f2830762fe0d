/**
 * Benchmark settings, from the environment so that a quick development run needs no edit:
 *
 *   BENCH_DURATION=1 BENCH_ROUNDS=1 BENCH_ONLY=rs256-key,passport-jwt npm run bench
 */
export interface BenchSettings {
  /** Seconds of load per measurement (BENCH_DURATION, default 2). */
  durationSec: number;
  /** Rounds of bare/variant pairs; medians are taken over them (BENCH_ROUNDS, default 5). */
  rounds: number;
  /** Seconds of load per server before the first round (BENCH_WARMUP, default 2). */
  warmupSec: number;
  /** autocannon connections (BENCH_CONNECTIONS, default 50). */
  connections: number;
  /** Distinct tokens for the fresh-token variant, more than the cache holds (BENCH_FRESH_TOKENS, default 12 000). */
  freshTokens: number;
  /** Variant ids to run (BENCH_ONLY, comma-separated; default all). */
  only: readonly string[] | undefined;
  /** Run the scale-and-bounds checks (BENCH_SCALE, default 1). */
  scale: boolean;
  /** Where the results go (BENCH_OUT, default spec/bench/RESULTS.md; '-' prints only). */
  out: string;
  /** A line about the conditions of the run, put in the results (BENCH_NOTE). */
  note: string | undefined;
}

function numberFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

export function readSettings(defaultOut: string): BenchSettings {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    durationSec: numberFrom('BENCH_DURATION', 2),
    rounds: Math.round(numberFrom('BENCH_ROUNDS', 5)),
    warmupSec: numberFrom('BENCH_WARMUP', 2),
    connections: Math.round(numberFrom('BENCH_CONNECTIONS', 50)),
    freshTokens: Math.round(numberFrom('BENCH_FRESH_TOKENS', 12_000)),
    only: only && only.length > 0 ? only : undefined,
    scale: process.env.BENCH_SCALE !== '0',
    out: process.env.BENCH_OUT || defaultOut,
    note: process.env.BENCH_NOTE || undefined,
  };
}
