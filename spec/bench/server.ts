/**
 * One benchmark server: bare Express or bearer-guard in one configuration, chosen by argv[2].
 * Listens on 127.0.0.1 port 0 (TLS for `bare-tls` and `mtls`) and sends `{ port }` to the
 * parent. Every variant answers GET /rest/api/2/myself with the caller's directory entry as JSON.
 * Asked `{ cmd: 'sample' }` over IPC, it answers its own CPU time and the requests it has been
 * handed so far, so that the parent computes CPU µs per request inside the server.
 *
 *   node --import tsx spec/bench/server.ts <variant>   (BENCH_FIXTURE, BENCH_UPSTREAM set)
 */
import express, { type RequestHandler } from 'express';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import * as bearerGuard from '../../lib/index.js';
import { bearerAuth, jwtVerifier, memoryDirectory, type Verifier } from '../../lib/index.js';
import {
  AUDIENCE,
  CLIENT_ID,
  CLIENT_SECRET,
  ISSUER,
  SERVICE_CLIENT,
  readFixture,
  upstreamUrl,
  type BenchAlg,
} from './fixture.js';
import { answerSamples } from './sample.js';
import { L2_POOL } from './variants.js';

type Factory = (options: Record<string, unknown>) => unknown;

const lib = bearerGuard as unknown as Record<string, unknown>;
const fixture = readFixture();
const upstream = upstreamUrl();

function optionalFactory(name: string): Factory {
  const factory = lib[name];
  if (typeof factory !== 'function') throw new Error(`${name} is not exported`);
  return factory as Factory;
}

const byKey = (alg: BenchAlg, extra: Record<string, unknown> = {}) =>
  jwtVerifier({
    publicKey: fixture.keys[alg].publicPem,
    issuer: ISSUER,
    audience: AUDIENCE,
    ...extra,
  });
const introspection = () =>
  optionalFactory('introspectionVerifier')({
    endpoint: `${upstream}/introspect`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    audience: AUDIENCE,
  }) as Verifier;

function fullChain(): Verifier[] {
  const jwt = byKey('RS256');
  const clientCredentials = optionalFactory('clientCredentialsVerifier')({
    via: jwt,
    serviceAccounts: { [SERVICE_CLIENT]: 'svc-reports' },
  }) as Verifier;
  return [clientCredentials, jwt, introspection()];
}

/** A shared cache on the local Redis, in a namespace of this process's own. */
async function sharedCacheOnRedis(): Promise<unknown> {
  // A variable specifier: the adapters may not exist on this branch (the row is then skipped).
  const adapters = '../../lib/redis/index.js';
  const { nodeRedisStore } = (await import(adapters)) as {
    nodeRedisStore: (client: unknown) => unknown;
  };
  const client = createClient({ url: 'redis://127.0.0.1:6379' });
  await client.connect();
  return optionalFactory('sharedCache')({
    store: nodeRedisStore(client),
    secret: 'bench-shared-cache-secret-of-32-bytes-at-least',
    namespace: `bench-${process.pid}-${Date.now().toString(36)}`,
  });
}

const CHAINS: Record<string, () => Verifier[] | Promise<Verifier[]>> = {
  'jwt-root': () => [byKey('RS256')],
  'jwt-mount': () => [byKey('RS256')],
  'rs256-key': () => [byKey('RS256')],
  'first-sight': () => [byKey('RS256')],
  'trust-checks': () => [
    byKey('RS256', { typ: 'at+jwt', maxTokenAge: 7200, scopeClaims: ['permissions'] }),
  ],
  introspection: () => [introspection()],
  'introspection-cold': () => [introspection()],
  provider: () => [
    optionalFactory('oauthProviderVerifier')({
      provider: 'custom',
      userinfoEndpoint: `${upstream}/userinfo`,
      usernameField: 'preferred_username',
    }) as Verifier,
  ],
  chain: fullChain,
  dpop: () => [byKey('RS256')],
  mtls: () => [byKey('RS256')],
  'mtls-forwarded': () => [byKey('RS256')],
  'shared-l1': async () => [byKey('RS256', { cache: { shared: await sharedCacheOnRedis() } })],
  'shared-l2': async () => [
    byKey('RS256', { cache: { shared: await sharedCacheOnRedis(), max: L2_POOL / 4 } }),
  ],
};

/** bearerAuth options beyond the chain, per variant. */
const EXTRA: Record<string, Record<string, unknown>> = {
  // The replay store holds every proof for its window (125 s): room for a whole group pass.
  dpop: { dpop: { replay: { max: 2_000_000 } } },
  mtls: { mtls: { certificate: 'socket' } },
  // As a certificate forwarded by a proxy arrives: parsed and hashed on every request.
  'mtls-forwarded': { mtls: { certificate: () => fixture.mtls?.clientCert } },
};

const variant = process.argv[2] ?? 'bare';
const tls = variant === 'bare-tls' || variant === 'mtls';
const app = express();
const [firstUser] = fixture.users;

if (variant === 'bare' || variant === 'bare-tls' || variant === 'noop') {
  // noop: the floor of any middleware, an async function mounted like bearerAuth doing nothing.
  if (variant === 'noop') app.use('/rest/api', async (_req, _res, next) => next());
  app.get('/rest/api/2/myself', (_req, res) => {
    res.json(firstUser);
  });
} else {
  const chain = CHAINS[variant];
  if (!chain) throw new Error(`unknown variant "${variant}"`);
  const auth: RequestHandler = bearerAuth({
    verifiers: await chain(),
    directory: memoryDirectory(fixture.users),
    ...EXTRA[variant],
  });
  if (variant === 'jwt-root') app.use(auth);
  else app.use('/rest/api', auth);
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user);
  });
}

let server: Server;
if (tls) {
  const mtls = fixture.mtls;
  if (!mtls) throw new Error('no certificates in the fixture (is openssl installed?)');
  server = createHttpsServer(
    {
      key: mtls.serverKey,
      cert: mtls.serverCert,
      requestCert: true,
      rejectUnauthorized: true,
      ca: mtls.clientCert,
    },
    app,
  );
} else server = createHttpServer(app);

answerSamples(server);

/** The L2 row: every token of its pool verified once, so the store holds them all. */
async function primeSharedStore(port: number): Promise<void> {
  const tokens = fixture.freshPool.slice(0, L2_POOL);
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const token = tokens[next++] as string;
      const answer = await fetch(`http://127.0.0.1:${port}/rest/api/2/myself`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await answer.arrayBuffer();
      if (answer.status !== 200) throw new Error(`priming the shared cache: ${answer.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  const ready = variant === 'shared-l2' ? primeSharedStore(port) : Promise.resolve();
  ready.then(
    () => process.send?.({ port, tls }),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
