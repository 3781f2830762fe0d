/**
 * express-oauth2-jwt-bearer (which has DPoP support) as a differential oracle: the same proofs
 * against the same token, sent to an API protected by each, are accepted and refused alike.
 * The documented differences: bearer-guard refuses a replayed proof (express-oauth2-jwt-bearer
 * keeps no replay state and accepts it again) and a `jti` longer than 256 characters.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import express, { type ErrorRequestHandler } from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import request from 'supertest';
import { bearerAuth, jwtVerifier, memoryDirectory } from '../../lib/index.js';
import { testKey } from '../helpers/keys.js';
import { listen, type Listening } from '../helpers/listen.js';
import { AUDIENCE, ISSUER, mintJwt, nowSeconds } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';
import { makeProof, proofKey, unsignedProof, type ProofKey } from '../helpers/dpop.js';

let server: Listening;
let key: ProofKey;
let otherKey: ProofKey;
let keys: Record<'ES256' | 'EdDSA' | 'RS256' | 'PS256', ProofKey>;
let bound: string;
let unbound: string;

const ROUTES = { 'bearer-guard': '/bg/resource', 'express-oauth2-jwt-bearer': '/a0/resource' };
type Library = keyof typeof ROUTES;

beforeAll(async () => {
  key = await proofKey('ES256');
  otherKey = await proofKey('ES256');
  keys = {
    ES256: key,
    EdDSA: await proofKey('EdDSA'),
    RS256: await proofKey('RS256'),
    PS256: await proofKey('PS256'),
  };
  bound = await mintJwt({ claims: { cnf: { jkt: key.jkt } } });
  unbound = await mintJwt();

  const app = express();
  app.use(
    '/bg',
    bearerAuth({
      verifiers: [
        jwtVerifier({
          publicKey: testKey('RS256').publicPem,
          issuer: ISSUER,
          audience: AUDIENCE,
        }),
      ],
      directory: memoryDirectory(USERS),
      dpop: { algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'] },
    }),
  );
  app.use(
    '/a0',
    auth({
      issuer: ISSUER,
      publicKey: testKey('RS256').publicPem,
      audience: AUDIENCE,
      tokenSigningAlg: 'RS256',
      dpop: { enabled: true, iatOffset: 120, iatLeeway: 5 },
    }),
  );
  app.all(['/bg/resource', '/a0/resource'], (_req, res) => res.json({ ok: true }));
  const onError: ErrorRequestHandler = (err: { status?: number }, _req, res, _next) => {
    res.status(err.status ?? 500).json({ refused: true });
  };
  app.use(onError);
  server = await listen(app);
});
afterAll(() => server.close());

interface Attempt {
  method?: string;
  scheme?: string;
  token: string;
  proofs: string[];
}
type Build = (url: string) => Promise<Attempt>;

async function send(library: Library, build: Build): Promise<number> {
  const url = `${server.url}${ROUTES[library]}`;
  const attempt = await build(url);
  const method = (attempt.method ?? 'GET').toLowerCase() as 'get' | 'post';
  const agent = request(server.url);
  let req = (method === 'post' ? agent.post(ROUTES[library]) : agent.get(ROUTES[library])).set(
    'Authorization',
    `${attempt.scheme ?? 'DPoP'} ${attempt.token}`,
  );
  if (attempt.proofs.length === 1) req = req.set('DPoP', attempt.proofs[0] as string);
  if (attempt.proofs.length > 1) req = req.set('DPoP', attempt.proofs as unknown as string);
  return (await req).status;
}

const proof =
  (over: Parameters<typeof makeProof>[0] extends infer P ? Partial<P> : never) => (url: string) =>
    makeProof({ key, url, token: bound, ...over });

const valid: Array<[string, Build]> = [
  ['ES256 proof', async (url) => ({ token: bound, proofs: [await proof({})(url)] })],
  ...(['EdDSA', 'RS256', 'PS256'] as const).map((alg): [string, Build] => [
    `${alg} proof of a token bound to that key`,
    async (url) => {
      const k = keys[alg];
      const token = await mintJwt({ claims: { cnf: { jkt: k.jkt } } });
      return { token, proofs: [await makeProof({ key: k, url, token })] };
    },
  ]),
  [
    'POST with a POST proof',
    async (url) => ({
      method: 'POST',
      token: bound,
      proofs: [await proof({ method: 'POST' })(url)],
    }),
  ],
  [
    'htu with a query and a fragment',
    async (url) => ({ token: bound, proofs: [await proof({})(`${url}?q=1#f`)] }),
  ],
  [
    'htu with an upper-case scheme and host',
    async (url) => ({
      token: bound,
      proofs: [await proof({})(url.replace('http://127.0.0.1', 'HTTP://127.0.0.1'))],
    }),
  ],
  [
    'iat 100 s ago',
    async (url) => ({ token: bound, proofs: [await proof({ iat: nowSeconds() - 100 })(url)] }),
  ],
  [
    'the scheme in lower case',
    async (url) => ({ scheme: 'dpop', token: bound, proofs: [await proof({})(url)] }),
  ],
];

const invalid: Array<[string, Build]> = [
  [
    'proof for another method',
    async (url) => ({ token: bound, proofs: [await proof({ method: 'POST' })(url)] }),
  ],
  [
    'proof for another path',
    async (url) => ({ token: bound, proofs: [await proof({})(`${url}/other`)] }),
  ],
  [
    'proof for another port',
    async (url) => ({ token: bound, proofs: [await proof({})(url.replace(/:(\d+)/, ':1'))] }),
  ],
  [
    'proof for another token (ath)',
    async (url) => ({ token: bound, proofs: [await proof({ token: unbound })(url)] }),
  ],
  [
    'proof without ath',
    async (url) => ({ token: bound, proofs: [await proof({ token: null })(url)] }),
  ],
  [
    'signed by another key',
    async (url) => ({
      token: bound,
      proofs: [await proof({ signWith: otherKey.privateKey })(url)],
    }),
  ],
  [
    'a private jwk',
    async (url) => ({
      token: bound,
      proofs: [await proof({ header: { jwk: key.privateKey.export({ format: 'jwk' }) } })(url)],
    }),
  ],
  [
    'alg none',
    async (url) => ({ token: bound, proofs: [unsignedProof({ key, url, token: bound })] }),
  ],
  [
    'HS256',
    async (url) => ({
      token: bound,
      proofs: [await proof({ alg: 'HS256', signWith: randomBytes(32) })(url)],
    }),
  ],
  [
    'typ missing',
    async (url) => ({ token: bound, proofs: [await proof({ header: { typ: undefined } })(url)] }),
  ],
  [
    'typ JWT',
    async (url) => ({ token: bound, proofs: [await proof({ header: { typ: 'JWT' } })(url)] }),
  ],
  [
    'iat too old',
    async (url) => ({ token: bound, proofs: [await proof({ iat: nowSeconds() - 600 })(url)] }),
  ],
  [
    'iat too far ahead',
    async (url) => ({ token: bound, proofs: [await proof({ iat: nowSeconds() + 600 })(url)] }),
  ],
  ['jti missing', async (url) => ({ token: bound, proofs: [await proof({ jti: null })(url)] })],
  [
    'two DPoP headers',
    async (url) => ({ token: bound, proofs: [await proof({})(url), await proof({})(url)] }),
  ],
  [
    'a DPoP header with the Bearer scheme',
    async (url) => ({ scheme: 'Bearer', token: bound, proofs: [await proof({})(url)] }),
  ],
  ['the DPoP scheme without a DPoP header', async () => ({ token: bound, proofs: [] })],
  [
    'a DPoP-bound token sent as Bearer',
    async () => ({ scheme: 'Bearer', token: bound, proofs: [] }),
  ],
  [
    'an unbound token with a proof',
    async (url) => ({ token: unbound, proofs: [await makeProof({ key, url, token: unbound })] }),
  ],
  [
    'a proof by a key other than cnf.jkt',
    async (url) => ({
      token: bound,
      proofs: [await makeProof({ key: otherKey, url, token: bound })],
    }),
  ],
];

describe('the same valid set', () => {
  it.each(valid)('%s: both accept', async (_name, build) => {
    expect(await send('bearer-guard', build)).toBe(200);
    expect(await send('express-oauth2-jwt-bearer', build)).toBe(200);
  });
});

describe('the same invalid set', () => {
  it.each(invalid)('%s: both refuse', async (_name, build) => {
    const ours = await send('bearer-guard', build);
    const theirs = await send('express-oauth2-jwt-bearer', build);
    expect([ours, theirs].map((s) => s >= 400 && s < 500)).toEqual([true, true]);
  });
});

describe('documented differences', () => {
  it('a replayed proof: express-oauth2-jwt-bearer accepts it again, bearer-guard refuses', async () => {
    for (const library of Object.keys(ROUTES) as Library[]) {
      const fixed = await proof({})(`${server.url}${ROUTES[library]}`);
      const build: Build = async () => ({ token: bound, proofs: [fixed] });
      expect(await send(library, build)).toBe(200);
      expect(await send(library, build)).toBe(library === 'bearer-guard' ? 401 : 200);
    }
  });

  it('a jti of 10 KB: express-oauth2-jwt-bearer accepts it, bearer-guard bounds jti at 256', async () => {
    const build: Build = async (url) => ({
      token: bound,
      proofs: [await proof({ jti: 'j'.repeat(10_240) })(url)],
    });
    expect(await send('bearer-guard', build)).toBe(401);
    expect(await send('express-oauth2-jwt-bearer', build)).toBe(200);
  });
});
