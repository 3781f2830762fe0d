import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Decision } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { listen, type Listening } from '../../spec/helpers/listen.js';
import { createApp } from './server.js';

describe('sample: route-guards', () => {
  const issuer = createTestIssuer();
  const decisions: Decision[] = [];
  let api: Listening;
  let base: string;

  beforeAll(async () => {
    api = await listen(
      createApp({ jwt: issuer.verifierOptions(), onDecision: (d) => decisions.push(d) }),
    );
    base = `${api.url}/api`;
  });
  afterAll(() => api.close());

  it('refuses a delete without the admin scope, naming every scope the route requires', async () => {
    const token = await issuer.tokenWithScopes('issues:read', 'issues:write');
    const res = await fetch(`${base}/issues/SEED-1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="issues:write admin"',
    );
    expect(await res.json()).toEqual({
      error: {
        status: 'ERROR',
        message: 'Insufficient Scope: This request requires the scope(s): issues:write admin.',
      },
    });
    // The token itself was fine: bearerAuth accepted it, then the guard refused the route.
    expect(decisions).toMatchObject([
      { outcome: 'accept', reason: 'accepted', status: 200 },
      { outcome: 'reject', reason: 'insufficient_scope', status: 403 },
    ]);
  });

  it('lets a verified e-mail address see the reports', async () => {
    const token = await issuer.token({ email_verified: true });
    const res = await fetch(`${base}/reports`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ owner: 'test-user', reports: [] });
  });
});
