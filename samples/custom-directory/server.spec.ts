import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Decision } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { createApp, STAFF } from './server.js';
import { startUserService, type UserService } from './user-service.js';

describe('sample: custom-directory', () => {
  const issuer = createTestIssuer();
  const decisions: Decision[] = [];
  let users: UserService;
  let server: Server;
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
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rest/api/2/myself`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
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
