/* global process, Buffer */
/**
 * The load driver: a long-lived process on its own core that runs autocannon when the parent
 * asks. A request `{ url, durationSec, connections, tokens }` is answered with req/s and
 * latencies. `tokens` is 'reused:<token>', 'pool' (rotate through the fixture's distinct
 * tokens, one per request) or 'cold' (a new opaque token per request).
 */
import autocannon from 'autocannon';
import { createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
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

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** autocannon `requests` sending the fixture's DPoP-bound token with a new proof (RFC 9449) each time. */
function dpopRequests(url) {
  const { privateJwk, publicJwk, token } = fixture.dpop;
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk });
  const ath = createHash('sha256').update(token).digest('base64url');
  const proof = () => {
    const claims = b64({
      htm: 'GET',
      htu: url,
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      ath,
    });
    const input = `${header}.${claims}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  };
  return [
    {
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        headers: { ...req.headers, authorization: `DPoP ${token}`, dpop: proof() },
      }),
    },
  ];
}

function optionsFor({ url, durationSec, connections, tokens }) {
  const base = { url, duration: durationSec, connections, pipelining: 1 };
  if (tokens === 'dpop') return { ...base, requests: dpopRequests(url) };
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
