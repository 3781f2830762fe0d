/* global process, Buffer */
/**
 * A load driver: a long-lived process pinned to the driver core that runs autocannon when the
 * parent asks. Each server of a group has a driver of its own. A job
 * `{ url, durationSec, connections, traffic }` is answered, when the run ends, with req/s and
 * latencies. `traffic` (see variants.ts):
 * - `reused:rs256` / `reused:trust` / `reused:opaque`: one token on every request;
 * - `pool`: the fixture's distinct tokens in turn; `l2pool`: the first L2_POOL of them;
 * - `cold`: a new opaque token per request;
 * - `dpop`: the DPoP-bound token with a proof signed for that very request (node:crypto,
 *   synchronously, in autocannon's `setupRequest`: every proof is new and used once);
 * - `mtls`: the certificate-bound token, over TLS with the fixture's client certificate.
 */
import autocannon from 'autocannon';
import { createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { OPAQUE_PREFIX, readFixture } from './fixture.js';
import { L2_POOL } from './variants.js';

const fixture = readFixture();
let coldIndex = 0;

/** autocannon `requests` that set the headers `next()` returns on every request. */
function rotating(next) {
  return [
    {
      method: 'GET',
      setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...next() } }),
    },
  ];
}

/** Cycles through `pool` from a random place (drivers of one group do not march in step). */
function cycling(pool) {
  let index = Math.floor(Math.random() * pool.length);
  return () => ({ authorization: `Bearer ${pool[index++ % pool.length]}` });
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Headers for the DPoP-bound token with a new proof (RFC 9449) for `url`, each call. */
function dpopHeaders(url) {
  const { privateJwk, publicJwk, token } = fixture.dpop;
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk });
  const ath = createHash('sha256').update(token).digest('base64url');
  const authorization = `DPoP ${token}`;
  return () => {
    const claims = b64({
      htm: 'GET',
      htu: url,
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      ath,
    });
    const input = `${header}.${claims}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return { authorization, dpop: `${input}.${signature.toString('base64url')}` };
  };
}

const REUSED = {
  'reused:rs256': () => fixture.tokens.RS256,
  'reused:trust': () => fixture.trustToken,
  'reused:opaque': () => fixture.opaqueToken,
  'reused:mtls': () => fixture.mtls.token,
};

function optionsFor({ url, durationSec, connections, traffic }) {
  const base = { url, duration: durationSec, connections, pipelining: 1 };
  const reused = REUSED[traffic];
  if (reused) return { ...base, headers: { authorization: `Bearer ${reused()}` } };
  switch (traffic) {
    case 'pool':
      return { ...base, requests: rotating(cycling(fixture.freshPool)) };
    case 'l2pool':
      return { ...base, requests: rotating(cycling(fixture.freshPool.slice(0, L2_POOL))) };
    case 'cold': {
      const run = `${process.pid}-${Date.now().toString(36)}`;
      return {
        ...base,
        requests: rotating(() => ({
          authorization: `Bearer ${OPAQUE_PREFIX}cold-${run}-${coldIndex++}`,
        })),
      };
    }
    case 'dpop':
      return { ...base, requests: rotating(dpopHeaders(url)) };
    case 'mtls':
      return {
        ...base,
        headers: { authorization: `Bearer ${fixture.mtls.token}` },
        tlsOptions: { cert: fixture.mtls.clientCert, key: fixture.mtls.clientKey },
      };
    default:
      throw new Error(`unknown traffic "${traffic}"`);
  }
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
  try {
    autocannon(optionsFor(job), (err, result) => {
      process.send(err ? { error: String(err) } : summary(result));
    });
  } catch (error) {
    process.send({ error: String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
