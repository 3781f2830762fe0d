/**
 * The DPoP replay store on Redis: a proof used on one instance is refused on another (two API
 * instances, each with its own connection to one real Redis), which a per-instance store would
 * miss. The cache and replay diagnostics channels report what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bearerAuth,
  jwtVerifier,
  memoryDirectory,
  sharedCache,
  type SharedCache,
} from '../../lib/index.js';
import { nodeRedisStore } from '../../lib/redis/index.js';
import { createTestIssuer, type TestIssuer } from '../../lib/testing/index.js';
import { makeProof, proofKey, type ProofKey } from '../helpers/dpop.js';
import { USERS } from '../helpers/users.js';
import {
  deleteKeys,
  nodeRedisClient,
  uniqueNamespace,
  type NodeRedisClient,
} from './redis-helpers.js';
import { SECRET } from './fixture.js';

const namespace = uniqueNamespace('dpop');
let issuer: TestIssuer;
let key: ProofKey;
let admin: NodeRedisClient;
const clients: NodeRedisClient[] = [];
const caches: SharedCache[] = [];
const servers: Server[] = [];
const urls: string[] = [];

async function startInstance(): Promise<string> {
  const client = await nodeRedisClient();
  clients.push(client);
  const shared = sharedCache({ store: nodeRedisStore(client), secret: SECRET, namespace });
  caches.push(shared);
  const app = express();
  app.use(
    bearerAuth({
      verifiers: [jwtVerifier({ ...issuer.verifierOptions(), cache: { shared } })],
      directory: memoryDirectory(USERS),
      dpop: { replay: shared.replayStore() },
      revocation: shared,
    }),
  );
  app.get('/me', (req, res) => res.json({ binding: req.auth?.binding }));
  const server = createServer(app).listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  key = await proofKey('ES256');
  admin = await nodeRedisClient();
  urls.push(await startInstance(), await startInstance());
});

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  for (const shared of caches) await shared.close();
  await deleteKeys(admin, `bg:v1:${namespace}:`);
  for (const client of [...clients, admin]) await client.quit();
});

const call = (url: string, token: string, proof: string) =>
  fetch(`${url}/me`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });

describe('DPoP replay store on Redis', () => {
  it('a proof accepted by one instance is refused as a replay by the other', async () => {
    const token = await issuer.token({
      sub: 'user-1',
      preferred_username: 'admin',
      cnf: { jkt: key.jkt },
    });
    const [a, b] = urls as [string, string];
    // The instances listen on different ports, so the replay at B is the same key and the same
    // jti signed for B's URL: what an attacker holding the key's proofs would send.
    const jti = `jti-${Date.now()}`;
    const proofA = await makeProof({ key, url: `${a}/me`, token, jti });
    const proofB = await makeProof({ key, url: `${b}/me`, token, jti });
    const first = await call(a, token, proofA);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ binding: 'dpop' });
    const replayedElsewhere = await call(b, token, proofB);
    expect(replayedElsewhere.status).toBe(401);
    expect(replayedElsewhere.headers.get('www-authenticate')).toContain(
      'error="invalid_dpop_proof"',
    );
    expect((await call(a, token, proofA)).status).toBe(401);
  });

  it('publishes replay claims and cache lookups on the diagnostics channels', async () => {
    const replays: unknown[] = [];
    const lookups: unknown[] = [];
    const onReplay = (m: unknown) => replays.push(m);
    const onLookup = (m: unknown) => lookups.push(m);
    subscribe('bearer-guard:replay', onReplay);
    subscribe('bearer-guard:cache', onLookup);
    try {
      const token = await issuer.token({
        sub: 'user-1',
        preferred_username: 'admin',
        cnf: { jkt: key.jkt },
        jti: 'a-token-never-seen',
      });
      const [a] = urls as [string];
      const proof = await makeProof({ key, url: `${a}/me`, token });
      expect((await call(a, token, proof)).status).toBe(200);
      expect((await call(a, token, proof)).status).toBe(401);
    } finally {
      unsubscribe('bearer-guard:replay', onReplay);
      unsubscribe('bearer-guard:cache', onLookup);
    }
    expect(replays).toMatchObject([
      { outcome: 'first', durationMs: expect.any(Number) },
      { outcome: 'replay', durationMs: expect.any(Number) },
    ]);
    expect(lookups).toEqual(
      expect.arrayContaining([
        { cache: 'jwt', hit: false, level: 'memory' },
        { cache: 'jwt', hit: false, level: 'shared' },
        { cache: 'jwt', hit: true, level: 'memory' },
      ]),
    );
    expect(JSON.stringify([replays, lookups])).not.toMatch(/eyJ/);
  });
});
