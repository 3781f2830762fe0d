/**
 * Sample: two instances of one API sharing a cache and a revocation list on Redis. A token is
 * introspected once for both instances; `POST /rest/api/logout` on either instance logs the
 * user out everywhere (`revokeSubject`): every token of theirs issued before now is refused by
 * both instances at once, and by any instance started later.
 *
 * Run it: REDIS_URL=redis://127.0.0.1:6379 INTROSPECTION_URL=… CLIENT_ID=… CLIENT_SECRET=… \
 *   SHARED_SECRET=<32+ bytes> npx tsx samples/shared-cache/server.ts   (ports 3001 and 3002)
 */
import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import {
  bearerAuth,
  introspectionVerifier,
  memoryDirectory,
  sharedCache,
  type SharedCache,
} from '../../lib/index.js';
import { nodeRedisStore } from '../../lib/redis/index.js';
import { USERS } from '../jira-api/users.js';

export interface InstanceOptions {
  /** A connected node-redis client (the application's). */
  redis: Parameters<typeof nodeRedisStore>[0];
  /** Every instance holds the same secret (≥ 32 bytes): it names and seals what is stored. */
  secret: string;
  namespace: string;
  introspection: { endpoint: string; clientId: string; clientSecret: string; audience: string };
}

export interface Instance {
  app: Express;
  shared: SharedCache;
}

/** One instance of the API. */
export function createInstance(options: InstanceOptions): Instance {
  const shared = sharedCache({
    store: nodeRedisStore(options.redis),
    secret: options.secret,
    namespace: options.namespace,
  });
  const auth = bearerAuth({
    verifiers: [introspectionVerifier({ ...options.introspection, cache: { shared } })],
    directory: memoryDirectory(USERS),
    revocation: shared,
  });
  const app = express();
  app.use('/rest/api', auth);
  app.get('/rest/api/2/myself', (req, res) => res.json(req.auth?.user));
  // "Log out everywhere": every token of this user issued until now is refused on every instance.
  app.post('/rest/api/logout', async (req, res, next) => {
    const identity = req.auth?.identity;
    if (!identity) {
      res.status(401).end();
      return;
    }
    try {
      await shared.revokeSubject({ issuer: identity.issuer ?? '', subject: identity.subject });
      res.status(204).end();
    } catch (error) {
      // The store could not be told: say so, the user is not logged out everywhere.
      next(error);
    }
  });
  return { app, shared };
}

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const redis = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  redis.on('error', (error: Error) => console.error('redis:', error.message));
  await redis.connect();
  for (const port of [3001, 3002]) {
    const { app } = createInstance({
      redis,
      secret: env('SHARED_SECRET'),
      namespace: 'shared-cache-sample',
      introspection: {
        endpoint: env('INTROSPECTION_URL'),
        clientId: env('CLIENT_ID'),
        clientSecret: env('CLIENT_SECRET'),
        audience: process.env.AUDIENCE ?? 'https://api.example.com',
      },
    });
    app.listen(port, () => console.log(`instance on http://localhost:${port}/rest/api/2/myself`));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
