/**
 * npm run bench:scale — N API instances (separate processes) behind one introspection server,
 * with and without a shared cache on Redis: upstream calls per token, latency, Redis operations
 * per request, revocation propagation, Redis stopped mid-run, and the cost of a shared-cache hit.
 *
 * The authorization server is the JSON introspection stand-in (spec/helpers/json-server.ts): it
 * counts calls per token and answers at once, so the figures are bearer-guard's, not a
 * provider's. Redis is a redis-server this script starts on a free loopback port and stops.
 * Everything is bounded: BENCH_INSTANCES (8), BENCH_TOKENS (200), BENCH_ROUNDS (50),
 * BENCH_CONCURRENCY (64), BENCH_REVOCATIONS (100).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createClient } from 'redis';
import { introspectionVerifier, sharedCache } from '../../lib/index.js';
import { nodeRedisStore } from '../../lib/redis/index.js';
import { startJsonServer } from '../helpers/json-server.js';
import { startRedis, type OwnRedis } from '../shared/fault-servers.js';

const N = Number(process.env.BENCH_INSTANCES ?? 8);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const REVOCATIONS = Number(process.env.BENCH_REVOCATIONS ?? 100);
const SECRET = randomBytes(32).toString('base64url');
const INSTANCE = fileURLToPath(new URL('./scale-shared-instance.ts', import.meta.url));

interface Instance {
  child: ChildProcess;
  pool: Pool;
  ask(cmd: string, extra?: Record<string, unknown>): Promise<Record<string, unknown>>;
  next(id: number): Promise<Record<string, unknown>>;
  send(cmd: string, extra?: Record<string, unknown>): number;
}

let messageId = 0;

async function startInstance(
  introspect: string,
  redisUrl: string,
  namespace: string,
): Promise<Instance> {
  const child = fork(INSTANCE, [introspect, redisUrl, namespace, SECRET], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', () => reject(new Error('instance exited')));
  });
  child.on('message', (m: Record<string, unknown>) => {
    const id = m.id as number;
    const resolve = waiting.get(id);
    waiting.delete(id);
    resolve?.(m);
  });
  const next = (id: number) =>
    new Promise<Record<string, unknown>>((resolve) => waiting.set(id, resolve));
  const send = (cmd: string, extra: Record<string, unknown> = {}) => {
    const id = ++messageId;
    child.send({ id, cmd, ...extra });
    return id;
  };
  return {
    child,
    pool: new Pool(`http://127.0.0.1:${port}`, { connections: Math.ceil(CONCURRENCY / N) + 1 }),
    next,
    send,
    ask(cmd, extra) {
      const id = send(cmd, extra);
      return next(id);
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Load {
  retries: number;
  latencies: number[];
  statuses: Map<number, number>;
  falseAccepts: number;
}

/** Runs the requests in order, `CONCURRENCY` at a time. */
async function drive(
  instances: Instance[],
  requests: Array<{ token: string; valid: boolean; instance: number }>,
  onProgress?: (done: number) => Promise<void> | void,
): Promise<Load> {
  const load: Load = { retries: 0, latencies: [], statuses: new Map(), falseAccepts: 0 };
  let next = 0;
  let done = 0;
  let paused: Promise<void> | undefined;
  const worker = async () => {
    for (;;) {
      if (paused) await paused;
      const i = next++;
      if (i >= requests.length) return;
      const {
        token,
        valid,
        instance: which,
      } = requests[i] as { token: string; valid: boolean; instance: number };
      const instance = instances[which % instances.length] as Instance;
      const start = performance.now();
      let res;
      try {
        res = await instance.pool.request({
          path: '/api/myself',
          method: 'GET',
          headers: { authorization: `Bearer ${token}` },
        });
      } catch {
        // A connection closed under a reused socket: GET is idempotent, send it once more.
        load.retries++;
        res = await instance.pool.request({
          path: '/api/myself',
          method: 'GET',
          headers: { authorization: `Bearer ${token}` },
        });
      }
      await res.body.dump();
      load.latencies.push(performance.now() - start);
      load.statuses.set(res.statusCode, (load.statuses.get(res.statusCode) ?? 0) + 1);
      if (!valid && res.statusCode === 200) load.falseAccepts++;
      done++;
      if (onProgress && !paused) {
        const p = onProgress(done);
        if (p) {
          paused = p.then(() => {
            paused = undefined;
          });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  load.latencies.sort((a, b) => a - b);
  return load;
}

async function redisOps(url: string): Promise<number> {
  const c = createClient({ url });
  await c.connect();
  const info = await c.info('stats');
  c.destroy();
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN);
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

async function main() {
  const calls = new Map<string, number>();
  const inactive = new Set<string>();
  const upstream = await startJsonServer((req) => {
    upstream.requests.length = 0;
    const token = new URLSearchParams(req.body).get('token') ?? '';
    calls.set(token, (calls.get(token) ?? 0) + 1);
    if (inactive.has(token) || !token.startsWith('op-')) return { json: { active: false } };
    const now = Math.floor(Date.now() / 1000);
    return {
      json: {
        active: true,
        iss: 'https://id.example.com',
        aud: 'https://api.example.com',
        sub: 'user-admin',
        username: 'admin',
        scope: 'read',
        client_id: 'web',
        token_type: 'Bearer',
        iat: now - 1,
        exp: now + 3600,
      },
    };
  });
  const introspect = `${upstream.url}/introspect`;
  let redis: OwnRedis | undefined = await startRedis();
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  say(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  say(
    `${N} instances, ${TOKENS} opaque tokens × ${ROUNDS} requests, round-robin, concurrency ${CONCURRENCY}`,
  );

  const tokens = Array.from(
    { length: TOKENS },
    () => `op-${randomBytes(16).toString('base64url')}`,
  );
  const plan = (list: string[]) => {
    // Round-robin over the instances, each token moving on to the next instance every round.
    const requests: Array<{ token: string; valid: boolean; instance: number }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      list.forEach((token, t) =>
        requests.push({ token, valid: !inactive.has(token), instance: (t + r) % N }),
      );
    }
    return requests;
  };
  const perToken = (list: string[]) => {
    const counts = list.map((t) => calls.get(t) ?? 0);
    return { mean: counts.reduce((a, b) => a + b, 0) / counts.length, max: Math.max(...counts) };
  };

  try {
    for (const mode of ['none', 'shared'] as const) {
      const namespace = `bench-${mode}-${randomBytes(4).toString('hex')}`;
      const instances = await Promise.all(
        Array.from({ length: N }, () =>
          startInstance(introspect, mode === 'none' ? 'none' : (redis as OwnRedis).url, namespace),
        ),
      );
      const list = tokens.map((t) => `${t}-${mode}`);
      const opsBefore = await redisOps((redis as OwnRedis).url);
      const started = performance.now();
      const load = await drive(instances, plan(list));
      const seconds = (performance.now() - started) / 1000;
      const ops = (await redisOps((redis as OwnRedis).url)) - opsBefore - 2;
      const { mean, max } = perToken(list);
      const requests = TOKENS * ROUNDS;
      say(
        `${mode === 'none' ? 'no shared store' : 'shared store  '}: upstream calls per token mean ${fmt(mean, 2)}, max ${max}; ` +
          `p50 ${fmt(percentile(load.latencies, 50), 2)} ms, p99 ${fmt(percentile(load.latencies, 99), 2)} ms; ` +
          `Redis ops/request ${fmt(ops / requests, 2)}; ${fmt(requests / seconds, 0)} req/s; statuses ${JSON.stringify(Object.fromEntries(load.statuses))}`,
      );

      if (mode === 'shared') {
        // Revocation propagation: every instance watches its own revocation state.
        const delays: number[] = [];
        let acceptedAfter = 0;
        // Sequential, so that each revocation is measured alone.
        for (let i = 0; i < Math.min(REVOCATIONS, list.length); i++) {
          const token = `${list[i]}`;
          const ids = instances.map((inst) => inst.send('watch', { token }));
          await Promise.all(instances.map((inst, k) => inst.next(ids[k] as number)));
          const arrivals = instances.map((inst, k) => inst.next(ids[k] as number));
          const t0 = performance.timeOrigin + performance.now();
          await (instances[i % N] as Instance).ask('revoke', { token });
          const times = await Promise.all(arrivals);
          delays.push(Math.max(...times.map((m) => (m.at as number) - t0)));
        }
        for (let i = 0; i < Math.min(REVOCATIONS, list.length); i++) {
          for (const inst of instances) {
            const res = await inst.pool.request({
              path: '/api/myself',
              method: 'GET',
              headers: { authorization: `Bearer ${list[i]}` },
            });
            await res.body.dump();
            if (res.statusCode === 200) acceptedAfter++;
          }
        }
        delays.sort((a, b) => a - b);
        say(
          `revocation propagation to all ${N} instances over ${delays.length} revocations: p50 ${fmt(percentile(delays, 50), 2)} ms, p99 ${fmt(percentile(delays, 99), 2)} ms; accepts after revocation: ${acceptedAfter}`,
        );

        // Redis stopped mid-run: fresh tokens, 10 % of them inactive.
        const fresh = Array.from({ length: TOKENS }, (_, i) => {
          const t = `op-${randomBytes(16).toString('base64url')}-down`;
          if (i % 10 === 0) inactive.add(t);
          return t;
        });
        const total = TOKENS * ROUNDS;
        let killedAt = 0;
        const down = await drive(instances, plan(fresh), async (done) => {
          if (!killedAt && done >= total / 2) {
            killedAt = done;
            await (redis as OwnRedis).kill();
          }
        });
        const claims = await Promise.all(instances.map((inst) => inst.ask('claim')));
        const statuses = await Promise.all(instances.map((inst) => inst.ask('status')));
        const fiveHundreds = [...down.statuses]
          .filter(([s]) => s >= 500)
          .reduce((a, [, n]) => a + n, 0);
        const { mean: downMean, max: downMax } = perToken(fresh);
        say(
          `Redis stopped after ${killedAt} of ${total} requests: upstream calls per token mean ${fmt(downMean, 2)}, max ${downMax}; ` +
            `p50 ${fmt(percentile(down.latencies, 50), 2)} ms, p99 ${fmt(percentile(down.latencies, 99), 2)} ms; ` +
            `5xx ${fiveHundreds}; false accepts ${down.falseAccepts}; statuses ${JSON.stringify(Object.fromEntries(down.statuses))}; ` +
            `replay claims refused (503) ${claims.filter((c) => c.ok === false).length}/${N}; status ${JSON.stringify(statuses[0]?.status)}`,
        );
        await redis.kill();
        redis = await startRedis();
      }
      await Promise.all(instances.map((inst) => inst.ask('stop').catch(() => undefined)));
      await Promise.all(instances.map((inst) => inst.pool.close()));
    }

    // The cost of a shared-cache (L2) hit, in this process: L1 emptied before every call.
    const client = createClient({ url: (redis as OwnRedis).url });
    await client.connect();
    const shared = sharedCache({
      store: nodeRedisStore(client),
      secret: SECRET,
      namespace: 'bench-hit',
    });
    const verifier = introspectionVerifier({
      endpoint: introspect,
      clientId: 'api',
      clientSecret: 'x',
      audience: 'https://api.example.com',
      cache: { shared },
    });
    const token = `op-${randomBytes(16).toString('base64url')}-hit`;
    await verifier.verify(token);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = calls.get(token);
    const l2: number[] = [];
    const l1: number[] = [];
    // The round trip an L2 hit cannot avoid: a bare GET to the same Redis, in the same loop.
    const bareGet: number[] = [];
    for (let i = 0; i < 2000; i++) {
      verifier.clear();
      let s = performance.now();
      await verifier.verify(token);
      l2.push((performance.now() - s) * 1000);
      s = performance.now();
      await verifier.verify(token);
      l1.push((performance.now() - s) * 1000);
      s = performance.now();
      await client.get('bench-hit:absent');
      bareGet.push((performance.now() - s) * 1000);
    }
    const identity = {
      subject: 'user-admin',
      scopes: [],
      claims: { iat: 1 },
      serviceAccount: false,
      verifier: 'x',
    };
    await shared.check(token, identity);
    const checks: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const s = performance.now();
      shared.check(token, identity);
      checks.push((performance.now() - s) * 1000);
    }
    l2.sort((a, b) => a - b);
    l1.sort((a, b) => a - b);
    bareGet.sort((a, b) => a - b);
    checks.sort((a, b) => a - b);
    say(
      `shared-cache hit (L1 empty, L2 read + open + checks, one Redis round trip): p50 ${fmt(percentile(l2, 50), 0)} µs, p99 ${fmt(percentile(l2, 99), 0)} µs (a bare GET to the same Redis in the same loop: p50 ${fmt(percentile(bareGet, 50), 0)} µs); ` +
        `L1 hit with shared cache on: p50 ${fmt(percentile(l1, 50), 1)} µs; revocation check, decided locally: p50 ${fmt(percentile(checks, 50), 1)} µs; ` +
        `upstream calls during it: ${(calls.get(token) ?? 0) - (before ?? 0)}`,
    );
    await shared.close();
    client.destroy();
  } finally {
    await redis?.kill();
    await upstream.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
