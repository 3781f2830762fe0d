/**
 * DPoP-bound tokens issued by a real authorization server (oidc-provider on 127.0.0.1): client
 * credentials with a proof (JWT via a resource indicator), user tokens as JWTs and as opaque
 * tokens checked through introspection (whose answer carries `cnf` and `token_type: DPoP`).
 * oidc-provider's own `/me` — a resource server that validates DPoP — proves each user fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import {
  bearerAuth,
  introspectionVerifier,
  jwtVerifier,
  MESSAGES,
  type Decision,
} from '../../lib/index.js';
import { CLIENTS, JWT_RESOURCE, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { listen, type Listening } from '../helpers/listen.js';
import { seed } from '../helpers/app.js';
import { makeProof, proofKey, type ProofKey } from '../helpers/dpop.js';
import { dpopClientCredentials, dpopUserToken, providerUserinfo } from '../helpers/dpop-peers.js';

let as: AuthServer;
let api: Listening;
let key: ProofKey;
let otherKey: ProofKey;
const decisions: Decision[] = [];

beforeAll(async () => {
  as = await startAuthServer();
  key = await proofKey('ES256');
  otherKey = await proofKey('ES256');
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [
        jwtVerifier({ discovery: as.issuer, audience: JWT_RESOURCE }),
        introspectionVerifier({
          endpoint: `${as.issuer}/token/introspection`,
          clientId: CLIENTS.resourceServer.clientId,
          clientSecret: CLIENTS.resourceServer.clientSecret,
          audience: JWT_RESOURCE,
        }),
      ],
      directory: async (identity) => ({ name: identity.username ?? identity.subject }),
      dpop: {},
      onDecision: (d) => decisions.push(d),
    }),
  );
  app.get('/api/whoami', (req, res) =>
    res.json({ name: (req.auth?.user as { name: string }).name, binding: req.auth?.binding }),
  );
  api = await listen(app);
});
afterAll(async () => {
  await api.close();
  await as.close();
});

const WHOAMI = '/api/whoami';
const call = async (token: string, k: ProofKey | null, scheme = 'DPoP') => {
  let req = request(api.url).get(WHOAMI).set('Authorization', `${scheme} ${token}`);
  if (k) req = req.set('DPoP', await makeProof({ key: k, url: `${api.url}${WHOAMI}`, token }));
  return req;
};

const introspect = async (token: string) => {
  const res = await fetch(`${as.issuer}/token/introspection`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${CLIENTS.resourceServer.clientId}:${CLIENTS.resourceServer.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }),
  });
  return (await res.json()) as Record<string, unknown>;
};

describe('client credentials with a DPoP proof (JWT access token via a resource indicator)', () => {
  let token: string;
  beforeAll(async () => {
    const issued = await dpopClientCredentials(as, key, { resource: JWT_RESOURCE, scope: 'read' });
    expect(issued.status).toBe(200);
    expect(issued.body.token_type).toBe('DPoP');
    token = issued.body.access_token as string;
  });

  it('the fixture is bound: the JWT carries cnf.jkt = the proof key thumbprint', () => {
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload.cnf).toEqual({ jkt: key.jkt });
    // No /me check: a client-credentials grant has no user, and oidc-provider's userinfo
    // refuses tokens with an audience; the JWT's cnf (above) is the authorization server's word.
  });

  it('accepted with a proof of its key', async () => {
    const res = await call(token, key);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: CLIENTS.reporting.clientId, binding: 'dpop' });
    expect(decisions.at(-1)).toMatchObject({ verifier: 'jwt', binding: 'dpop' });
  });

  it('refused as Bearer, with another key, and without a proof', async () => {
    expect((await call(token, null, 'Bearer')).body).toEqual(seed(MESSAGES.bindingNotProven));
    expect((await call(token, otherKey)).status).toBe(401);
    expect(decisions.at(-1)).toMatchObject({ reason: 'dpop_key_mismatch' });
    expect((await call(token, null)).status).toBe(400);
  });
});

describe('a user token bound to a key: JWT for the API', () => {
  it('accepted with its proof; refused as Bearer', async () => {
    const token = await dpopUserToken(as, key, { accountId: 'user-admin', format: 'jwt' });
    const res = await call(token, key);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'admin', binding: 'dpop' });
    const bearer = await call(token, null, 'Bearer');
    expect(bearer.status).toBe(401);
    expect(decisions.at(-1)).toMatchObject({ reason: 'dpop_bound_token_as_bearer' });
  });
});

describe('a user token bound to a key: opaque, through introspection', () => {
  it('the introspection answer carries cnf.jkt and token_type DPoP', async () => {
    const token = await dpopUserToken(as, key, { accountId: 'user-admin', format: 'opaque' });
    const answer = await introspect(token);
    expect(answer).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
  });

  it('accepted with its proof (introspection verifier); refused as Bearer and with another key', async () => {
    const token = await dpopUserToken(as, key, { accountId: 'user-admin', format: 'opaque' });
    const res = await call(token, key);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'admin', binding: 'dpop' });
    expect(decisions.at(-1)).toMatchObject({ verifier: 'introspection', binding: 'dpop' });
    expect((await call(token, null, 'Bearer')).status).toBe(401);
    expect((await call(token, otherKey)).status).toBe(401);
    expect(decisions.at(-1)).toMatchObject({ reason: 'dpop_key_mismatch' });
  });
});

// oidc-provider's /me serves only tokens without an audience ("token audience prevents accessing
// the userinfo endpoint"), so the API's tokens (aud = the API) cannot be shown to it; the same
// grant construction without the resource is, and /me checks its proof like a resource server.
describe("oidc-provider's /me proves the user fixtures", () => {
  it('a bound user token (no audience: the only kind /me serves) is accepted with its proof only', async () => {
    const token = await dpopUserToken(as, key, { accountId: 'user-admin', resource: false });
    const proven = await providerUserinfo(as, key, token);
    expect(proven.status).toBe(200);
    expect(proven.body).toMatchObject({ sub: 'user-admin' });
    expect((await providerUserinfo(as, otherKey, token)).status).toBe(401);
    const asBearer = await fetch(`${as.issuer}/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asBearer.status).toBe(401);
    // Its introspection answer (what bearer-guard's introspection verifier reads) says the same.
    expect(await introspect(token)).toMatchObject({ token_type: 'DPoP', cnf: { jkt: key.jkt } });
  });
});
