/**
 * The results as Markdown: the machine, the versions, one table of every variant against bare
 * Express, the peers beside bearer-guard with the same key source, the targets of issue #7 and
 * the scale-and-bounds figures.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { PINNED } from './child.js';
import type { BenchSettings } from './settings.js';
import type { Variant } from './variants.js';

/** One autocannon run, as the load driver reports it. */
export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Server CPU time (user + system) per request, in µs. */
  cpuPerRequest: number;
}

/** Medians of one variant over the rounds. */
export interface VariantResult {
  variant: Variant;
  rps: number;
  p50: number;
  p99: number;
  /** Median of the per-round ratios to bare Express. */
  ratio: number;
  ratios: number[];
  /** Median server CPU µs per request. */
  cpuPerRequest: number;
  /** Median of bare's CPU per request ÷ the variant's: the throughput ratio on a quiet core. */
  cpuRatio: number;
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
const times = (value: number) => `${value.toFixed(2)}×`;

export interface ResultsInput {
  settings: BenchSettings;
  machine: MachineInfo;
  machineAfter: MachineInfo;
  elapsedSec: number;
  results: VariantResult[];
  notes: string[];
  upstreamCalls: Record<string, unknown>;
  /** CPU µs per request of bearerAuth alone on a JWT cache hit (micro.ts). */
  middlewareUs: number;
  scale: { figures: ScaleFigure[]; notes: string[] } | undefined;
}

function targets(byId: Map<string, VariantResult>, cpu: boolean): string[] {
  const lines: string[] = [];
  const ratio = (id: string) => (cpu ? byId.get(id)?.cpuRatio : byId.get(id)?.ratio);
  const check = (label: string, value: number | undefined, target: number, unit = '× bare') => {
    if (value === undefined) return;
    lines.push(
      `| ${label}${cpu ? ' (CPU)' : ''} | ${value.toFixed(2)}${unit} | ≥ ${target}${unit} | ${value >= target ? 'met' : '**not met**'} |`,
    );
  };
  check('JWT RS256, token reused', ratio('rs256-key'), 0.95);
  const auth0 = ratio('express-oauth2-jwt-bearer');
  const ours = ratio('rs256-key');
  if (auth0 && ours) check('RS256 reused vs express-oauth2-jwt-bearer', ours / auth0, 1.6, '×');
  const fresh = ratio('rs256-fresh');
  if (auth0 && fresh)
    check('first sight of a JWT vs express-oauth2-jwt-bearer', fresh / auth0, 1, '×');
  check('first sight of a JWT (aim)', fresh, 0.65);
  check('cached introspection', ratio('introspection'), 0.95);
  return lines;
}

export function renderResults(input: ResultsInput): string {
  const { settings, machine, results } = input;
  const byId = new Map(results.map((r) => [r.variant.id, r]));
  const out: string[] = [];
  out.push('# bearer-guard benchmark results', '');
  out.push(
    `Run of \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fixed(input.elapsedSec)} s.`,
  );
  if (settings.note) out.push('', `**${settings.note}**`);
  out.push('', '## Machine', '');
  out.push(`- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB`);
  out.push(`- Node ${machine.node}`);
  out.push(
    `- Load average (1, 5, 15 min): ${machine.load} at the start, ${input.machineAfter.load} at the end`,
  );
  out.push(
    PINNED
      ? '- Servers pinned to core 0, autocannon and the upstreams to core 1 (`taskset`)'
      : '- `taskset` not found: processes were not pinned',
  );
  out.push(
    `- autocannon: ${settings.connections} connections, ${settings.durationSec} s per run, ${settings.rounds} rounds, ${settings.warmupSec} s warm-up per server`,
  );
  out.push('', `Versions: ${PACKAGES.map((p) => `${p} ${versionOf(p)}`).join(', ')}.`);

  out.push('', '## Throughput and latency', '');
  out.push(
    'Every round runs bare Express next to each variant (before it in odd rounds, after it in even ones); "× bare" is the median over the rounds of the variant\'s req/s divided by that bare run\'s. req/s and latencies are medians too. "CPU µs/req" is the server process\'s CPU time (user + system) per request, and "× bare (CPU)" bare\'s CPU per request divided by the variant\'s: the ratio a quiet, saturated core would show, less disturbed by other work on the machine than req/s.',
    '',
  );
  out.push(
    '| variant | req/s | p50 ms | p99 ms | × bare | per round | CPU µs/req | × bare (CPU) |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |');
  for (const r of results) {
    const bare = r.variant.id === 'bare';
    out.push(
      `| ${r.variant.label} | ${fixed(r.rps)} | ${fixed(r.p50, 1)} | ${fixed(r.p99, 1)} | ${bare ? '1.00×' : times(r.ratio)} | ${bare ? '' : r.ratios.map((x) => x.toFixed(2)).join(' ')} | ${fixed(r.cpuPerRequest, 1)} | ${bare ? '1.00×' : times(r.cpuRatio)} |`,
    );
  }

  const peers = results.filter((r) => r.variant.ours);
  if (peers.length > 0) {
    out.push('', '## Peers beside bearer-guard', '');
    out.push(
      'Same token, same route, same key; bearer-guard with the same key source as the peer.',
      '',
    );
    out.push(
      '| peer | peer × bare | bearer-guard × bare | bearer-guard ÷ peer | peer × bare (CPU) | bearer-guard × bare (CPU) |',
    );
    out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const peer of peers) {
      const ours = byId.get(peer.variant.ours as string);
      out.push(
        `| ${peer.variant.label} | ${times(peer.ratio)} | ${ours ? `${times(ours.ratio)} (${ours.variant.label})` : '–'} | ${ours ? times(ours.ratio / peer.ratio) : '–'} | ${times(peer.cpuRatio)} | ${ours ? times(ours.cpuRatio) : '–'} |`,
      );
    }
  }

  const targetLines = [...targets(byId, false), ...targets(byId, true)];
  if (targetLines.length > 0) {
    out.push(
      '',
      '## Targets (issue #7)',
      '',
      '| target | measured | wanted | |',
      '| --- | ---: | ---: | --- |',
    );
    out.push(...targetLines);
  }

  out.push(
    '',
    `Upstream calls during the throughput runs: ${JSON.stringify(input.upstreamCalls)}.`,
  );
  out.push(
    '',
    `bearerAuth alone, without HTTP (\`spec/bench/micro.ts\`): ${input.middlewareUs.toFixed(2)} µs of CPU per request on a JWT cache hit (RS256 token reused, memory directory).`,
  );

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
