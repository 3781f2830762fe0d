import { afterAll, beforeAll, describe, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { bearerAuth, jwtVerifier, memoryDirectory, requireScopes } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

// The application under test: its own routes, protected by bearer-guard.
function createApp(verifierOptions: Parameters<typeof jwtVerifier>[0]) {
  const app = express();
  const users = [{ name: 'alice', emailAddress: 'alice@example.com' }];
  app.use(
    '/api',
    bearerAuth({ verifiers: [jwtVerifier(verifierOptions)], directory: memoryDirectory(users) }),
  );
  app.get('/api/me', (req, res) => res.json(req.auth?.user));
  app.delete('/api/items/:id', requireScopes('write'), (_req, res) => res.status(204).end());
  return app;
}

describe('my API', () => {
  const issuer = createTestIssuer({
    audience: 'https://api.example.com',
    claims: { sub: 'u-1', preferred_username: 'alice' },
  });
  let jwks: Awaited<ReturnType<typeof issuer.serveJwks>>;
  let app: express.Express;

  beforeAll(async () => {
    jwks = await issuer.serveJwks(); // or: createApp(issuer.verifierOptions()), no server at all
    app = createApp({ jwksUri: jwks.jwksUri, issuer: issuer.issuer, audience: issuer.audience });
  });
  afterAll(() => jwks.close());

  const get = (token: string) =>
    request(app).get('/api/me').set('Authorization', `Bearer ${token}`);

  it('answers the signed-in user', async () => {
    await get(await issuer.token()).expect(200, {
      name: 'alice',
      emailAddress: 'alice@example.com',
    });
  });

  it('refuses an expired token', async () => {
    await get(await issuer.expiredToken()).expect(401, {
      error: { status: 'ERROR', message: 'Token Expired: The token provided is expired.' },
    });
  });

  it('refuses a token for another audience', async () => {
    await get(await issuer.wrongAudienceToken()).expect(400, {
      error: { status: 'ERROR', message: 'Token Invalid: Error while validating the token.' },
    });
  });

  it('refuses a tampered token', async () => {
    await get(await issuer.tamperedToken()).expect(400);
  });

  it('needs the write scope to delete', async () => {
    await request(app)
      .delete('/api/items/7')
      .set('Authorization', `Bearer ${await issuer.tokenWithScopes('read')}`)
      .expect(403)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="insufficient_scope", scope="write"');
    await request(app)
      .delete('/api/items/7')
      .set('Authorization', `Bearer ${await issuer.tokenWithScopes('write')}`)
      .expect(204);
  });
});
