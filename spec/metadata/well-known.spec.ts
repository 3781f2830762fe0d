/**
 * RFC 9728 end to end: `auth.wellKnown` serves the document where RFC 9728 §3.1 puts it, a real
 * client (oauth4webapi's resource discovery) accepts it for a resource with a path and without,
 * every challenge points at it, and no `Host` header changes any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import connect from 'connect';
import express, { type Express } from 'express';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import {
  bearerAuth,
  jwtVerifier,
  memoryDirectory,
  requireScopes,
  type BearerAuthOptions,
} from '../../lib/index.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const key = testKey('RS256');
const jwt = () => jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE });

/** Listens first, so the resource identifier can name the real port. */
async function serve(
  build: (origin: string) => Express,
): Promise<{ origin: string; app: Express; close(): Promise<void> }> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = build(origin);
  server.on('request', app);
  return {
    origin,
    app,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function appWith(options: Partial<BearerAuthOptions>): Express {
  const auth = bearerAuth({ verifiers: [jwt()], directory: memoryDirectory(USERS), ...options });
  const app = express();
  app.use(auth.wellKnown);
  app.use('/rest/api', auth);
  app.get('/rest/api/2/myself', (req, res) => res.json(req.auth?.user));
  app.delete('/rest/api/2/issue/:id', requireScopes('admin'), (_req, res) => res.status(204).end());
  app.use((_req, res) => res.status(404).json({ notFound: true }));
  return app;
}

describe.each([
  ['with a path', '/rest/api', '/.well-known/oauth-protected-resource/rest/api'],
  ['without a path', '', '/.well-known/oauth-protected-resource'],
])('a resource %s', (_name, path, wellKnown) => {
  let served: Awaited<ReturnType<typeof serve>>;
  let resource: string;
  beforeAll(async () => {
    served = await serve((origin) => {
      resource = `${origin}${path}`;
      return appWith({
        resourceMetadata: {
          resource,
          resourceName: 'Issues API',
          scopesSupported: ['read', 'write'],
        },
      });
    });
  });
  afterAll(() => served.close());

  it("is discovered by oauth4webapi's resourceDiscoveryRequest", async () => {
    const url = new URL(resource);
    const response = await oauth.resourceDiscoveryRequest(url, {
      [oauth.allowInsecureRequests]: true,
    });
    expect(new URL(response.url).pathname).toBe(wellKnown);
    const metadata = await oauth.processResourceDiscoveryResponse(url, response);
    expect(metadata).toEqual({
      resource,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
      resource_name: 'Issues API',
      scopes_supported: ['read', 'write'],
    });
  });

  it('answers JSON with caching headers, and HEAD without a body', async () => {
    const get = await request(served.app).get(wellKnown).expect(200);
    expect(get.headers['content-type']).toBe('application/json');
    expect(get.headers['cache-control']).toBe('public, max-age=3600');
    const head = await request(served.app).head(wellKnown).expect(200);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.text ?? '').toBe('');
  });

  it('leaves other paths and methods to the application', async () => {
    await request(served.app).get(`${wellKnown}/`).expect(404);
    await request(served.app).get(`${wellKnown}x`).expect(404);
    await request(served.app).post(wellKnown).expect(404);
    await request(served.app).get('/.well-known/oauth-authorization-server').expect(404);
  });

  it('puts resource_metadata on every challenge: 401 without a token, 400, 403', async () => {
    const metadataUrl = `${new URL(resource).origin}${wellKnown}`;
    const attribute = `resource_metadata="${metadataUrl}"`;
    const none = await request(served.app).get('/rest/api/2/myself').expect(401);
    expect(none.headers['www-authenticate']).toContain(attribute);
    const bad = await request(served.app)
      .get('/rest/api/2/myself')
      .set('Authorization', 'Bearer not.a.jwt')
      .expect(400);
    expect(bad.headers['www-authenticate']).toContain(attribute);
    const malformed = await request(served.app)
      .get('/rest/api/2/myself')
      .set('Authorization', 'Bearer a b')
      .expect(400);
    expect(malformed.headers['www-authenticate']).toContain(attribute);
    const scope = await request(served.app)
      .delete('/rest/api/2/issue/1')
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(403);
    expect(scope.headers['www-authenticate']).toContain(attribute);
  });

  it('never takes the resource from Host or X-Forwarded-Host', async () => {
    const forged = await request(served.app)
      .get(wellKnown)
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https')
      .expect(200);
    expect(forged.body.resource).toBe(resource);
    expect(forged.text).not.toContain('evil');
    const challenge = await request(served.app)
      .get('/rest/api/2/myself')
      .set('Host', 'evil.example')
      .expect(401);
    expect(challenge.headers['www-authenticate']).toContain(
      `resource_metadata="${new URL(resource).origin}${wellKnown}"`,
    );
    expect(challenge.headers['www-authenticate']).not.toContain('evil');
  });
});

