/**
 * `npm run bench`: bearer-guard against bare Express and against the peer libraries, side by
 * side. A group's servers (bare Express, a second bare Express as the control, bearer-guard's
 * rows, the peers) are started together, each its own process pinned to core 0, and loaded at
 * the same time, each by its own autocannon process pinned to core 1. Every window, each server
 * reports its own CPU time and request count; a row's figure for the window is bare Express's CPU
 * per request divided by its own. Ratios are medians over the windows of every pass, each pass
 * with fresh processes. A shared, noisy machine slows every server of the group alike, so the
 * ratio holds where sequential req/s swing. Then each server alone for the secondary req/s
 * column, bearerAuth without HTTP (micro.ts) and the scale-and-bounds checks.
 */
import { createConnection } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_CACHE_DEFAULTS } from '../../lib/cache/token-cache.js';
import { DRIVER_CORE, SERVER_CORE, startChild, type Child } from './child.js';
import { testKey } from '../helpers/keys.js';
import { buildFixture, writeFixture, type Fixture } from './fixture.js';
import { machineInfo, renderResults, type ResultsInput, type RowResult } from './report.js';
import { readSettings, type BenchSettings } from './settings.js';
import { GROUPS, allIds, type Group, type Row } from './variants.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Faults come in phases: their mean over the windows, not a median that can hide a phase. */
const mean = (values: readonly number[]): number => {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
};

/** Appends a window's figure to a row's list. */
const addTo = (series: Map<string, number[]>, id: string, value: number): void => {
  const list = series.get(id);
  if (list) list.push(value);
  else series.set(id, [value]);
};

const median = (values: readonly number[]): number => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Whether the package has what a row needs; the reason when it does not. */
async function probe(): Promise<(need: string) => Promise<string | undefined>> {
  const lib = (await import('../../lib/index.js')) as Record<string, unknown>;
  const { bearerAuth, jwtVerifier, memoryDirectory } = await import('../../lib/index.js');
  const key = testKey('RS256').publicPem;
  const jwt = (extra: Record<string, unknown>) =>
    jwtVerifier({ publicKey: key, issuer: 'https://i.test', audience: 'a', ...extra });
  const accepts = (build: () => unknown) => {
    try {
      build();
      return true;
    } catch {
      return false;
    }
  };
  const redisUp = () =>
    new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: 6379 });
      socket.setTimeout(1000);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
  return async (need) => {
    const [kind, name = ''] = need.includes(':') ? need.split(':') : ['export', need];
    switch (kind) {
      case 'export':
        return typeof lib[name] === 'function' ? undefined : `the package does not export ${name}`;
      case 'option': {
        const extra: Record<string, unknown> =
          name === 'dpop' ? { dpop: {} } : { mtls: { certificate: 'socket' } };
        const options = { verifiers: [jwt({})], directory: memoryDirectory([]), ...extra };
        const ok = accepts(() => bearerAuth(options as Parameters<typeof bearerAuth>[0]));
        return ok ? undefined : `bearerAuth has no "${name}" option yet`;
      }
      case 'jwt':
        return accepts(() => jwt({ [name]: name === 'typ' ? 'at+jwt' : ['x'] })) ||
          accepts(() => jwt({ [name]: 60 }))
          ? undefined
          : `jwtVerifier has no "${name}" option yet`;
      case 'module': {
        const adapters = '../../lib/redis/index.js';
        try {
          await import(adapters);
          return undefined;
        } catch {
          return 'bearer-guard/redis does not exist yet';
        }
      }
      case 'service':
        return (await redisUp()) ? undefined : 'no Redis answers on 127.0.0.1:6379';
      case 'tool':
        return undefined; // openssl: checked through the fixture (mtls certificates)
      default:
        return `unknown need "${need}"`;
    }
  };
}

