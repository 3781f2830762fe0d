/**
 * The results as Markdown: the machine and its load, the settings, one table per group of
 * servers measured side by side (each row's CPU per request against bare Express's in the same
 * windows, its added µs, its ratio to the best peer of the group), the targets, and the
 * scale-and-bounds figures.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { PINNED } from './child.js';
import type { BenchSettings } from './settings.js';
import type { Group, Row } from './variants.js';

/** One row of a group, over every window of every pass. */
export interface RowResult {
  row: Row;
  /** Median server CPU µs (user + system) per request. */
  cpuPerRequest: number;
  /** Median over the windows of (row's CPU per request − bare's in the same window), µs. */
  addedUs: number;
  /** Median over the windows of bare's CPU per request ÷ the row's. */
  ratio: number;
  /** The same median, pass by pass. */
  passRatios: number[];
  /** Windows the medians are over. */
  windows: number;
  /** Median req/s while the whole group ran side by side on one core. */
  sideBySideRps: number;
  /** Median system (kernel) CPU µs per request, part of cpuPerRequest. */
  systemPerRequest: number;
  /** Minor page faults per request, mean over the windows. */
  faultsPerRequest: number;
  /** req/s of the server alone on its core (secondary, sequential). */
  aloneRps: number | undefined;
}

