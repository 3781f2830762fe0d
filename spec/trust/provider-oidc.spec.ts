/**
 * The `oidc` preset against a real oidc-provider: JWTs are RFC 9068 access tokens or nothing, the
 * audience is a decision written out, and a userinfo profile grants no scope.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import {
  bearerAuth,
  memoryDirectory,
  MESSAGES,
  oauthProviderVerifier,
  requireScopes,
  type OAuthProviderOptions,
} from '../../lib/index.js';
import { buildApp, getMyself as get, seed } from '../helpers/app.js';
import { CLIENTS, JWT_RESOURCE, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { USERS } from '../helpers/users.js';

describe('oidc preset: token type confusion', () => {
  let as: AuthServer;
  beforeAll(async () => {
    as = await startAuthServer();
  });
  afterAll(() => as.close());

  async function idToken(): Promise<string> {
    const client = await as.provider.Client.find(CLIENTS.webApp.clientId);
    if (!client) throw new Error('web-app client missing');
    const token = new as.provider.IdToken(
      { sub: 'user-admin', preferred_username: 'admin', email: 'admin@gmail.com' },
      { client },
    );
    (token as unknown as { scope: string }).scope = 'openid profile email';
    return token.issue({ use: 'idtoken' });
  }

  async function logoutToken(): Promise<string> {
    const client = await as.provider.Client.find(CLIENTS.webApp.clientId);
    if (!client) throw new Error('web-app client missing');
    const token = new as.provider.IdToken({ sub: 'user-admin' }, { client });
    token.set('sub', 'user-admin');
    token.set('jti', 'logout-1');
    token.set('events', { 'http://schemas.openid.net/event/backchannel-logout': {} });
    return token.issue({ use: 'logout' });
  }

  it('throws when configured with only an issuer (expectedAudience is required)', () => {
    expect(() =>
      oauthProviderVerifier({ provider: 'oidc', issuer: as.issuer } as OAuthProviderOptions),
    ).toThrow(/the "oidc" preset requires the "expectedAudience" option/);
  });

  it.each<[string, string | false]>([
    ['any audience', false],
    ['the client id as audience', CLIENTS.webApp.clientId],
  ])('refuses a real ID token as an access token (400), with %s', async (_label, audience) => {
    const { app, decisions } = buildApp({
      verifiers: [
        oauthProviderVerifier({ provider: 'oidc', issuer: as.issuer, expectedAudience: audience }),
      ],
    });
    await get(app, await idToken())
      .expect(400)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
      .expect(seed(MESSAGES.tokenInvalid));
    expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'typ_mismatch' });
  });

  it('refuses a real logout token (typ logout+jwt) as an access token (400)', async () => {
    const { app, decisions } = buildApp({
      verifiers: [
        oauthProviderVerifier({ provider: 'oidc', issuer: as.issuer, expectedAudience: false }),
      ],
    });
    await get(app, await logoutToken()).expect(400, seed(MESSAGES.tokenInvalid));
    expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'typ_mismatch' });
  });

  it('accepts a real RFC 9068 access token for this API', async () => {
    const { app } = buildApp({
      verifiers: [
        oauthProviderVerifier({
          provider: 'oidc',
          issuer: as.issuer,
          expectedAudience: JWT_RESOURCE,
        }),
      ],
    });
    const jwt = await as.userToken({ accountId: 'user-jdoe', format: 'jwt', scope: 'read' });
    await get(app, jwt).expect(200, USERS[1]);
  });
});

describe('oidc preset: scopes from a profile', () => {
  let issuer: JsonServer;
  beforeAll(async () => {
    issuer = await startJsonServer((req) => {
      if (req.path === '/.well-known/openid-configuration') {
        return {
          json: {
            issuer: issuer.url,
            userinfo_endpoint: `${issuer.url}/userinfo`,
            jwks_uri: `${issuer.url}/jwks`,
          },
        };
      }
      if (req.path === '/userinfo') {
        // A profile that claims to grant "write": it is not the token's grant.
        return { json: { sub: 'user-1', preferred_username: 'admin', scope: 'read write delete' } };
      }
      return { status: 404, json: {} };
    });
  });
  afterAll(() => issuer.close());

  it('grants nothing from a userinfo scope field (403 on a route requiring write)', async () => {
    const app = express();
    app.use(
      '/rest/api',
      bearerAuth({
        verifiers: [
          oauthProviderVerifier({ provider: 'oidc', issuer: issuer.url, expectedAudience: false }),
        ],
        directory: memoryDirectory(USERS),
      }),
    );
    app.get('/rest/api/2/myself', (req, res) => res.json({ scopes: req.auth?.scopes }));
    app.delete('/rest/api/2/issue/:id', requireScopes('write'), (_req, res) =>
      res.status(204).end(),
    );
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', 'Bearer opaque-0123456789')
      .expect(200, { scopes: [] });
    const refused = await request(app)
      .delete('/rest/api/2/issue/1')
      .set('Authorization', 'Bearer opaque-0123456789');
    expect(refused.status).toBe(403);
  });
});