/** The groups to run: BENCH_ONLY and the package decide which rows. */
async function selectGroups(settings: BenchSettings, fixture: Fixture, notes: string[]) {
  if (settings.only) {
    const known = new Set(allIds());
    const unknown = settings.only.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new Error(
        `BENCH_ONLY: unknown ids ${unknown.join(', ')}; known: ${[...known].join(', ')}`,
      );
  }
  const missing = await probe();
  const groups: Group[] = [];
  for (const group of GROUPS) {
    const wanted = group.rows.filter(
      (row) =>
        !settings.only ||
        settings.only.includes(group.id) ||
        settings.only.includes(row.id) ||
        row.control,
    );
    const rows: Row[] = [];
    for (const row of wanted) {
      const reasons = (await Promise.all((row.needs ?? []).map((need) => missing(need)))).filter(
        (r): r is string => r !== undefined,
      );
      if ((row.traffic === 'mtls' || row.traffic === 'reused:mtls') && !fixture.mtls)
        reasons.push('no openssl to make certificates');
      if (reasons.length === 0) rows.push(row);
      else {
        const note = `skipped "${row.label}": ${reasons.join('; ')}`;
        notes.push(note);
        console.log(`note: ${note}`);
      }
    }
    if (rows.some((row) => !row.control)) groups.push({ ...group, rows });
  }
  return groups;
}

interface Sample {
  cpuUs: number;
  /** The part of cpuUs spent in the kernel. */
  systemUs: number;
  /** Minor page faults so far (`process.resourceUsage().minorPageFault`). */
  minorFaults: number;
  requests: number;
  at: number;
}

interface PassRecord {
  /** Per row id: CPU µs per request in each window. */
  cpu: Map<string, number[]>;
  /** Per row id: requests per second in each window. */
  rps: Map<string, number[]>;
  /** Per row id: system CPU µs per request in each window. */
  system: Map<string, number[]>;
  /** Per row id: minor page faults per request in each window. */
  faults: Map<string, number[]>;
  /** Per window: the servers' CPU time together over the window's length (1 = core saturated). */
  busy: number[];
}

