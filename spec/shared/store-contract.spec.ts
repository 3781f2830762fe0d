/**
 * One contract, three stores: memoryStore, nodeRedisStore (node-redis on a real Redis) and
 * ioredisStore (ioredis on the same Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { memoryStore, type SharedStore } from '../../lib/index.js';
import { ioredisStore, nodeRedisStore } from '../../lib/redis/index.js';
import {
  deleteKeys,
  ioredisClient,
  nodeRedisClient,
  uniqueNamespace,
  type NodeRedisClient,
} from './redis-helpers.js';

const prefix = `bg:v1:${uniqueNamespace('contract')}:`;
let admin: NodeRedisClient;
let nodeClient: NodeRedisClient;
let ioClient: Redis;

beforeAll(async () => {
  admin = await nodeRedisClient();
  nodeClient = await nodeRedisClient();
  ioClient = ioredisClient();
});

afterAll(async () => {
  await deleteKeys(admin, prefix);
  await Promise.all([admin.quit(), nodeClient.quit(), ioClient.quit()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function waitFor<T>(list: T[], count: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (list.length >= count ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

const stores: Array<[string, () => SharedStore]> = [
  ['memoryStore', () => memoryStore()],
  ['nodeRedisStore', () => nodeRedisStore(nodeClient)],
  ['ioredisStore', () => ioredisStore(ioClient)],
];

describe.each(stores)('%s', (label, make) => {
  let n = 0;
  const key = () => `${prefix}${label}:${++n}`;

  it('answers null for a key that holds nothing', async () => {
    expect(await make().get(key())).toBeNull();
  });

  it('reads back what it wrote', async () => {
    const store = make();
    const k = key();
    expect(await store.set(k, 'v1.value', { ttlMs: 10_000 })).toBe(true);
    expect(await store.get(k)).toBe('v1.value');
    expect(await store.set(k, 'second', { ttlMs: 10_000 })).toBe(true);
    expect(await store.get(k)).toBe('second');
  });

  it('writes only-if-absent once', async () => {
    const store = make();
    const k = key();
    expect(await store.set(k, 'first', { ttlMs: 10_000, ifAbsent: true })).toBe(true);
    expect(await store.set(k, 'second', { ttlMs: 10_000, ifAbsent: true })).toBe(false);
    expect(await store.get(k)).toBe('first');
  });

  it('drops an entry after its lifetime', async () => {
    const store = make();
    const k = key();
    await store.set(k, 'short', { ttlMs: 30 });
    await sleep(120);
    expect(await store.get(k)).toBeNull();
    expect(await store.set(k, 'again', { ttlMs: 10_000, ifAbsent: true })).toBe(true);
  });

  it('deletes, and deleting nothing is fine', async () => {
    const store = make();
    const k = key();
    await store.set(k, 'x', { ttlMs: 10_000 });
    await store.delete(k);
    expect(await store.get(k)).toBeNull();
    await expect(store.delete(k)).resolves.toBeUndefined();
  });

  it('refuses a lifetime that is not positive', async () => {
    await expect(make().set(key(), 'x', { ttlMs: 0 })).rejects.toThrow(RangeError);
  });

  it('subscribes (reset first), delivers messages, and stops at close', async () => {
    const store = make();
    const channel = key();
    const messages: string[] = [];
    let resets = 0;
    const sub = await store.subscribe(channel, {
      message: (m) => messages.push(m),
      reset: () => resets++,
      down: () => undefined,
    });
    expect(resets).toBe(1);
    await store.publish(channel, 'one');
    await store.publish(`${channel}:other`, 'elsewhere');
    await store.publish(channel, 'two');
    await waitFor(messages, 2);
    expect(messages).toEqual(['one', 'two']);
    await sub.close();
    await store.publish(channel, 'three');
    await sleep(50);
    expect(messages).toEqual(['one', 'two']);
  });
});
