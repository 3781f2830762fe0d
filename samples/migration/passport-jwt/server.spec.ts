import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '../../../lib/testing/index.js';
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

describe('migration sample: passport-jwt → bearer-guard', () => {
  const issuer = createTestIssuer();
  let api: Listening;
  let tokens: Record<CaseName, string | undefined>;
  const both = async (path: string, token?: string) => ({
    before: await call(`${api.url}/before${path}`, token),
    after: await call(`${api.url}/after${path}`, token),
  });

  beforeAll(async () => {
    const audience = issuer.audience as string;
    api = await listen(
      createApp({ issuer: issuer.issuer, audience, publicKey: issuer.publicKeyPem }),
    );
    tokens = await tokensFor(issuer);
  });
  afterAll(() => api.close());

  it.each(CASES)('%s: both accept or both refuse, with the same status', async (name) => {
    const { before, after } = await both('/issues', tokens[name]);
    expect(before.status).toBe(STATUS[name]);
    expect(after.status).toBe(STATUS[name]);
    if (STATUS[name] === 200) expect(after.body).toEqual(before.body);
  });

  it('finds the same user: req.user before, req.auth.user after', async () => {
    const { before, after } = await both('/me', tokens.valid);
    // passport-jwt's user carries the scopes its verify callback copied for the scope check.
    expect(before.body).toEqual({ id: 'test-user', name: 'Test User', scopes: ['issues:read'] });
    expect(after.body).toEqual({ id: 'test-user', name: 'Test User' });
  });

  it('refuses a valid token of an unknown user on both sides', async () => {
    const token = await issuer.token({ sub: 'nobody', scope: 'issues:read' });
    const { before, after } = await both('/issues', token);
    expect(before.status).toBe(401);
    expect(after.status).toBe(401);
    expect(after.body).toEqual({
      error: 'invalid_token',
      error_description: 'No user found with this username/email address',
    });
  });

  it('differs on purpose: JSON bodies and RFC 6750 challenges instead of a bare 401', async () => {
    for (const name of CASES.filter((c) => STATUS[c] === 401)) {
      const { before, after } = await both('/issues', tokens[name]);
      expect(before.body).toBe('Unauthorized');
      expect(before.challenge).toBeNull();
      expect(after.contentType).toMatch(/^application\/json/);
      expect(after.challenge).toMatch(/^Bearer realm="api"/);
    }
  });

  it('differs on purpose: a bound token or an ID token is not a bearer access token', async () => {
    for (const [name, token] of Object.entries(await strictTokensFor(issuer))) {
      const before = await call(`${api.url}/before/issues`, token);
      const after = await call(`${api.url}/after/issues`, token);
      expect([name, before.status, after.status]).toEqual([name, 200, 401]);
    }
  });
});
