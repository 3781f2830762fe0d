/**
 * Real Redis for the shared-cache specs: clients of both libraries on 127.0.0.1:6379, a unique
 * namespace per run, and a clean-up of every key the run wrote.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A namespace no other run uses. */
export function uniqueNamespace(label: string): string {
  return `test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export type NodeRedisClient = Awaited<ReturnType<typeof nodeRedisClient>>;

export async function nodeRedisClient(url = REDIS_URL) {
  const client = createClient({ url, socket: { reconnectStrategy: 50 } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export function ioredisClient(url = REDIS_URL): Redis {
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}

/** Deletes every key starting with `prefix`. */
export async function deleteKeys(client: NodeRedisClient, prefix: string): Promise<void> {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    const list = keys as unknown as string[];
    if (list.length > 0) await client.del(list);
  }
}
