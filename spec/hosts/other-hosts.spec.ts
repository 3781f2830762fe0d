/**
 * bearerAuth writes its answers with Node's own response API only, so it runs under hosts that
 * are not Express: connect, and Fastify through @fastify/middie.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import middie from '@fastify/middie';
import connect from 'connect';
import Fastify, { type FastifyInstance } from 'fastify';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerAuth, memoryDirectory, type Verifier } from '../../lib/index.js';
import { USERS } from '../helpers/users.js';

const fixed: Verifier = {
  name: 'fixed',
  async verify(token) {
    return token === 'good-token'
      ? {
          kind: 'accept',
          identity: {
            subject: 'u1',
            username: 'admin',
            scopes: ['read'],
            claims: { sub: 'u1' },
            serviceAccount: false,
            verifier: 'fixed',
          },
        }
      : { kind: 'pass', reason: 'token_unrecognized' };
  },
};
const auth = () => bearerAuth({ verifiers: [fixed], directory: memoryDirectory(USERS) });
type AuthedMessage = IncomingMessage & { auth?: { user: { name: string } } };

async function expectAnswers(base: string) {
  const missing = await fetch(`${base}/me`);
  expect(missing.status).toBe(401);
  expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(await missing.json()).toEqual({
    error: {
      status: 'ERROR',
      message: 'Token Missing: A bearer token is required to access this resource.',
    },
  });
  const invalid = await fetch(`${base}/me`, { headers: { authorization: 'Bearer bad-token' } });
  expect(invalid.status).toBe(400);
  expect(invalid.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
  const ok = await fetch(`${base}/me`, { headers: { authorization: 'Bearer good-token' } });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ name: 'admin' });
}

describe('connect', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = connect();
    app.use(auth() as unknown as connect.NextHandleFunction);
    app.use('/me', (req: AuthedMessage, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: req.auth?.user.name }));
    });
    server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers refusals and lets accepted requests through', async () => {
    await expectAnswers(base);
  });
});

describe('Fastify with @fastify/middie', () => {
  let fastify: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    fastify = Fastify();
    await fastify.register(middie);
    fastify.use(auth() as never);
    fastify.get('/me', async (request) => ({
      name: (request.raw as AuthedMessage).auth?.user.name,
    }));
    base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => fastify.close());

  it('answers refusals (never a 500) and lets accepted requests through', async () => {
    await expectAnswers(base);
  });
});
