import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Decision } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { listen, type Listening } from '../../spec/helpers/listen.js';
import { createApp, STAFF } from './server.js';
import { startUserService, type UserService } from './user-service.js';

describe('sample: custom-directory', () => {
  const issuer = createTestIssuer();
  const decisions: Decision[] = [];
  let users: UserService;
  let api: Listening;
  let url: string;
  const get = async (username: string) =>
    fetch(url, {
      headers: { authorization: `Bearer ${await issuer.token({ preferred_username: username })}` },
    });

  beforeAll(async () => {
    users = await startUserService(STAFF);
    const app = createApp({
      jwt: issuer.verifierOptions(),
      userServiceUrl: users.url,
      onDecision: (d) => decisions.push(d),
    });
    api = await listen(app);
    url = `${api.url}/rest/api/2/myself`;
  });
  afterAll(async () => {
    await api.close();
    await users.close();
  });

  it('answers the user from the user service, asking it once for two requests', async () => {
    const first = await get('mchen');
    const second = await get('mchen');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toEqual(STAFF[0]);
    expect(await second.json()).toEqual(STAFF[0]);
    expect(users.lookups()).toBe(1);
  });

  it('answers the pinned 400 for a user the service does not know', async () => {
    const res = await get('nobody');
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    expect(await res.json()).toEqual({
      error: { status: 'ERROR', message: 'No user found with this username/email address' },
    });
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'user_not_found' });
  });
});