/** A line of the scale-and-bounds section. */
export interface ScaleFigure {
  check: string;
  result: string;
  target: string;
  met: boolean | undefined;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  load: string;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

const PACKAGES = [
  'express',
  'jose',
  'lru-cache',
  'undici',
  'autocannon',
  'express-oauth2-jwt-bearer',
  'express-jwt',
  'jwks-rsa',
  'passport',
  'passport-http-bearer',
  'passport-jwt',
  'redis',
];

function versionOf(name: string): string {
  try {
    const file = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);

export interface ResultsInput {
  settings: BenchSettings;
  machine: MachineInfo;
  machineAfter: MachineInfo;
  elapsedSec: number;
  /** Per group: its rows, and how busy the servers' core was (median over windows; 1 = saturated). */
  groups: Array<{ group: Group; rows: RowResult[]; serverCoreBusy: number }>;
  notes: string[];
  upstreamCalls: Record<string, unknown>;
  /** CPU µs per request of bearerAuth alone on a JWT cache hit (micro.ts). */
  middlewareUs: number;
  /** First sight without HTTP, beside express-oauth2-jwt-bearer in one process (micro-first.mjs). */
  firstSight: { bearerGuardUs: number; peerUs: number } | undefined;
  scale: { figures: ScaleFigure[]; notes: string[] } | undefined;
}

/** The peer of a group with the highest ratio to bare. */
export function bestPeer(rows: readonly RowResult[]): RowResult | undefined {
  return rows
    .filter((r) => r.row.peer && Number.isFinite(r.ratio))
    .reduce<RowResult | undefined>(
      (best, r) => (!best || r.ratio > best.ratio ? r : best),
      undefined,
    );
}

function targets(groups: ResultsInput['groups']): string[] {
  const lines: string[] = [];
  const find = (id: string) => {
    for (const { rows } of groups) {
      const hit = rows.find((r) => r.row.id === id);
      if (hit) return { hit, rows };
    }
    return undefined;
  };
  const check = (label: string, value: number | undefined, target: number, unit: string) => {
    if (value === undefined || !Number.isFinite(value)) return;
    lines.push(
      `| ${label} | ${value.toFixed(2)}${unit} | ≥ ${target}${unit} | ${value >= target ? 'met' : '**not met**'} |`,
    );
  };
  /** A group's row of the peer library `arg`. */
  const peerIn = (rows: readonly RowResult[], arg: string) =>
    rows.find((r) => r.row.arg === arg && r.row.peer);
  const vsPeer = (id: string, peer: string) => {
    const found = find(id);
    const other = found && peerIn(found.rows, peer);
    return found && other ? found.hit.ratio / other.ratio : undefined;
  };
  check('reused JWT, root mount', find('jwt-root')?.hit.ratio, 0.88, '× bare');
  check(
    'reused JWT, root mount, vs express-oauth2-jwt-bearer',
    vsPeer('jwt-root', 'express-oauth2-jwt-bearer'),
    1.6,
    '×',
  );
  check(
    'first sight vs express-oauth2-jwt-bearer',
    vsPeer('first-sight', 'express-oauth2-jwt-bearer'),
    1.1,
    '×',
  );
  check('first sight', find('first-sight')?.hit.ratio, 0.58, '× bare');
  check('cached introspection', find('introspection')?.hit.ratio, 0.88, '× bare');
  check('DPoP request', find('dpop')?.hit.ratio, 0.5, '× bare');
  // What a ratio to a peer asks of bare Express's scale, beside the hand-written ceiling.
  const reach = (label: string, group: string, peer: string, times: number) => {
    const found = groups.find((g) => g.group.id === group);
    const other = found && peerIn(found.rows, peer);
    const limit = found?.rows.find((r) => r.row.ceiling);
    if (!other || !limit) return;
    lines.push(
      `| ${label}: ${times}× the peer is ${(times * other.ratio).toFixed(2)}× bare; the ceiling read | ${limit.ratio.toFixed(2)}× bare | | ${times * other.ratio > limit.ratio ? 'above the ceiling' : 'within reach'} |`,
    );
  };
  reach('reused JWT', 'reused', 'express-oauth2-jwt-bearer', 1.6);
  reach('first sight', 'first-sight', 'express-oauth2-jwt-bearer', 1.1);
  return lines;
}

const cell = (value: number | undefined, digits: number, suffix = '') =>
  value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(digits)}${suffix}`;

export function renderResults(input: ResultsInput): string {
  const { settings, machine } = input;
  const out: string[] = [];
  out.push('# bearer-guard benchmark results', '');
  out.push(
    `Run of \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fixed(input.elapsedSec)} s.`,
  );
  if (settings.note) out.push('', `**${settings.note}**`);
  out.push('', '## Machine and settings', '');
  out.push(`- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB`);
  out.push(`- Node ${machine.node}`);
  out.push(
    `- Load average (1, 5, 15 min): ${machine.load} at the start, ${input.machineAfter.load} at the end`,
  );
  out.push(
    PINNED
      ? '- Every server of a group pinned to core 0, at the same time; one autocannon process per server and the upstreams pinned to core 1 (`taskset`)'
      : '- `taskset` not found: processes were **not** pinned, the figures are not comparable',
  );
  out.push(
    `- autocannon: ${settings.connections} connections per server; ${settings.warmAloneSec > 0 ? `each server warmed alone for ${settings.warmAloneSec} s, then ` : ''}${settings.warmupSec} s warm-up side by side, then ${settings.windows} windows of ${settings.windowSec} s; ${settings.passes} passes with fresh processes; ${settings.sequentialSec > 0 ? `${settings.sequentialSec} s per server alone after the last pass` : 'no runs alone'}; ${settings.freshTokens} distinct tokens for first sight`,
  );
  out.push('', `Versions: ${PACKAGES.map((p) => `${p} ${versionOf(p)}`).join(', ')}.`);

  out.push('', '## How to read', '');
  out.push(
    'Each group\'s servers ran at the same time on one core, each loaded by its own autocannon from the other core. Every window, each server reported its own CPU time (user + system) and the requests it was handed: "CPU µs/req". "× bare" is the median over the windows of bare Express\'s CPU per request in that window divided by the row\'s: the share of bare Express\'s throughput the row keeps on a saturated core (1.00 = as fast as bare, 0.50 = half). "+µs" is the median of the row\'s CPU per request minus bare\'s. "÷ best peer" is the row\'s ratio divided by the best peer\'s of the group (> 1: faster than every peer). The control is a second bare Express: it must read 1.00×. A "ceiling" row is no library: the least code that does the row\'s check, written for the fixture (spec/bench/peers.mjs); it shows how far this method lets the row go. "system µs/req" is the part of the CPU spent in the kernel (median) and "page faults/req" the server\'s minor page faults per request (mean over the windows): side by side, servers go through phases of several faults per request, and a row whose server faults more pays for it in system time (docs/performance.md). "req/s side by side" is what the server got while sharing the core; "req/s alone" the secondary, sequential figure (one server at a time) — it moves with the machine\'s load and is not a comparison.',
  );

  for (const { group, rows, serverCoreBusy } of input.groups) {
    const best = bestPeer(rows);
    out.push('', `## ${group.title}`, '');
    if (best) out.push(`Best peer: ${best.row.label}, ${cell(best.ratio, 2, '×')} bare.`, '');
    out.push(
      '| row | CPU µs/req | +µs over bare | × bare (CPU) | per pass | ÷ best peer | system µs/req | page faults/req | req/s side by side | req/s alone |',
    );
    out.push('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      const isBare = r.row === group.bare;
      out.push(
        `| ${isBare ? `**${r.row.label}**` : r.row.label} | ${cell(r.cpuPerRequest, 1)} | ${isBare ? '' : cell(r.addedUs, 1)} | ${isBare ? '1.00×' : cell(r.ratio, 2, '×')} | ${isBare ? '' : r.passRatios.map((x) => cell(x, 2)).join(' ')} | ${!isBare && best && !r.row.control ? cell(r.ratio / best.ratio, 2, '×') : ''} | ${cell(r.systemPerRequest, 0)} | ${cell(r.faultsPerRequest, 2)} | ${cell(r.sideBySideRps, 0)} | ${cell(r.aloneRps, 0)} |`,
      );
    }
    const windows = rows[0]?.windows ?? 0;
    out.push(
      '',
      `Medians over ${windows} windows. The servers' core was busy ${cell(100 * serverCoreBusy, 0)} % of the time (below 90 %: the drivers' core saturated first, see the notes).`,
    );
  }

  const targetLines = targets(input.groups);
  if (targetLines.length > 0) {
    out.push(
      '',
      '## Targets',
      '',
      '| target | measured | wanted | |',
      '| --- | ---: | ---: | --- |',
    );
    out.push(...targetLines);
    out.push(
      '',
      'The shared-cache target (an L2 hit adds ≤ 150 µs of latency on loopback) is a latency, which side-by-side runs do not measure; the L2 row gives its CPU cost.',
    );
  }

  out.push('', `Upstream calls during the runs: ${JSON.stringify(input.upstreamCalls)}.`);
  out.push(
    '',
    `bearerAuth alone, without HTTP (\`spec/bench/micro.ts\`): ${input.middlewareUs.toFixed(2)} µs of CPU per request on a JWT cache hit (RS256 token reused, memory directory).`,
  );
  if (input.firstSight) {
    const { bearerGuardUs, peerUs } = input.firstSight;
    out.push(
      '',
      `First sight without HTTP, in one process beside express-oauth2-jwt-bearer (\`spec/bench/micro-first.mjs\`, new RS256 tokens, remote JWK Set): bearer-guard ${bearerGuardUs.toFixed(1)} µs, the peer ${peerUs.toFixed(1)} µs of CPU per token (${(peerUs / bearerGuardUs).toFixed(2)}× in bearer-guard's favour). A different method from the side-by-side rows, printed beside them because the two disagree (docs/performance.md).`,
    );
  }

  if (input.scale) {
    out.push(
      '',
      '## Scale and bounds',
      '',
      '| check | result | target | |',
      '| --- | --- | --- | --- |',
    );
    for (const f of input.scale.figures) {
      out.push(
        `| ${f.check} | ${f.result} | ${f.target} | ${f.met === undefined ? '' : f.met ? 'met' : '**not met**'} |`,
      );
    }
    for (const note of input.scale.notes) out.push('', `Note: ${note}`);
  }
  if (input.notes.length > 0) {
    out.push('', '## Notes', '');
    for (const note of input.notes) out.push(`- ${note}`);
  }
  return `${out.join('\n')}\n`;
}
