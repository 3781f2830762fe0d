import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer, type ServedJwks } from '../../../lib/testing/index.js';
import { fileURLToPath } from 'node:url';
import {
  CASES,
  call,
  startSample,
  strictTokensFor,
  tokensFor,
  type CaseName,
  type RunningSample,
} from '../compare.js';

// jwks-rsa cannot load in Jest's module runtime: the sample runs in a Node process of its own.
const SAMPLE = fileURLToPath(new URL('./server.ts', import.meta.url));

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

describe('migration sample: express-jwt → bearer-guard', () => {
  const issuer = createTestIssuer();
  let served: ServedJwks;
  let api: RunningSample;
  let tokens: Record<CaseName, string | undefined>;

  beforeAll(async () => {
    served = await issuer.serveJwks();
    const audience = issuer.audience as string;
    api = await startSample(SAMPLE, { issuer: issuer.issuer, audience, jwksUri: served.jwksUri });
    tokens = await tokensFor(issuer);
  });
  afterAll(async () => {
    await api.close();
    await served.close();
  });

  it.each(CASES)('%s: both accept or both refuse, with the same status', async (name) => {
    const before = await call(`${api.url}/before/issues`, tokens[name]);
    const after = await call(`${api.url}/after/issues`, tokens[name]);
    expect(before.status).toBe(STATUS[name]);
    expect(after.status).toBe(STATUS[name]);
    if (STATUS[name] === 200) expect(after.body).toEqual(before.body);
  });

  it('finds the same caller: req.auth.sub before, req.auth.claims.sub after', async () => {
    const before = await call(`${api.url}/before/me`, tokens.valid);
    const after = await call(`${api.url}/after/me`, tokens.valid);
    expect(before.body).toEqual({ subject: 'test-user' });
    expect(after.body).toEqual(before.body);
  });

  it('differs on purpose: bearer-guard sends an RFC 6750 challenge with every refusal', async () => {
    for (const name of CASES.filter((c) => STATUS[c] !== 200)) {
      const before = await call(`${api.url}/before/issues`, tokens[name]);
      const after = await call(`${api.url}/after/issues`, tokens[name]);
      expect(before.challenge).toBeNull();
      expect(after.challenge).toMatch(/^Bearer realm="api"/);
    }
    const scope = await call(`${api.url}/after/issues`, tokens['missing scope']);
    expect(scope.challenge).toContain('error="insufficient_scope"');
    expect(scope.challenge).toContain('scope="issues:read"');
  });

  it('differs on purpose: bearer-guard never tells a client what it expected', async () => {
    const before = await call(`${api.url}/before/issues`, tokens['wrong audience']);
    const after = await call(`${api.url}/after/issues`, tokens['wrong audience']);
    expect(before.body).toEqual({
      error: 'invalid_token',
      error_description: `jwt audience invalid. expected: ${issuer.audience as string}`,
    });
    expect(after.body).toEqual({
      error: 'invalid_token',
      error_description: 'Token Invalid: Error while validating the token.',
    });
  });

  it('differs on purpose: no token is credentials_required before, a bare challenge after', async () => {
    const before = await call(`${api.url}/before/issues`);
    const after = await call(`${api.url}/after/issues`);
    expect(before.body).toEqual({
      error: 'credentials_required',
      error_description: 'No authorization token was found',
    });
    // RFC 6750 §3.1: a request without credentials gets no error code.
    expect(after.challenge).toBe('Bearer realm="api"');
    expect(after.body).toEqual({
      error_description: 'Token Missing: A bearer token is required to access this resource.',
    });
  });

  it('differs on purpose: a bound token or an ID token is not a bearer access token', async () => {
    for (const [name, token] of Object.entries(await strictTokensFor(issuer))) {
      const before = await call(`${api.url}/before/issues`, token);
      const after = await call(`${api.url}/after/issues`, token);
      expect([name, before.status, after.status]).toEqual([name, 200, 401]);
    }
  });
});
