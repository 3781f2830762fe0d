/**
 * Profiles one server variant under load (default rs256-key):
 * `npx tsx spec/bench/profile.ts <variant> [seconds]`. The server runs with `--cpu-prof`; when the
 * load stops, the top frames by self time are printed and the .cpuprofile is kept in a
 * temporary directory for Chrome DevTools.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DRIVER_CORE, SERVER_CORE, startChild } from './child.js';
import { buildFixture, writeFixture } from './fixture.js';
import { BARE, VARIANTS } from './variants.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Self time per function, highest first. */
function topFrames(file: string, count: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const byFrame = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*?\/(lib|spec)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  return [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}`);
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'rs256-key';
  const seconds = Number(process.argv[3] ?? 10);
  const variant = [BARE, ...VARIANTS].find((v) => v.id === id);
  if (!variant) throw new Error(`unknown variant "${id}"`);
  const dir = mkdtempSync(join(tmpdir(), 'bearer-guard-profile-'));
  const fixturePath = join(dir, 'fixture.json');
  const fixture = await buildFixture(id === 'rs256-fresh' ? 12_000 : 10);
  writeFixture(fixturePath, fixture);
  const env = { BENCH_FIXTURE: fixturePath };
  const upstreams = await startChild(here('./upstreams.ts'), [], DRIVER_CORE, env);
  const driver = await startChild(here('./load.mjs'), [], DRIVER_CORE, env);
  const server = await startChild(
    here(`./${variant.entry}`),
    [variant.arg],
    SERVER_CORE,
    { ...env, BENCH_UPSTREAM: `http://127.0.0.1:${upstreams.ready.port}` },
    ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  );
  const result = await driver.ask({
    url: `http://127.0.0.1:${server.ready.port}/rest/api/2/myself`,
    durationSec: seconds,
    connections: 50,
    tokens: variant.tokens(fixture),
  });
  console.log(`${id}: ${Number(result.rps).toFixed(0)} req/s, non-2xx ${result.non2xx}`);
  await server.stop();
  await driver.stop();
  await upstreams.stop();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  console.log(`profile: ${join(dir, file)}\n`);
  console.log(topFrames(join(dir, file), 40).join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
