/**
 * `npm run bench:profile [row] [seconds]`: a CPU profile of one server under load (default
 * `jwt-root`, the reused-JWT hit path, 10 s). The server runs with `--cpu-prof`; when the load
 * stops, this prints bearer-guard's own frames' share of the server's busy time over the
 * measured load, after 3 s of warm-up (self time of functions in lib/, the figure the hit path
 * must keep below 5 %), the dependencies' and node's shares, and the top frames by self time. The .cpuprofile stays in a temporary
 * directory for Chrome DevTools.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DRIVER_CORE, SERVER_CORE, startChild } from './child.js';
import { buildFixture, writeFixture } from './fixture.js';
import { GROUPS, type Row } from './variants.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const libDir = fileURLToPath(new URL('../../lib/', import.meta.url));

/** Where a frame comes from: bearer-guard's lib/, a dependency, the bench itself, or node. */
function originOf(url: string): 'bearer-guard' | 'dependencies' | 'bench' | 'node' | 'idle' {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.includes('/node_modules/')) return 'dependencies';
  if (path.startsWith(libDir)) return 'bearer-guard';
  if (path.includes('/spec/')) return 'bench';
  return 'node';
}

/** Samples of an idle server; native work, (program) and the garbage collector count as busy. */
const IDLE = new Set(['(idle)']);

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
}

/** Samples per node id in the last `seconds` of the profile (start-up and warm-up left out). */
function hitsInTail(profile: CpuProfile, seconds: number): Map<number, number> {
  const from = profile.endTime - seconds * 1e6;
  const stamps: number[] = [];
  let t = profile.endTime - profile.timeDeltas.reduce((sum, d) => sum + d, 0);
  for (const delta of profile.timeDeltas) stamps.push((t += delta));
  const hits = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if ((stamps[i] as number) >= from) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  return hits;
}

function analyse(file: string, seconds: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const tail = hitsInTail(profile, seconds);
  const byOrigin = new Map<string, number>();
  const byFrame = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  for (const node of profile.nodes) {
    const hits = tail.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(garbage collector)') gc += hits;
    if (IDLE.has(functionName)) continue;
    busy += hits;
    const origin = originOf(url);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + hits);
    const where = url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*?\/(lib|spec)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + hits);
  }
  const share = (hits: number) => `${((100 * hits) / Math.max(1, busy)).toFixed(1)} %`;
  const own = byOrigin.get('bearer-guard') ?? 0;
  console.log(
    `bearer-guard's own frames: ${share(own)} of the server's busy time (target: below 5 %)`,
  );
  for (const origin of ['dependencies', 'node', 'bench']) {
    console.log(`  ${origin}: ${share(byOrigin.get(origin) ?? 0)}`);
  }
  console.log(`  of which the garbage collector: ${share(gc)}\n`);
  console.log('top frames by self time:');
  console.log(
    [...byFrame.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40)
      .map(([key, hits]) => `${share(hits).padStart(7)}  ${key}`)
      .join('\n'),
  );
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'jwt-root';
  const seconds = Number(process.argv[3] ?? 10);
  const rows: Row[] = GROUPS.flatMap((g) => [g.bare, ...g.rows]);
  const row = rows.find((r) => r.id === id);
  if (!row)
    throw new Error(
      `unknown row "${id}"; known: ${[...new Set(rows.map((r) => r.id))].join(', ')}`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'bearer-guard-profile-'));
  const fixturePath = join(dir, 'fixture.json');
  const fixture = await buildFixture(row.traffic === 'pool' ? 12_000 : 2_000);
  writeFixture(fixturePath, fixture);
  const env = { BENCH_FIXTURE: fixturePath };
  const upstreams = await startChild(here('./upstreams.ts'), [], DRIVER_CORE, env);
  const driver = await startChild(here('./load.mjs'), [], DRIVER_CORE, env);
  const server = await startChild(
    here(`./${row.entry}`),
    [row.arg],
    SERVER_CORE,
    { ...env, BENCH_UPSTREAM: `http://127.0.0.1:${upstreams.ready.port}` },
    ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  );
  const scheme = server.ready.tls ? 'https' : 'http';
  const load = (durationSec: number) =>
    driver.ask({
      url: `${scheme}://127.0.0.1:${server.ready.port}/rest/api/2/myself`,
      durationSec,
      connections: 50,
      traffic: row.traffic,
    });
  // Warm-up first: only the last `seconds` of the profile (the measured load) are counted.
  await load(3);
  const result = await load(seconds);
  if (typeof result.error === 'string') throw new Error(result.error);
  console.log(`${id}: ${Number(result.rps).toFixed(0)} req/s, non-2xx ${result.non2xx}`);
  await server.stop();
  await driver.stop();
  await upstreams.stop();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  console.log(`profile: ${join(dir, file)}\n`);
  analyse(join(dir, file), seconds);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
