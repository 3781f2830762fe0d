/**
 * `npm run bench`: bearer-guard against bare Express and against the peer libraries, in one
 * run. Each server is its own process pinned to core 0; autocannon runs in a process pinned to
 * core 1. Every round measures bare Express next to each variant (before it in odd rounds, after
 * it in even ones), so a variant's ratio is to the bare run next to it; medians over the rounds are reported. Then the scale-and-bounds
 * checks run, and everything is printed and written to spec/bench/RESULTS.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_CACHE_DEFAULTS } from '../../lib/cache/token-cache.js';
import { DRIVER_CORE, SERVER_CORE, startChild, type Child } from './child.js';
import { buildFixture, writeFixture } from './fixture.js';
import {
  machineInfo,
  renderResults,
  type Measurement,
  type ResultsInput,
  type VariantResult,
} from './report.js';
import { readSettings } from './settings.js';
import { BARE, VARIANTS, type Variant } from './variants.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function exportedNames(): Promise<Set<string>> {
  const lib = (await import('../../lib/index.js')) as Record<string, unknown>;
  return new Set(Object.keys(lib).filter((name) => typeof lib[name] === 'function'));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const settings = readSettings(here('./RESULTS.md'));
  const started = Date.now();
  const machineBefore = machineInfo();
  const exported = await exportedNames();
  const notes: string[] = [];
  const selected = VARIANTS.filter((v) => !settings.only || settings.only.includes(v.id));
  const variants: Variant[] = [];
  for (const variant of selected) {
    const missing = (variant.needs ?? []).filter((name) => !exported.has(name));
    if (missing.length === 0) variants.push(variant);
    else {
      const note = `skipped "${variant.label}": the package does not export ${missing.join(', ')} yet`;
      notes.push(note);
      console.log(`note: ${note}`);
    }
  }

  if (settings.freshTokens <= TOKEN_CACHE_DEFAULTS.max) {
    const note = `BENCH_FRESH_TOKENS=${settings.freshTokens} is not more than the cache holds (${TOKEN_CACHE_DEFAULTS.max}): the fresh-token variant hits the cache after its first pass`;
    notes.push(note);
    console.log(`note: ${note}`);
  }
  console.log(`minting ${settings.freshTokens} tokens…`);
  const dir = mkdtempSync(join(tmpdir(), 'bearer-guard-bench-'));
  const fixturePath = join(dir, 'fixture.json');
  const fixture = await buildFixture(settings.freshTokens);
  writeFixture(fixturePath, fixture);

  const children: Child[] = [];
  const start = async (file: string, args: string[], core: number, env: Record<string, string>) => {
    const child = await startChild(here(file), args, core, env);
    children.push(child);
    return child;
  };
  try {
    const env = { BENCH_FIXTURE: fixturePath };
    const upstreams = await start('./upstreams.ts', [], DRIVER_CORE, env);
    const serverEnv = { ...env, BENCH_UPSTREAM: `http://127.0.0.1:${upstreams.ready.port}` };
    const driver = await start('./load.mjs', [], DRIVER_CORE, env);
    const servers = new Map<string, Child>();
    for (const variant of [BARE, ...variants]) {
      servers.set(
        variant.id,
        await start(`./${variant.entry}`, [variant.arg], SERVER_CORE, serverEnv),
      );
    }

    const cpuOf = async (server: Child) => {
      const usage = await server.ask({ cmd: 'cpu' });
      return (usage.user as number) + (usage.system as number);
    };
    const measure = async (variant: Variant, durationSec: number): Promise<Measurement> => {
      const server = servers.get(variant.id) as Child;
      const port = server.ready.port as number;
      const cpuBefore = await cpuOf(server);
      const answer = await driver.ask({
        url: `http://127.0.0.1:${port}/rest/api/2/myself`,
        durationSec,
        connections: settings.connections,
        tokens: variant.tokens(fixture),
      });
      if (typeof answer.error === 'string') throw new Error(`${variant.id}: ${answer.error}`);
      const result = answer as unknown as Measurement;
      result.cpuPerRequest = ((await cpuOf(server)) - cpuBefore) / Math.max(1, result.total);
      if (result.non2xx > 0 || result.errors > 0) {
        const note = `${variant.id}: ${result.non2xx} non-2xx answers and ${result.errors} errors in one run`;
        notes.push(note);
        console.log(`warning: ${note}`);
      }
      return result;
    };

    console.log(`warming up ${variants.length + 1} servers…`);
    for (const variant of [BARE, ...variants]) await measure(variant, settings.warmupSec);

    const runs = new Map<string, Array<{ run: Measurement; bare: Measurement }>>();
    for (let round = 1; round <= settings.rounds; round++) {
      for (const variant of variants) {
        // Odd rounds run bare first, even rounds the variant first: a bias of the position
        // in the pair (the driver's own garbage, a connection still closing) cancels out.
        let bare: Measurement;
        let run: Measurement;
        if (round % 2 === 1) {
          bare = await measure(BARE, settings.durationSec);
          run = await measure(variant, settings.durationSec);
        } else {
          run = await measure(variant, settings.durationSec);
          bare = await measure(BARE, settings.durationSec);
        }
        runs.set(variant.id, [...(runs.get(variant.id) ?? []), { run, bare }]);
        console.log(
          `round ${round} ${variant.id.padEnd(26)} ${run.rps.toFixed(0).padStart(6)} req/s  bare ${bare.rps.toFixed(0).padStart(6)}  ×${(run.rps / bare.rps).toFixed(2)}  CPU ${run.cpuPerRequest.toFixed(1)} µs/req, bare ${bare.cpuPerRequest.toFixed(1)}  ×${(bare.cpuPerRequest / run.cpuPerRequest).toFixed(2)}`,
        );
      }
    }
    const counts = await upstreams.ask({ cmd: 'counts' });

    const results: VariantResult[] = [BARE, ...variants].map((variant) => {
      const pairs =
        variant === BARE
          ? [...runs.values()].flat().map(({ bare }) => ({ run: bare, bare }))
          : (runs.get(variant.id) ?? []);
      return {
        variant,
        rps: median(pairs.map((p) => p.run.rps)),
        p50: median(pairs.map((p) => p.run.p50)),
        p99: median(pairs.map((p) => p.run.p99)),
        ratio: median(pairs.map((p) => p.run.rps / p.bare.rps)),
        ratios: pairs.map((p) => p.run.rps / p.bare.rps),
        cpuPerRequest: median(pairs.map((p) => p.run.cpuPerRequest)),
        cpuRatio: median(pairs.map((p) => p.bare.cpuPerRequest / p.run.cpuPerRequest)),
      };
    });
    for (const child of children.splice(0)) await child.stop();

    console.log('bearerAuth alone, without HTTP…');
    const micro = await startChild(here('./micro.ts'), [], SERVER_CORE, env);
    const middlewareUs = micro.ready.middlewareUs as number;
    await micro.stop();

    let scale: ResultsInput['scale'];
    if (settings.scale) {
      console.log('scale and bounds…');
      const child = await startChild(here('./scale.ts'), [], SERVER_CORE, env, ['--expose-gc']);
      scale = (await child.ask({ cmd: 'run' })) as unknown as ResultsInput['scale'];
      await child.stop();
    }

    const markdown = renderResults({
      settings,
      machine: machineBefore,
      machineAfter: machineInfo(),
      elapsedSec: (Date.now() - started) / 1000,
      results,
      notes,
      upstreamCalls: counts,
      middlewareUs,
      scale,
    });
    console.log(`\n${markdown}`);
    if (settings.out !== '-') {
      writeFileSync(settings.out, markdown);
      console.log(`written to ${settings.out}`);
    }
  } finally {
    for (const child of children) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
