import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Decision } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { listen, type Listening } from '../../spec/helpers/listen.js';
import { createApp, PEOPLE } from './server.js';

describe('sample: whole-api', () => {
  const issuer = createTestIssuer({ claims: { preferred_username: 'jdoe' } });
  const decisions: Decision[] = [];
  let api: Listening;

  beforeAll(async () => {
    api = await listen(
      createApp({ jwt: issuer.verifierOptions(), onDecision: (d) => decisions.push(d) }),
    );
  });
  afterAll(() => api.close());

  it('answers /myself for a valid token', async () => {
    const res = await fetch(`${api.url}/rest/api/2/myself`, {
      headers: { authorization: `Bearer ${await issuer.token()}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(PEOPLE[1]);
    expect(decisions).toMatchObject([{ outcome: 'accept', reason: 'accepted', verifier: 'jwt' }]);
  });
});
