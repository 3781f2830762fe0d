import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startJsonServer, type JsonServer } from '../../spec/helpers/json-server.js';
import {
  deleteKeys,
  nodeRedisClient,
  uniqueNamespace,
  type NodeRedisClient,
} from '../../spec/shared/redis-helpers.js';
import { createInstance, type Instance } from './server.js';

// Two instances, one real Redis (127.0.0.1:6379), one introspection stand-in counting calls.
describe('shared-cache sample', () => {
  let upstream: JsonServer;
  let redis: NodeRedisClient;
  const namespace = uniqueNamespace('sample');
  const instances: Instance[] = [];
  const secret = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    upstream = await startJsonServer((req) => {
      const token = new URLSearchParams(req.body).get('token') ?? '';
      const now = Math.floor(Date.now() / 1000);
      return {
        json: token.startsWith('op-')
          ? {
              active: true,
              iss: 'https://id.example.com',
              aud: 'https://api.example.com',
              sub: 'user-admin',
              username: 'admin',
              scope: 'read',
              token_type: 'Bearer',
              iat: now - 1,
              exp: now + 600,
            }
          : { active: false },
      };
    });
    redis = await nodeRedisClient();
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.shared.close()));
    await deleteKeys(redis, `bg:v1:${namespace}:`);
    await redis.quit();
    await upstream.close();
  });

  const start = async () => {
    const instance = createInstance({
      redis,
      secret,
      namespace,
      introspection: {
        endpoint: `${upstream.url}/introspect`,
        clientId: 'api',
        clientSecret: 'api-secret',
        audience: 'https://api.example.com',
      },
    });
    instances.push(instance);
    while (instance.shared.status().revocationBus !== 'live') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return instance;
  };
  const myself = (i: Instance, token: string) =>
    request(i.app).get('/rest/api/2/myself').set('Authorization', `Bearer ${token}`);

  it('introspects once for both instances, and logs out everywhere', async () => {
    const [one, two] = [await start(), await start()];
    const token = `op-${randomBytes(16).toString('base64url')}`;
    await myself(one, token).expect(200);
    // The shared entry is written off the response path: wait until it is in Redis.
    for (let i = 0; i < 400; i++) {
      const { keys } = await redis.scan('0', { MATCH: `bg:v1:${namespace}:c:*`, COUNT: 1000 });
      if (keys.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await myself(two, token).expect(200);
    expect(upstream.count()).toBe(1);

    await request(two.app)
      .post('/rest/api/logout')
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    await myself(two, token).expect(401);
    let status = 200;
    for (let i = 0; i < 200 && status === 200; i++) {
      status = (await myself(one, token)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(status).toBe(401);
    const later = await start();
    await myself(later, token).expect(401);
  });
});
