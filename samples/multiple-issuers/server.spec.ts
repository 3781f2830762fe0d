import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Decision } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { listen, type Listening } from '../../spec/helpers/listen.js';
import { ACCOUNTS, createApp } from './server.js';

describe('sample: multiple-issuers', () => {
  const workforce = createTestIssuer({ issuer: 'https://login.example.com' });
  const partners = createTestIssuer({ issuer: 'https://partners.example.net', alg: 'ES256' });
  const decisions: Decision[] = [];
  let api: Listening;
  let url: string;
  const call = (token: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    const app = createApp({
      workforce: workforce.verifierOptions(),
      partners: partners.verifierOptions(),
      onDecision: (d) => decisions.push(d),
    });
    api = await listen(app);
    url = `${api.url}/rest/api/2/myself`;
  });
  afterAll(() => api.close());

  it('accepts a partner token after the workforce verifier passes it on', async () => {
    const res = await call(
      await partners.token({
        preferred_username: undefined,
        email: 'dev@acme.example',
        email_verified: true,
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...ACCOUNTS[1], signedInVia: 'partners' });
    expect(decisions.at(-1)).toMatchObject({ outcome: 'accept', verifier: 'partners' });
  });

  it("refuses a partner token whose e-mail the partner's IdP has not verified", async () => {
    const res = await call(
      await partners.token({
        preferred_username: undefined,
        email: 'dev@acme.example',
        email_verified: false,
      }),
    );
    expect(res.status).toBe(400);
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'user_not_found' });
  });

  it('answers 400 for a token of an issuer nobody handles, after every verifier passed', async () => {
    const stranger = createTestIssuer({ issuer: 'https://elsewhere.example.org' });
    const res = await call(await stranger.token());
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    expect(await res.json()).toEqual({
      error: { status: 'ERROR', message: 'Token Invalid: Error while validating the token.' },
    });
    expect(decisions.at(-1)).toMatchObject({
      outcome: 'reject',
      reason: 'issuer_mismatch',
      cause: [
        { verifier: 'workforce', reason: 'issuer_mismatch' },
        { verifier: 'partners', reason: 'issuer_mismatch' },
      ],
    });
  });
});
