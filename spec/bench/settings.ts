/**
 * Benchmark settings, from the environment so that a quick development run needs no edit:
 *
 *   BENCH_WINDOWS=2 BENCH_WINDOW_SEC=1 BENCH_PASSES=1 BENCH_ONLY=reused BENCH_OUT=- npm run bench
 */
export interface BenchSettings {
  /** Measurement windows per pass; ratios are medians over them (BENCH_WINDOWS, default 8). */
  windows: number;
  /** Seconds per window (BENCH_WINDOW_SEC, default 3). */
  windowSec: number;
  /** Seconds of load before the first window of a pass (BENCH_WARMUP, default 3). */
  warmupSec: number;
  /**
   * Seconds each server is loaded alone, one after the other, before a pass's side-by-side load
   * (BENCH_WARM_ALONE, default 3; 0: none). Side by side a server gets a seventh of a core, too
   * little for the JIT to finish optimising a long request path within the pass: without this the
   * windows measure start-up code for the rows with the most JavaScript per request.
   */
  warmAloneSec: number;
  /** Passes per group, each with fresh processes (BENCH_PASSES, default 2). */
  passes: number;
  /** autocannon connections per server (BENCH_CONNECTIONS, default 50). */
  connections: number;
  /** Seconds of each server alone after the last pass, for the req/s column; 0: none (BENCH_SEQ_SEC, default 3). */
  sequentialSec: number;
  /** Distinct tokens for the first-sight rows, more than the cache holds (BENCH_FRESH_TOKENS, default 12 000). */
  freshTokens: number;
  /** Group or row ids to run (BENCH_ONLY, comma-separated; default all). */
  only: readonly string[] | undefined;
  /** Run the scale-and-bounds checks (BENCH_SCALE, default 1). */
  scale: boolean;
  /** Where the results go (BENCH_OUT, default spec/bench/RESULTS.md; '-' prints only). */
  out: string;
  /** A line about the conditions of the run, put in the results (BENCH_NOTE). */
  note: string | undefined;
}

function numberFrom(name: string, fallback: number, zeroAllowed = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed))
    throw new Error(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number`);
  return value;
}

export function readSettings(defaultOut: string): BenchSettings {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    windows: Math.round(numberFrom('BENCH_WINDOWS', 8)),
    windowSec: numberFrom('BENCH_WINDOW_SEC', 3),
    warmupSec: numberFrom('BENCH_WARMUP', 3),
    warmAloneSec: numberFrom('BENCH_WARM_ALONE', 3, true),
    passes: Math.round(numberFrom('BENCH_PASSES', 2)),
    connections: Math.round(numberFrom('BENCH_CONNECTIONS', 50)),
    sequentialSec: numberFrom('BENCH_SEQ_SEC', 3, true),
    freshTokens: Math.round(numberFrom('BENCH_FRESH_TOKENS', 12_000)),
    only: only && only.length > 0 ? only : undefined,
    scale: process.env.BENCH_SCALE !== '0',
    out: process.env.BENCH_OUT || defaultOut,
    note: process.env.BENCH_NOTE || undefined,
  };
}
