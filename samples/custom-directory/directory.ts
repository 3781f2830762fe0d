/**
 * A user-lookup hook backed by an HTTP user service, with its own lru-cache: found users are kept
 * for a minute, unknown names for ten seconds, and concurrent lookups of one name share one
 * request (lru-cache's `fetchMethod`). A service that fails throws, and bearerAuth answers 503
 * instead of pretending the user does not exist.
 */
import { LRUCache } from 'lru-cache';
import type { Identity, UserDirectory } from '../../lib/index.js';

export interface HttpUserDirectoryOptions {
  /** Base URL of the user service; users are at `<baseUrl>/users/<name>`. */
  baseUrl: string;
  /** How long a found user is kept, in milliseconds. Default 60 000. */
  ttlMs?: number;
  /** How long "no such user" is kept, in milliseconds. Default 10 000. */
  missTtlMs?: number;
  /** Most names kept. Default 1000. */
  max?: number;
}

/** Wrapped, because lru-cache does not store `null`. */
interface Entry {
  user: object | null;
}

export function httpUserDirectory(options: HttpUserDirectoryOptions): UserDirectory {
  const missTtlMs = options.missTtlMs ?? 10_000;
  const cache = new LRUCache<string, Entry>({
    max: options.max ?? 1000,
    ttl: options.ttlMs ?? 60_000,
    fetchMethod: async (name, _stale, { signal, options: entry }) => {
      const res = await fetch(`${options.baseUrl}/users/${encodeURIComponent(name)}`, { signal });
      if (res.status === 404) {
        entry.ttl = missTtlMs;
        return { user: null };
      }
      if (!res.ok) throw new Error(`user service answered ${res.status}`);
      return { user: (await res.json()) as object };
    },
  });
  return {
    async find(identity: Identity) {
      const name = identity.username ?? identity.email;
      if (!name) return null;
      return (await cache.fetch(name.toLowerCase()))?.user ?? null;
    },
  };
}