async function main(): Promise<void> {
  const settings = readSettings(here('./RESULTS.md'));
  const started = Date.now();
  const machineBefore = machineInfo();
  const notes: string[] = [];

  if (settings.freshTokens <= TOKEN_CACHE_DEFAULTS.max) {
    const note = `BENCH_FRESH_TOKENS=${settings.freshTokens} is not more than the cache holds (${TOKEN_CACHE_DEFAULTS.max}): the first-sight row hits the cache after its first cycle`;
    notes.push(note);
    console.log(`note: ${note}`);
  }
  console.log(`minting ${settings.freshTokens} tokens…`);
  const dir = mkdtempSync(join(tmpdir(), 'bearer-guard-bench-'));
  const fixturePath = join(dir, 'fixture.json');
  const fixture = await buildFixture(settings.freshTokens);
  writeFixture(fixturePath, fixture);
  const groups = await selectGroups(settings, fixture, notes);
  const serversPerPass = groups.reduce((n, g) => n + g.rows.length + 1, 0);
  const passSec = settings.warmupSec + settings.windows * settings.windowSec;
  // Start-up of a group's processes takes a few seconds on a quiet machine (more when loaded).
  const estimateMin =
    (settings.passes * groups.length * (passSec + 8) +
      settings.passes * serversPerPass * settings.warmAloneSec +
      serversPerPass * (settings.sequentialSec + 0.5) +
      (settings.scale ? 90 : 0)) /
    60;
  console.log(
    `${groups.length} groups, ${serversPerPass} servers per pass, ${settings.passes} passes of ${passSec} s of load per group: about ${Math.ceil(estimateMin)} min on a quiet machine (plus minting the tokens)`,
  );

  const live = new Set<Child>();
  const start = async (file: string, args: string[], core: number, env: Record<string, string>) => {
    const child = await startChild(here(file), args, core, env);
    live.add(child);
    return child;
  };
  const stop = async (children: Iterable<Child>) => {
    await Promise.all(
      [...children].map(async (child) => {
        live.delete(child);
        await child.stop();
      }),
    );
  };
  const results: ResultsInput['groups'] = [];
  let upstreamCalls: Record<string, unknown> = {};
  try {
    const env = { BENCH_FIXTURE: fixturePath };
    const upstreams = await start('./upstreams.ts', [], DRIVER_CORE, env);
    const serverEnv = { ...env, BENCH_UPSTREAM: `http://127.0.0.1:${upstreams.ready.port}` };

    for (const group of groups) {
      const all = [group.bare, ...group.rows];
      const passes: PassRecord[] = [];
      const sequential = new Map<string, number>();
      const failures = new Map<string, { non2xx: number; errors: number }>();
      for (let pass = 1; pass <= settings.passes; pass++) {
        console.log(`${group.id}, pass ${pass}: starting ${all.length} servers…`);
        const servers = await Promise.all(
          all.map((row) => start(`./${row.entry}`, [row.arg], SERVER_CORE, serverEnv)),
        );
        const drivers = await Promise.all(all.map(() => start('./load.mjs', [], DRIVER_CORE, env)));
        const urlOf = (i: number) => {
          const server = servers[i] as Child;
          const scheme = server.ready.tls ? 'https' : 'http';
          return `${scheme}://127.0.0.1:${server.ready.port as number}/rest/api/2/myself`;
        };
        const job = (i: number, durationSec: number) =>
          (drivers[i] as Child).ask({
            url: urlOf(i),
            durationSec,
            connections: settings.connections,
            traffic: (all[i] as Row).traffic,
          });
        const sampleAll = async (): Promise<Sample[]> =>
          (await Promise.all(servers.map((s) => s.ask({ cmd: 'sample' })))).map((a) => ({
            cpuUs: a.cpuUs as number,
            systemUs: a.systemUs as number,
            minorFaults: a.minorFaults as number,
            requests: a.requests as number,
            at: performance.now(),
          }));

        // Each server alone first, at the whole core's speed, until its code is optimised.
        if (settings.warmAloneSec > 0) {
          for (let i = 0; i < all.length; i++) await job(i, settings.warmAloneSec);
        }
        const loads = all.map((_, i) => job(i, passSec + 1));
        const t0 = performance.now();
        await sleep(settings.warmupSec * 1000);
        let previous = await sampleAll();
        const record: PassRecord = {
          cpu: new Map(),
          rps: new Map(),
          system: new Map(),
          faults: new Map(),
          busy: [],
        };
        for (let w = 1; w <= settings.windows; w++) {
          await sleep(
            t0 + (settings.warmupSec + w * settings.windowSec) * 1000 - performance.now(),
          );
          const current = await sampleAll();
          const line: string[] = [];
          let cpuUs = 0;
          all.forEach((row, i) => {
            const before = previous[i] as Sample;
            const after = current[i] as Sample;
            cpuUs += after.cpuUs - before.cpuUs;
            const requests = after.requests - before.requests;
            const cpu = requests > 0 ? (after.cpuUs - before.cpuUs) / requests : Number.NaN;
            addTo(record.cpu, row.id, cpu);
            const rps = (1000 * requests) / (after.at - before.at);
            addTo(record.rps, row.id, rps);
            const perRequest = (value: number) => (requests > 0 ? value / requests : Number.NaN);
            const system = perRequest(after.systemUs - before.systemUs);
            addTo(record.system, row.id, system);
            const faults = perRequest(after.minorFaults - before.minorFaults);
            addTo(record.faults, row.id, faults);
            line.push(`${row.id} ${cpu.toFixed(0)}`);
          });
          const span = ((current[0] as Sample).at - (previous[0] as Sample).at) * 1000;
          record.busy.push(cpuUs / span);
          const bareCpu = record.cpu.get(group.bare.id)?.at(-1) ?? Number.NaN;
          console.log(
            `  window ${w}: ${group.rows
              .map(
                (row) =>
                  `${row.id} ×${(bareCpu / (record.cpu.get(row.id)?.at(-1) ?? NaN)).toFixed(2)}`,
              )
              .join('  ')}  (bare ${bareCpu.toFixed(1)} µs/req)`,
          );
          previous = current;
        }
        passes.push(record);
        const answers = await Promise.all(loads);
        answers.forEach((answer, i) => {
          const row = all[i] as Row;
          if (typeof answer.error === 'string') throw new Error(`${row.id}: ${answer.error}`);
          const seen = failures.get(row.id) ?? { non2xx: 0, errors: 0 };
          seen.non2xx += answer.non2xx as number;
          seen.errors += answer.errors as number;
          failures.set(row.id, seen);
        });
        if (pass === settings.passes && settings.sequentialSec > 0) {
          console.log(`${group.id}: each server alone, ${settings.sequentialSec} s…`);
          for (let i = 0; i < all.length; i++) {
            const answer = await job(i, settings.sequentialSec);
            sequential.set((all[i] as Row).id, answer.rps as number);
          }
        }
        await stop([...servers, ...drivers]);
      }

      for (const [id, seen] of failures) {
        if (seen.non2xx > 0 || seen.errors > 0) {
          const note = `${id}: ${seen.non2xx} non-2xx answers and ${seen.errors} errors`;
          notes.push(note);
          console.log(`warning: ${note}`);
        }
      }
      const rows: RowResult[] = all.map((row) => {
        const perPass = passes.map((record) => {
          const bare = record.cpu.get(group.bare.id) ?? [];
          const own = record.cpu.get(row.id) ?? [];
          return {
            ratios: own.map((cpu, w) => (bare[w] as number) / cpu),
            added: own.map((cpu, w) => cpu - (bare[w] as number)),
          };
        });
        const ratios = perPass.flatMap((p) => p.ratios);
        return {
          row,
          cpuPerRequest: median(passes.flatMap((r) => r.cpu.get(row.id) ?? [])),
          addedUs: median(perPass.flatMap((p) => p.added)),
          ratio: median(ratios),
          passRatios: perPass.map((p) => median(p.ratios)),
          windows: ratios.length,
          sideBySideRps: median(passes.flatMap((r) => r.rps.get(row.id) ?? [])),
          systemPerRequest: median(passes.flatMap((r) => r.system.get(row.id) ?? [])),
          faultsPerRequest: mean(passes.flatMap((r) => r.faults.get(row.id) ?? [])),
          aloneRps: sequential.get(row.id),
        };
      });
      for (const r of rows.filter((x) => x.row.control)) {
        if (!(Math.abs(r.ratio - 1) <= 0.03)) {
          const note = `${group.id}: the bare-vs-bare control reads ${r.ratio.toFixed(3)}×, off by more than 3 %: this group's figures are not trustworthy (machine too noisy, or too few windows)`;
          notes.push(note);
          console.log(`WARNING: ${note}`);
        }
      }
      // The method needs the servers' core saturated: when the drivers' core saturates first, the
      // servers idle between requests and each pays wake-ups of its own.
      const serverCoreBusy = median(passes.flatMap((record) => record.busy));
      if (!(serverCoreBusy >= 0.9)) {
        const note = `${group.id}: the servers' core was busy ${(100 * serverCoreBusy).toFixed(0)} % of the time (median over windows): the load drivers' core saturated first, so these servers were not saturated and the ratios of this group are not the side-by-side method's`;
        notes.push(note);
        console.log(`WARNING: ${note}`);
      }
      results.push({ group, rows, serverCoreBusy });
    }
    upstreamCalls = await upstreams.ask({ cmd: 'counts' });
    await stop([...live]);

    console.log('bearerAuth alone, without HTTP…');
    const micro = await startChild(here('./micro.ts'), [], SERVER_CORE, env);
    const middlewareUs = micro.ready.middlewareUs as number;
    await micro.stop();
    console.log('first sight without HTTP, beside express-oauth2-jwt-bearer…');
    const first = await startChild(here('./micro-first.mjs'), ['1500'], SERVER_CORE, env);
    const firstSight = {
      bearerGuardUs: first.ready.bearerGuardUs as number,
      peerUs: first.ready.peerUs as number,
    };
    await first.stop();

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
      groups: results,
      notes,
      upstreamCalls,
      middlewareUs,
      firstSight,
      scale,
    });
    console.log(`\n${markdown}`);
    if (settings.out !== '-') {
      writeFileSync(settings.out, markdown);
      console.log(`written to ${settings.out}`);
    }
  } finally {
    await stop([...live]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
