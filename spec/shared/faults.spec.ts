/**
 * A store that is killed, black-holed or answering errors is a cache miss: every request is
 * still answered correctly (verified upstream), never accepted unverified. Only the DPoP replay
 * store fails closed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  MESSAGES,
  sharedCache,
  type SharedCache,
  type SharedCacheStatus,
} from '../../lib/index.js';
import { ioredisStore, nodeRedisStore } from '../../lib/redis/index.js';
import { getMyself, seed } from '../helpers/app.js';
import { USERS } from '../helpers/users.js';
import { blackHole, errorServer, startRedis, type FaultServer } from './fault-servers.js';
import {
  eventually,
  instance,
  live,
  opaqueToken,
  SECRET,
  startUpstream,
  type Upstream,
} from './fixture.js';
import { nodeRedisClient, uniqueNamespace } from './redis-helpers.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(() => upstream.close());

const ADMIN = USERS[0];
const inactive = seed(MESSAGES.expiredOrInvalidClient);

/** A client that waits for a server that may never answer (ioredis queues commands meanwhile). */
function patientClient(port: number, readyCheck = true): Redis {
  const client = new Redis(port, '127.0.0.1', {
    enableReadyCheck: readyCheck,
    maxRetriesPerRequest: null,
    retryStrategy: () => 50,
  });
  client.on('error', () => undefined);
  return client;
}

/** Requests on a sick store: valid tokens accepted (upstream), inactive ones refused, never unverified. */
async function stillCorrect(shared: SharedCache, app: Parameters<typeof getMyself>[0]) {
  for (let i = 0; i < 6; i++) {
    const good = opaqueToken();
    const before = upstream.calls();
    await getMyself(app, good).expect(200, ADMIN);
    expect(upstream.calls()).toBe(before + 1);
    const bad = opaqueToken();
    upstream.inactive.add(bad);
    await getMyself(app, bad).expect(401, inactive);
  }
  expect(shared.status().store).toBe('down');
}

describe('a sick store is a cache miss', () => {
  it('Redis killed mid-run: requests are verified upstream; the bus goes stale and says so', async () => {
    const redis = await startRedis();
    const client = await nodeRedisClient(redis.url);
    const statuses: SharedCacheStatus[] = [];
    const a = instance(upstream, {
      store: nodeRedisStore(client),
      namespace: uniqueNamespace('killed'),
      onStatusChange: (s) => statuses.push(s),
    });
    try {
      await live(a.shared);
      const warm = opaqueToken();
      await getMyself(a.app, warm).expect(200, ADMIN);
      await redis.kill();
      await eventually(() => a.shared.status().revocationBus === 'stale');
      await getMyself(a.app, warm).expect(200, ADMIN);
      await stillCorrect(a.shared, a.app);
      expect(
        statuses.some((s) => s.revocationBus === 'stale' && typeof s.staleSince === 'number'),
      ).toBe(true);
      await expect(a.shared.revoke(warm)).rejects.toThrow();
      // Revoked here anyway: this instance refuses it.
      await getMyself(a.app, warm).expect(401, inactive);
    } finally {
      await a.shared.close();
      client.destroy();
      await redis.kill();
    }
  });

  it('Redis black-holed (accepts, never answers): answered within the timeout, upstream', async () => {
    const hole: FaultServer = await blackHole();
    const client = patientClient(hole.port);
    const a = instance(upstream, {
      store: ioredisStore(client),
      namespace: uniqueNamespace('hole'),
      timeoutMs: 50,
    });
    try {
      expect(a.shared.status().revocationBus).toBe('stale');
      await stillCorrect(a.shared, a.app);
      await expect(a.shared.replayStore().claim('proof-1', 1000)).rejects.toThrow();
    } finally {
      await a.shared.close();
      client.disconnect();
      await hole.close();
    }
  });

  it('Redis answering errors: answered correctly, upstream', async () => {
    const broken = await errorServer();
    const client = patientClient(broken.port, false);
    const a = instance(upstream, {
      store: ioredisStore(client),
      namespace: uniqueNamespace('err'),
    });
    try {
      await stillCorrect(a.shared, a.app);
      await expect(a.shared.replayStore().claim('proof-1', 1000)).rejects.toThrow();
    } finally {
      await a.shared.close();
      client.disconnect();
      await broken.close();
    }
  });

  it('a store answering garbage is a miss', async () => {
    const client = await nodeRedisClient();
    const real = nodeRedisStore(client);
    const garbage = [42, { kind: 'accept' }, ['v1.'], 'v1.!!!!', true];
    let i = 0;
    const store = {
      ...real,
      get: async () => garbage[i++ % garbage.length] as unknown as string,
      set: async () => 'OK' as unknown as boolean,
    };
    const a = instance(upstream, { store, namespace: uniqueNamespace('garbage') });
    try {
      await live(a.shared);
      for (let n = 0; n < 5; n++) {
        const bad = opaqueToken();
        upstream.inactive.add(bad);
        await getMyself(a.app, bad).expect(401, inactive);
        await getMyself(a.app, opaqueToken()).expect(200, ADMIN);
      }
      await expect(a.shared.replayStore().claim('proof-1', 1000)).rejects.toThrow();
    } finally {
      await a.shared.close();
      await client.quit();
    }
  });
});

describe('replayStore', () => {
  it('1 000 concurrent claims of one key across two clients: exactly one is first', async () => {
    const namespace = uniqueNamespace('replay');
    const nodeClient = await nodeRedisClient();
    const ioClient = new Redis('redis://127.0.0.1:6379');
    const one = sharedCache({
      store: nodeRedisStore(nodeClient),
      secret: SECRET,
      namespace,
      timeoutMs: 5000,
    });
    const two = sharedCache({
      store: ioredisStore(ioClient),
      secret: SECRET,
      namespace,
      timeoutMs: 5000,
    });
    try {
      const stores = [one.replayStore(), two.replayStore()];
      const key = `jkt:${Math.random()}`;
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => stores[i % 2]!.claim(key, 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await stores[0]!.claim(`${key}:other`, 60_000)).toBe(true);
      await expect(stores[0]!.claim('', 1000)).rejects.toThrow(TypeError);
      await expect(stores[0]!.claim('k', 0)).rejects.toThrow(TypeError);
      for await (const keys of nodeClient.scanIterator({ MATCH: `bg:v1:${namespace}:*` })) {
        const list = keys as unknown as string[];
        expect(list.every((k) => !k.includes(key))).toBe(true);
        if (list.length) await nodeClient.del(list);
      }
    } finally {
      await Promise.all([one.close(), two.close()]);
      await Promise.all([nodeClient.quit(), ioClient.quit()]);
    }
  });
});
