/**
 * bearerAuth({ dpop }) over real HTTP on 127.0.0.1: the coexistence table, every bad input of a
 * DPoP request, replay, nonces, challenges, `req.auth.binding` and `onDecision`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { Agent, request as undiciRequest } from 'undici';
import { bearerAuth, memoryDirectory, MESSAGES, jwtVerifier } from '../../lib/index.js';
import { memoryReplayStore } from '../../lib/binding/replay-memory.js';
import { nonceIssuer } from '../../lib/binding/dpop-nonce.js';
import { seed } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { listen } from '../helpers/listen.js';
import { USERS } from '../helpers/users.js';
import { AUDIENCE, ISSUER, nowSeconds } from '../helpers/tokens.js';
import { makeProof, proofKey, type ProofKey } from '../helpers/dpop.js';
import {
  boundToken,
  challengeOf,
  MYSELF,
  proofFor,
  startDpopApi,
  type DpopApi,
} from './harness.js';

const ALGS = 'algs="ES256 ES384 EdDSA PS256 RS256"';
const PROOF_INVALID = seed(MESSAGES.proofInvalid);
const UNPROVEN = seed(MESSAGES.bindingNotProven);

let key: ProofKey;
let otherKey: ProofKey;
let api: DpopApi;
let token: string;

beforeAll(async () => {
  key = await proofKey('ES256');
  otherKey = await proofKey('ES256');
  api = await startDpopApi({});
  token = await boundToken(key);
});
afterAll(() => api.close());

const last = () => api.decisions[api.decisions.length - 1];

describe('a DPoP-bound token with a valid proof', () => {
  it('is accepted: req.auth.binding is dpop, onDecision says so', async () => {
    const res = await api.get(token, [await proofFor(api, key, token)]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'admin' });
    expect(last()).toMatchObject({ outcome: 'accept', binding: 'dpop' });
    expect(JSON.stringify(last())).not.toContain(token);
  });

  it('the scheme is case-insensitive; a POST needs a proof for POST', async () => {
    expect((await api.get(token, [await proofFor(api, key, token)], 'dpop')).status).toBe(200);
    const post = await request(api.url)
      .post(MYSELF)
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', await proofFor(api, key, token, { method: 'POST' }));
    expect(post.status).toBe(200);
  });

  it('query and fragment are ignored in htu; default port and host case are normalised', async () => {
    const signed = `${api.url.replace('http://127.0.0.1', 'HTTP://127.0.0.1')}${MYSELF}?x=1#frag`;
    const res = await request(api.url)
      .get(`${MYSELF}?y=2`)
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', await makeProof({ key, url: signed, token }));
    expect(res.status).toBe(200);
  });

  it('req.auth carries binding dpop', async () => {
    const app = express();
    app.use(
      bearerAuth({
        verifiers: [
          jwtVerifier({
            publicKey: testKey('RS256').publicPem,
            issuer: ISSUER,
            audience: AUDIENCE,
          }),
        ],
        directory: memoryDirectory(USERS),
        dpop: {},
      }),
    );
    app.get('/x', (req, res) => res.json({ binding: req.auth?.binding }));
    const server = await listen(app);
    try {
      const res = await request(server.url)
        .get('/x')
        .set('Authorization', `DPoP ${token}`)
        .set('DPoP', await makeProof({ key, url: `${server.url}/x`, token }));
      expect(res.body).toEqual({ binding: 'dpop' });
    } finally {
      await server.close();
    }
  });
});

describe('bad proofs → 401 invalid_dpop_proof on the DPoP challenge', () => {
  const cases: Array<[string, () => Promise<string>]> = [
    ['proof for another method', () => proofFor(api, key, token, { method: 'POST' })],
    ['proof for another path', () => makeProof({ key, url: `${api.url}/rest/api/2/issue`, token })],
    ['proof for another token (ath)', () => proofFor(api, key, token, { token: 'another-token' })],
    ['signed by another key', () => proofFor(api, key, token, { signWith: otherKey.privateKey })],
    ['typ JWT', () => proofFor(api, key, token, { header: { typ: 'JWT' } })],
    ['iat too old', () => proofFor(api, key, token, { iat: nowSeconds() - 600 })],
    ['iat too far ahead', () => proofFor(api, key, token, { iat: nowSeconds() + 600 })],
    ['jti missing', () => proofFor(api, key, token, { jti: null })],
  ];
  it.each(cases)('%s', async (_name, build) => {
    const res = await api.get(token, [await build()]);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(PROOF_INVALID);
    expect(challengeOf(res)).toMatch(/DPoP realm="api", error="invalid_dpop_proof"/);
  });

  it('a 10 KB jti is refused before it is parsed', async () => {
    const res = await api.get(token, [
      await proofFor(api, key, token, { jti: 'j'.repeat(10_240) }),
    ]);
    expect(res.status).toBe(401);
    expect(last()).toMatchObject({ reason: 'dpop_proof_invalid' });
  });

  it('a bad proof never reaches the verifier chain', async () => {
    let calls = 0;
    const counted = await startDpopApi(
      {},
      {
        verifiers: [
          {
            name: 'counting',
            verify: async () => {
              calls++;
              return { kind: 'pass', reason: 'token_unrecognized' };
            },
          },
        ],
      },
    );
    try {
      const res = await counted.get(token, [
        await proofFor(counted, key, token, { method: 'PUT' }),
      ]);
      expect(res.status).toBe(401);
      expect(calls).toBe(0);
    } finally {
      await counted.close();
    }
  });
});

describe('malformed DPoP requests → 400 invalid_request', () => {
  it('two DPoP headers', async () => {
    const proof = await proofFor(api, key, token);
    const res = await api.get(token, [proof, await proofFor(api, key, token)]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.proofMultiple));
    expect(last()).toMatchObject({ reason: 'dpop_proof_multiple' });
  });

  it('a DPoP header with the Bearer scheme', async () => {
    const res = await api.get(token, [await proofFor(api, key, token)], 'Bearer');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.proofWithOtherScheme));
    expect(challengeOf(res)).toMatch(/error="invalid_request"/);
  });

  it('the DPoP scheme without a DPoP header', async () => {
    const res = await api.get(token, []);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.proofMissing));
  });
});

describe('coexistence (RFC 9449 §7.1)', () => {
  it('a DPoP-bound token sent as Bearer → 401 invalid_token', async () => {
    const res = await api.get(token, [], 'Bearer');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNPROVEN);
    expect(last()).toMatchObject({ reason: 'dpop_bound_token_as_bearer', binding: 'dpop' });
    expect(challengeOf(res)).toMatch(/Bearer realm="api", error="invalid_token"/);
  });

  it('an unbound token with a proof → 401 invalid_token', async () => {
    const plain = await boundToken(null);
    const res = await api.get(plain, [await proofFor(api, key, plain)]);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNPROVEN);
    expect(last()).toMatchObject({ reason: 'dpop_token_unbound' });
    expect(challengeOf(res)).toMatch(/DPoP realm="api", error="invalid_token"/);
  });

  it('a proof by another key than cnf.jkt → 401 invalid_token', async () => {
    const res = await api.get(token, [await proofFor(api, otherKey, token)]);
    expect(res.status).toBe(401);
    expect(last()).toMatchObject({ reason: 'dpop_key_mismatch' });
  });

  it('a plain bearer token still works when DPoP is not required', async () => {
    const plain = await boundToken(null);
    const res = await api.get(plain, [], 'Bearer');
    expect(res.status).toBe(200);
    expect(last()).toMatchObject({ outcome: 'accept', binding: 'bearer' });
  });

  it('no credentials → both challenges, DPoP with algs', async () => {
    const res = await request(api.url).get(MYSELF);
    expect(res.status).toBe(401);
    const challenge = challengeOf(res);
    expect(challenge).toMatch(/Bearer realm="api"/);
    expect(challenge).toContain(`DPoP realm="api", ${ALGS}`);
  });
});

describe('dpop.required', () => {
  let strict: DpopApi;
  beforeAll(async () => {
    strict = await startDpopApi({ required: true, algorithms: ['ES256'] });
  });
  afterAll(() => strict.close());

  it('a plain bearer token → 401 invalid_token, only the DPoP challenge', async () => {
    const plain = await boundToken(null);
    const res = await strict.get(plain, [], 'Bearer');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNPROVEN);
    expect(strict.decisions.at(-1)).toMatchObject({ reason: 'dpop_required' });
    expect(challengeOf(res)).toMatch(/^DPoP realm="api"/);
    expect(challengeOf(res)).not.toMatch(/Bearer/);
    expect(challengeOf(res)).toContain('algs="ES256"');
  });

  it('a bound token with its proof is accepted', async () => {
    expect((await strict.get(token, [await proofFor(strict, key, token)])).status).toBe(200);
  });
});

describe('replay', () => {
  it('a proof replayed once → 401 invalid_dpop_proof', async () => {
    const proof = await proofFor(api, key, token);
    expect((await api.get(token, [proof])).status).toBe(200);
    const again = await api.get(token, [proof]);
    expect(again.status).toBe(401);
    expect(again.body).toEqual(PROOF_INVALID);
    expect(last()).toMatchObject({ reason: 'dpop_proof_replayed' });
  });

  it('one proof sent 1 000 times at once: exactly one accepted', async () => {
    const proof = await proofFor(api, key, token);
    // All 1 000 in flight at once over 100 sockets (not 1 000: the listen backlog would reset some).
    const agent = new Agent({ connections: 100, pipelining: 1 });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 1000 }, () =>
          undiciRequest(api.myself, {
            dispatcher: agent,
            headers: { authorization: `DPoP ${token}`, dpop: proof },
          }).then(async (r) => {
            await r.body.dump();
            return r.statusCode;
          }),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 401)).toHaveLength(999);
    } finally {
      await agent.close();
    }
  }, 120_000);

  it('the store sees a hash of (jkt, jti) with the remaining window, never the jti', async () => {
    const seen: Array<[string, number]> = [];
    const spy = await startDpopApi({
      replay: { claim: async (k: string, ttl: number) => (seen.push([k, ttl]), true) },
    });
    try {
      const proof = await proofFor(spy, key, token, { jti: 'my-visible-jti' });
      expect((await spy.get(token, [proof])).status).toBe(200);
      expect(seen).toHaveLength(1);
      expect(seen[0]![0]).not.toContain('my-visible-jti');
      expect(seen[0]![1]).toBeGreaterThan(100_000);
      expect(seen[0]![1]).toBeLessThanOrEqual(125_000);
    } finally {
      await spy.close();
    }
  });

  it('a store that throws → 503 with Retry-After, never an accept', async () => {
    const broken = await startDpopApi({
      replay: { claim: () => Promise.reject(new Error('store down')) },
    });
    try {
      const res = await broken.get(token, [await proofFor(broken, key, token)]);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(broken.decisions.at(-1)).toMatchObject({
        outcome: 'unavailable',
        reason: 'replay_store_error',
      });
    } finally {
      await broken.close();
    }
  });

  it('a full in-memory store → 503 replay_store_full', async () => {
    const full = await startDpopApi({ replay: { max: 1 } });
    try {
      expect((await full.get(token, [await proofFor(full, key, token)])).status).toBe(200);
      const res = await full.get(token, [await proofFor(full, key, token)]);
      expect(res.status).toBe(503);
      expect(full.decisions.at(-1)).toMatchObject({ reason: 'replay_store_full' });
    } finally {
      await full.close();
    }
  });

  it('invalid proofs never touch the store; a binding refusal does not either', async () => {
    const store = memoryReplayStore();
    const watched = await startDpopApi({ replay: store });
    try {
      for (let i = 0; i < 100; i++) {
        const res = await watched.get(token, [
          await proofFor(watched, key, token, { signWith: otherKey.privateKey, jti: `j${i}` }),
        ]);
        expect(res.status).toBe(401);
      }
      const mismatch = await watched.get(token, [await proofFor(watched, otherKey, token)]);
      expect(mismatch.status).toBe(401);
      expect(store.size).toBe(0);
    } finally {
      await watched.close();
    }
  }, 120_000);
});

describe('the htu of a request without publicUrl', () => {
  it('a forged Host: the proof for the real URL is refused', async () => {
    const res = await api.get(token, [await proofFor(api, key, token)]).set('Host', 'evil.example');
    expect(res.status).toBe(401);
    expect(last()).toMatchObject({ reason: 'dpop_proof_mismatch' });
  });

  it('a Host outside the grammar matches no proof, even one signed for it', async () => {
    const res = await api
      .get(token, [await makeProof({ key, url: `http://evil.example/x${MYSELF}`, token })])
      .set('Host', 'evil.example/x');
    expect(res.status).toBe(401);
    expect(last()).toMatchObject({ reason: 'dpop_proof_mismatch' });
  });

  it('X-Forwarded-Host is never read, even with trust proxy', async () => {
    const trusting = await startDpopApi({});
    trusting.app.set('trust proxy', true);
    try {
      const forged = await makeProof({ key, url: `http://evil.example${MYSELF}`, token });
      const res = await trusting.get(token, [forged]).set('X-Forwarded-Host', 'evil.example');
      expect(res.status).toBe(401);
      expect(trusting.decisions.at(-1)).toMatchObject({ reason: 'dpop_proof_mismatch' });
    } finally {
      await trusting.close();
    }
  });
});

describe('publicUrl and requestUri', () => {
  it('publicUrl: proofs name the public URL; the Host header is not read', async () => {
    const behind = await startDpopApi({ publicUrl: 'https://api.example.com/jira/' });
    try {
      const proof = await makeProof({
        key,
        url: `https://API.example.com:443/jira${MYSELF}`,
        token,
      });
      expect((await behind.get(token, [proof]).set('Host', 'internal:8080')).status).toBe(200);
      const local = await proofFor(behind, key, token);
      expect((await behind.get(token, [local])).status).toBe(401);
    } finally {
      await behind.close();
    }
  });

  it('requestUri: the path the client saw, for proxies that rewrite it', async () => {
    const rewritten = await startDpopApi({
      publicUrl: 'https://api.example.com',
      requestUri: (req) => `/v2${req.originalUrl}`,
    });
    try {
      const proof = await makeProof({ key, url: `https://api.example.com/v2${MYSELF}`, token });
      expect((await rewritten.get(token, [proof])).status).toBe(200);
    } finally {
      await rewritten.close();
    }
  });

  it('a requestUri that throws matches no proof', async () => {
    const broken = await startDpopApi({
      publicUrl: 'https://api.example.com',
      requestUri: () => {
        throw new Error('bug');
      },
    });
    try {
      const proof = await makeProof({ key, url: `https://api.example.com${MYSELF}`, token });
      expect((await broken.get(token, [proof])).status).toBe(401);
    } finally {
      await broken.close();
    }
  });
});

describe('server nonces', () => {
  const secret = 'nonce-secret-nonce-secret-nonce-secret!';
  let nonced: DpopApi;
  beforeAll(async () => {
    nonced = await startDpopApi({ nonce: { secret, required: true } });
  });
  afterAll(() => nonced.close());

  it('no nonce → 401 use_dpop_nonce, a DPoP-Nonce header and only the DPoP challenge', async () => {
    const res = await nonced.get(token, [await proofFor(nonced, key, token)]);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(seed(MESSAGES.nonceRequired));
    expect(res.headers['dpop-nonce']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(challengeOf(res)).toMatch(/^DPoP realm="api", error="use_dpop_nonce"/);
    expect(challengeOf(res)).not.toMatch(/Bearer/);
  });

  it('with the nonce → 200, and the success carries the current DPoP-Nonce', async () => {
    const first = await nonced.get(token, [await proofFor(nonced, key, token)]);
    const nonce = first.headers['dpop-nonce'] as string;
    const res = await nonced.get(token, [await proofFor(nonced, key, token, { nonce })]);
    expect(res.status).toBe(200);
    expect(res.headers['dpop-nonce']).toBe(nonce);
  });

  it('a nonce from another instance with the same secret is accepted; a stale one is not', async () => {
    const shared = nonceIssuer(Buffer.from(secret));
    const fromPeer = shared.current();
    expect(
      (await nonced.get(token, [await proofFor(nonced, key, token, { nonce: fromPeer })])).status,
    ).toBe(200);
    const stale = shared.current(Date.now() - 10 * 60_000);
    const res = await nonced.get(token, [await proofFor(nonced, key, token, { nonce: stale })]);
    expect(res.status).toBe(401);
    expect(nonced.decisions.at(-1)).toMatchObject({ reason: 'dpop_nonce_required' });
    expect(res.headers['dpop-nonce']).toBe(shared.current());
  });

  it('not required: a proof without nonce passes, a stale one is refused', async () => {
    const optional = await startDpopApi({ nonce: { secret, required: false } });
    try {
      expect((await optional.get(token, [await proofFor(optional, key, token)])).status).toBe(200);
      const stale = nonceIssuer(Buffer.from(secret)).current(Date.now() - 10 * 60_000);
      const res = await optional.get(token, [
        await proofFor(optional, key, token, { nonce: stale }),
      ]);
      expect(res.status).toBe(401);
      expect(res.headers['dpop-nonce']).toBeDefined();
    } finally {
      await optional.close();
    }
  });
});

describe('with dpop off', () => {
  let off: DpopApi;
  beforeAll(async () => {
    off = await startDpopApi(undefined);
  });
  afterAll(() => off.close());

  it('the DPoP scheme is no token: 401, Bearer challenge only', async () => {
    const res = await off.get(token, [await proofFor(off, key, token)]);
    expect(res.status).toBe(401);
    expect(off.decisions.at(-1)).toMatchObject({ reason: 'token_missing' });
    expect(challengeOf(res)).not.toMatch(/DPoP/);
  });

  it('a cnf-bound token sent as Bearer → 401 token_binding_unsupported (a DPoP header is ignored)', async () => {
    const res = await off.get(token, [await proofFor(off, key, token)], 'Bearer');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNPROVEN);
    expect(off.decisions.at(-1)).toMatchObject({ reason: 'token_binding_unsupported' });
  });

  it('a plain token with a stray DPoP header is accepted (the header is ignored)', async () => {
    const plain = await boundToken(null);
    const res = await off.get(plain, [await proofFor(off, key, plain)], 'Bearer');
    expect(res.status).toBe(200);
  });
});

describe('bearerAuth({ dpop }) options', () => {
  it('unknown keys and bad values throw at construction', () => {
    const base = {
      verifiers: [
        jwtVerifier({ publicKey: testKey('RS256').publicPem, issuer: ISSUER, audience: AUDIENCE }),
      ],
      directory: memoryDirectory(USERS),
    };
    expect(() => bearerAuth({ ...base, dpop: { maxAge: 5 } as never })).toThrow(
      /unknown option "maxAge"/,
    );
    expect(() => bearerAuth({ ...base, dpop: { algorithms: ['HS256'] as never } })).toThrow(
      TypeError,
    );
    expect(() => bearerAuth({ ...base, dpop: { publicUrl: 'https://a.example/?q' } })).toThrow(
      /publicUrl/,
    );
  });
});
