/**
 * bearer-guard/redis: `SharedStore` adapters for the application's own Redis client —
 * `nodeRedisStore(client)` for node-redis (`redis`, v4 and later) and `ioredisStore(client)` for
 * ioredis. Neither package is imported: the adapters type against the few methods they call.
 *
 * Pub/sub blocks the connection that subscribes, so each adapter subscribes on a duplicate of
 * the client (`client.duplicate()`), which it opens, watches (a reconnection is reported so the
 * shared cache drops what it may have missed) and closes on `shared.close()`. The client given
 * stays the application's: connect it before serving and quit it at shutdown.
 */
import type { SharedStore, StoreSubscription, SubscriptionHandlers } from '../shared/store.js';

export type {
  SharedStore,
  StoreSetOptions,
  StoreSubscription,
  SubscriptionHandlers,
} from '../shared/store.js';

type Listener = (...args: unknown[]) => void;

/** The methods `nodeRedisStore` uses of a node-redis client (`createClient()` from `redis`). */
export interface NodeRedisClientLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { PX: number; NX?: true }): Promise<unknown>;
  del(key: string): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  /** A new, unconnected client with the same options: the subscriber. */
  duplicate(): NodeRedisSubscriberLike;
}

/** The methods `nodeRedisStore` uses of its subscriber (a duplicate of the client). */
export interface NodeRedisSubscriberLike {
  connect(): Promise<unknown>;
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => void,
  ): Promise<unknown>;
  on(event: 'ready' | 'end' | 'error' | 'reconnecting', listener: Listener): unknown;
  /** node-redis 5+ (`close`/`destroy`) or 4 (`disconnect`): whichever exists is called. */
  destroy?(): unknown;
  disconnect?(): unknown;
}

/** The methods `ioredisStore` uses of an ioredis client (`new Redis()` from `ioredis`). */
export interface IoRedisClientLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, px: 'PX', ttl: number, nx: 'NX'): Promise<unknown>;
  set(key: string, value: string, px: 'PX', ttl: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  /** A new client with the same options (connecting by itself): the subscriber. */
  duplicate(): IoRedisSubscriberLike;
}

/** The methods `ioredisStore` uses of its subscriber (a duplicate of the client). */
export interface IoRedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close' | 'end' | 'error' | 'reconnecting', listener: Listener): unknown;
  disconnect(): unknown;
}

function asValue(answer: unknown): string | null {
  if (answer === null || typeof answer === 'string') return answer;
  if (answer instanceof Uint8Array) return Buffer.from(answer).toString('utf8');
  throw new TypeError('the store answered garbage');
}

function asWritten(answer: unknown): boolean {
  if (answer === 'OK') return true;
  if (answer === null) return false;
  throw new TypeError('the store answered garbage');
}

function checkTtl(ttlMs: number): number {
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError('ttlMs must be positive');
  return Math.ceil(ttlMs);
}

function checkClient(factory: string, client: unknown, methods: readonly string[]): void {
  if (
    typeof client !== 'object' ||
    client === null ||
    methods.some((m) => typeof (client as Record<string, unknown>)[m] !== 'function')
  ) {
    throw new TypeError(`${factory}: expected a Redis client (with ${methods.join(', ')})`);
  }
}

/**
 * A `SharedStore` on a node-redis client. Connect the client yourself; the adapter opens one more
 * connection (`client.duplicate()`) for the revocation channel. Tip: `createClient({
 * disableOfflineQueue: true })` makes commands fail at once while Redis is away instead of
 * queueing (the shared cache waits `timeoutMs` at most either way).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const shared = sharedCache({ store: nodeRedisStore(client), secret, namespace: 'api' });
 * ```
 */
export function nodeRedisStore(client: NodeRedisClientLike): SharedStore {
  checkClient('nodeRedisStore', client, ['get', 'set', 'del', 'publish', 'duplicate']);
  return {
    async get(key) {
      return asValue(await client.get(key));
    },
    async set(key, value, { ttlMs, ifAbsent }) {
      const ttl = checkTtl(ttlMs);
      return asWritten(
        await client.set(key, value, ifAbsent ? { PX: ttl, NX: true } : { PX: ttl }),
      );
    },
    async delete(key) {
      await client.del(key);
    },
    async publish(channel, message) {
      await client.publish(channel, message);
    },
    async subscribe(
      channel,
      handlers: SubscriptionHandlers,
      signal?: AbortSignal,
    ): Promise<StoreSubscription> {
      const sub = client.duplicate();
      let subscribed = false;
      let closing = false;
      sub.on('error', () => {
        // Reported through 'end'/'reconnecting'; an unhandled 'error' would crash the process.
      });
      sub.on('reconnecting', () => {
        if (subscribed && !closing) handlers.down();
      });
      sub.on('end', () => {
        if (subscribed && !closing) handlers.down();
      });
      // node-redis resubscribes by itself after a reconnection, then is ready again.
      sub.on('ready', () => {
        if (subscribed && !closing) handlers.reset();
      });
      const stop = async () => {
        closing = true;
        try {
          if (typeof sub.destroy === 'function') sub.destroy();
          else await sub.disconnect?.();
        } catch {
          // Already closed.
        }
      };
      signal?.addEventListener('abort', () => void stop(), { once: true });
      try {
        await sub.connect();
        await sub.subscribe(channel, (message) => {
          if (!closing) handlers.message(message);
        });
        signal?.throwIfAborted();
      } catch (cause) {
        await stop();
        throw cause;
      }
      subscribed = true;
      handlers.reset();
      return { close: stop };
    },
  };
}

/**
 * A `SharedStore` on an ioredis client. The adapter opens one more connection
 * (`client.duplicate()`) for the revocation channel; ioredis resubscribes after reconnecting.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client = new Redis(process.env.REDIS_URL);
 * const shared = sharedCache({ store: ioredisStore(client), secret, namespace: 'api' });
 * ```
 */
export function ioredisStore(client: IoRedisClientLike): SharedStore {
  checkClient('ioredisStore', client, ['get', 'set', 'del', 'publish', 'duplicate']);
  return {
    async get(key) {
      return asValue(await client.get(key));
    },
    async set(key, value, { ttlMs, ifAbsent }) {
      const ttl = checkTtl(ttlMs);
      return asWritten(
        ifAbsent
          ? await client.set(key, value, 'PX', ttl, 'NX')
          : await client.set(key, value, 'PX', ttl),
      );
    },
    async delete(key) {
      await client.del(key);
    },
    async publish(channel, message) {
      await client.publish(channel, message);
    },
    async subscribe(
      channel,
      handlers: SubscriptionHandlers,
      signal?: AbortSignal,
    ): Promise<StoreSubscription> {
      const sub = client.duplicate();
      let subscribed = false;
      let closing = false;
      sub.on('error', () => {
        // Reported through 'close'; an unhandled 'error' would crash the process.
      });
      sub.on('message', (ch: string, message: string) => {
        if (ch === channel && !closing) handlers.message(message);
      });
      sub.on('close', () => {
        if (subscribed && !closing) handlers.down();
      });
      // ioredis resubscribes by itself (autoResubscribe) when it is ready again.
      sub.on('ready', () => {
        if (subscribed && !closing) handlers.reset();
      });
      const stop = async () => {
        closing = true;
        sub.disconnect();
      };
      signal?.addEventListener('abort', () => void stop(), { once: true });
      try {
        await sub.subscribe(channel);
        signal?.throwIfAborted();
      } catch (cause) {
        await stop();
        throw cause;
      }
      subscribed = true;
      handlers.reset();
      return { close: stop };
    },
  };
}