describe('derived members', () => {
  it('follows tokenLocations and mtls; features that are off are absent', async () => {
    const app = appWith({
      tokenLocations: ['header', 'body'],
      mtls: { certificate: 'socket' },
      resourceMetadata: { resource: 'https://api.example.com' },
    });
    const { body } = await request(app).get('/.well-known/oauth-protected-resource').expect(200);
    expect(body).toEqual({
      resource: 'https://api.example.com',
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header', 'body'],
      tls_client_certificate_bound_access_tokens: true,
    });
  });

  describe('authorization_servers from discovery', () => {
    let issuer: JsonServer;
    let up = true;
    beforeAll(async () => {
      issuer = await startJsonServer((req) => {
        if (!up) return { status: 503 };
        if (req.path === '/.well-known/openid-configuration') {
          return { json: { issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` } };
        }
        return { json: { keys: [key.publicJwk] } };
      });
    });
    afterAll(() => issuer.close());

    it('is the discovered issuer, verbatim; 503 while it cannot be learned, then served', async () => {
      up = false;
      const auth = bearerAuth({
        verifiers: [
          jwtVerifier({ discovery: issuer.url, audience: AUDIENCE, retryAfterSeconds: 0 }),
        ],
        directory: memoryDirectory(USERS),
        retryAfterSeconds: 7,
        resourceMetadata: { resource: 'https://api.example.com/v2' },
      });
      const app = express().use(auth.wellKnown);
      const path = '/.well-known/oauth-protected-resource/v2';
      const down = await request(app).get(path).expect(503);
      expect(down.headers['retry-after']).toBe('7');
      up = true;
      const { body } = await request(app).get(path).expect(200);
      expect(body.authorization_servers).toEqual([issuer.url]);
    });
  });
});

describe('auth.wellKnown without resourceMetadata', () => {
  it('is a handler that only calls next()', async () => {
    const app = appWith({});
    await request(app).get('/.well-known/oauth-protected-resource').expect(404);
    const none = await request(app).get('/rest/api/2/myself').expect(401);
    expect(none.headers['www-authenticate']).not.toContain('resource_metadata');
  });
});

describe('auth.wellKnown on connect (Node response API only)', () => {
  it('serves the document and passes other requests on', async () => {
    const auth = bearerAuth({
      verifiers: [jwt()],
      directory: memoryDirectory(USERS),
      resourceMetadata: { resource: 'https://api.example.com/v1' },
    });
    const app = connect();
    app.use(auth.wellKnown as unknown as connect.NextHandleFunction);
    app.use((_req: unknown, res: import('node:http').ServerResponse) => {
      res.statusCode = 404;
      res.end('next');
    });
    const server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/.well-known/oauth-protected-resource/v1?x=1`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/json');
      expect(await ok.json()).toEqual({
        resource: 'https://api.example.com/v1',
        authorization_servers: [ISSUER],
        bearer_methods_supported: ['header'],
      });
      const other = await fetch(`${base}/.well-known/oauth-protected-resource`);
      expect(other.status).toBe(404);
      expect(await other.text()).toBe('next');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
