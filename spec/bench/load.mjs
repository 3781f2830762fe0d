/* global process */
/**
 * The load driver: a long-lived process on its own core that runs autocannon when the parent
 * asks. A request `{ url, durationSec, connections, tokens }` is answered with req/s and
 * latencies. `tokens` is 'reused:<token>', 'pool' (rotate through the fixture's distinct
 * tokens, one per request) or 'cold' (a new opaque token per request).
 */
import autocannon from 'autocannon';
import { OPAQUE_PREFIX, readFixture } from './fixture.js';

const fixture = readFixture();
let poolIndex = 0;
let coldIndex = 0;

/** autocannon `requests` that put a different token on every request. */
function rotating(next) {
  return [
    {
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        headers: { ...req.headers, authorization: `Bearer ${next()}` },
      }),
    },
  ];
}

function optionsFor({ url, durationSec, connections, tokens }) {
  const base = { url, duration: durationSec, connections, pipelining: 1 };
  if (tokens === 'pool') {
    const pool = fixture.freshPool;
    return { ...base, requests: rotating(() => pool[poolIndex++ % pool.length]) };
  }
  if (tokens === 'cold') {
    const run = Date.now().toString(36);
    return { ...base, requests: rotating(() => `${OPAQUE_PREFIX}cold-${run}-${coldIndex++}`) };
  }
  if (tokens.startsWith('reused:')) {
    return { ...base, headers: { authorization: `Bearer ${tokens.slice(7)}` } };
  }
  return base;
}

function summary(result) {
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

process.on('message', (job) => {
  autocannon(optionsFor(job), (err, result) => {
    process.send(err ? { error: String(err) } : summary(result));
  });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
