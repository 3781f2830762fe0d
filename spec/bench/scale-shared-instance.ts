/**
 * One API instance of the scale-out benchmark (a forked process): introspection verifier, with
 * or without a shared cache on Redis, behind bearerAuth; commands arrive over IPC.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import {
  bearerAuth,
  introspectionVerifier,
  memoryDirectory,
  sharedCache,
  type Identity,
  type SharedCache,
} from '../../lib/index.js';
import { nodeRedisStore } from '../../lib/redis/index.js';
import { USERS } from '../helpers/users.js';

const [introspectUrl, redisUrl, namespace, secret] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const withShared = redisUrl !== 'none';

async function main() {
  let shared: SharedCache | undefined;
  let client: ReturnType<typeof createClient> | undefined;
  if (withShared) {
    client = createClient({
      url: redisUrl,
      socket: { reconnectStrategy: 100 },
      disableOfflineQueue: true,
    });
    client.on('error', () => undefined);
    await client.connect();
    shared = sharedCache({ store: nodeRedisStore(client), secret, namespace });
  }
  const verifier = introspectionVerifier({
    endpoint: introspectUrl,
    clientId: 'api',
    clientSecret: 'api-secret',
    audience: 'https://api.example.com',
    // The machine may be busy: upstream timeouts would turn into 503s and retries.
    timeoutMs: 20_000,
    cache: shared ? { shared } : {},
  });
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [verifier],
      directory: memoryDirectory(USERS),
      ...(shared ? { revocation: shared } : {}),
    }),
  );
  app.get('/api/myself', (req, res) =>
    res.json({ name: (req.auth?.user as { name?: string }).name }),
  );
  const server = app.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  // The driver keeps its connections; a busy machine must not see them closed under it.
  server.keepAliveTimeout = 120_000;
  // The benchmark ended (or died): so does this instance.
  process.on('disconnect', () => process.exit(0));
  const identity = (): Identity => ({
    subject: 'user-admin',
    issuer: 'https://id.example.com',
    scopes: [],
    claims: { iat: 1 },
    serviceAccount: false,
    verifier: 'introspection',
  });
  process.on('message', async (msg: { id: number; cmd: string; token?: string }): Promise<void> => {
    const reply = (body: Record<string, unknown>): void => {
      process.send?.({ id: msg.id, ...body });
    };
    try {
      switch (msg.cmd) {
        case 'revoke':
          await shared?.revoke(msg.token as string);
          return reply({ ok: true });
        case 'watch': {
          // Polls this process's own revocation state until the token is refused.
          const token = msg.token as string;
          const poll = (): void => {
            const answer = shared?.check(token, identity());
            if (answer === 'token_revoked')
              reply({ at: performance.timeOrigin + performance.now() });
            else setTimeout(poll, 0.2);
          };
          reply({ watching: true });
          poll();
          return undefined;
        }
        case 'claim':
          try {
            await shared?.replayStore().claim(`bench-${Math.random()}`, 10_000);
            return reply({ ok: true });
          } catch {
            return reply({ ok: false });
          }
        case 'status':
          return reply({ status: shared?.status() });
        case 'stop':
          await shared?.close();
          client?.destroy();
          server.close();
          reply({ ok: true });
          return process.exit(0);
      }
    } catch (error) {
      reply({ error: String(error) });
    }
  });
}
void main();
