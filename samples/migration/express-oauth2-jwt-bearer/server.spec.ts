import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { bearerAuth, jwtVerifier } from '../../../lib/index.js';
import { createTestIssuer, type ServedJwks } from '../../../lib/testing/index.js';
import { listen, type Listening } from '../../../spec/helpers/listen.js';
import { CASES, call, strictTokensFor, tokensFor, type CaseName } from '../compare.js';
import { createApp } from './server.js';

/** The status both sides answer on a scope-protected route, case by case. */
const STATUS: Record<CaseName, number> = {
  valid: 200,
  expired: 401,
  'wrong audience': 401,
  'wrong issuer': 401,
  tampered: 401,
  'missing scope': 403,
  'no token': 401,
};

describe('migration sample: express-oauth2-jwt-bearer → bearer-guard', () => {
  const issuer = createTestIssuer();
  let served: ServedJwks;
  let api: Listening;
  let tokens: Record<CaseName, string | undefined>;
  const both = async (path: string, token?: string) => ({
    before: await call(`${api.url}/before${path}`, token),
    after: await call(`${api.url}/after${path}`, token),
  });

  beforeAll(async () => {
    // The discovery document on 127.0.0.1 names its own URL as the issuer, over plain http:
    // express-oauth2-jwt-bearer allows that outside NODE_ENV=production, bearer-guard on loopback.
    served = await issuer.serveJwks({ asIssuer: true });
    const audience = issuer.audience as string;
    api = await listen(createApp({ issuerBaseURL: served.url, audience }));
    tokens = await tokensFor(issuer);
  });
  afterAll(async () => {
    await api.close();
    await served.close();
  });

  it('both read the issuer and its keys from the same discovery document', async () => {
    await both('/issues', tokens.valid);
    expect(served.requests['/.well-known/openid-configuration']).toBeGreaterThanOrEqual(2);
    expect(served.requests['/jwks.json']).toBeGreaterThanOrEqual(2);
  });

  it.each(CASES)('%s: both accept or both refuse, with the same status', async (name) => {
    const { before, after } = await both('/issues', tokens[name]);
    expect(before.status).toBe(STATUS[name]);
    expect(after.status).toBe(STATUS[name]);
    if (STATUS[name] === 200) expect(after.body).toEqual(before.body);
  });

  it('finds the same caller: req.auth.payload.sub before, req.auth.claims.sub after', async () => {
    const { before, after } = await both('/me', tokens.valid);
    expect(before.body).toEqual({ subject: 'test-user' });
    expect(after.body).toEqual(before.body);
  });

  it('requiredScopes and requireScopes: the same 403 challenge naming the scope', async () => {
    const { before, after } = await both('/issues', tokens['missing scope']);
    for (const answer of [before, after]) {
      expect(answer.challenge).toMatch(
        /^Bearer realm="api", error="insufficient_scope", error_description="[^"]*", scope="issues:read"$/,
      );
    }
  });

  it.each([
    ['claimEquals → requireClaims({ tenant })', '/billing', { tenant: 'acme' }, { tenant: 'x' }],
    ['claimIncludes → requireClaims({ roles })', '/admin', { roles: ['admin'] }, { roles: ['x'] }],
    ['claimCheck → requireClaims(fn)', '/reports', { email_verified: true }, {}],
  ])('%s: the same tokens pass', async (_name, path, good, bad) => {
    const ok = await both(path, await issuer.token(good));
    expect([ok.before.status, ok.after.status]).toEqual([200, 200]);
    // Differs on purpose: a valid token that lacks a claim is 403 insufficient_scope, not 401.
    const refused = await both(path, await issuer.token(bad));
    expect(refused.before.status).toBe(401);
    expect(refused.before.challenge).toContain('error="invalid_token"');
    expect(refused.after.status).toBe(403);
    expect(refused.after.challenge).toContain('error="insufficient_scope"');
  });

  it('differs on purpose: a space-separated string claim is not a list for requireClaims', async () => {
    const token = await issuer.token({ roles: 'user admin' });
    const { before, after } = await both('/admin', token);
    expect(before.status).toBe(200);
    expect(after.status).toBe(403);
  });

  it('differs on purpose: DPoP is announced only when configured, details stay private', async () => {
    const { before, after } = await both('/issues', tokens['wrong audience']);
    expect(before.challenge).toContain('DPoP algs=');
    expect(before.body).toEqual({
      error: 'invalid_token',
      error_description: "Unexpected 'aud' value",
    });
    expect(after.challenge).toBe(
      'Bearer realm="api", error="invalid_token", error_description="Token Invalid: Error while validating the token."',
    );
  });

  it('differs on purpose: authRequired: false lets a bad token through, optional: true refuses it', async () => {
    const audience = issuer.audience as string;
    const discovery = served.url;
    const app = express();
    const answer = (req: express.Request, res: express.Response) => {
      res.json({ authenticated: req.auth !== undefined });
    };
    app.get('/before', auth({ issuerBaseURL: discovery, audience, authRequired: false }), answer);
    const verifiers = [jwtVerifier({ discovery, issuer: discovery, audience })];
    app.get('/after', bearerAuth({ verifiers, directory: () => ({}), optional: true }), answer);
    const optional = await listen(app);
    try {
      for (const side of ['before', 'after']) {
        const anonymous = await call(`${optional.url}/${side}`);
        expect([anonymous.status, anonymous.body]).toEqual([200, { authenticated: false }]);
        const valid = await call(`${optional.url}/${side}`, tokens.valid);
        expect([valid.status, valid.body]).toEqual([200, { authenticated: true }]);
      }
      const before = await call(`${optional.url}/before`, tokens.expired);
      expect([before.status, before.body]).toEqual([200, { authenticated: false }]);
      const after = await call(`${optional.url}/after`, tokens.expired);
      expect(after.status).toBe(401);
    } finally {
      await optional.close();
    }
  });

  it('differs on purpose: an ID token is not a bearer access token', async () => {
    const strict = await strictTokensFor(issuer);
    // A bound token sent as Bearer: both refuse it (DPoP is on by default in the peer).
    const bound = await both('/issues', strict['bound to a key (cnf.jkt)']);
    expect([bound.before.status, bound.after.status]).toEqual([401, 401]);
    // An ID token: the peer checks `typ` only with `strict: true`.
    const idToken = await both('/issues', strict['an ID token (typ id_token+jwt)']);
    expect([idToken.before.status, idToken.after.status]).toEqual([200, 401]);
  });
});
