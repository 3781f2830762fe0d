import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { CLIENTS, JWT_RESOURCE, startAuthServer, type AuthServer } from '../helpers/auth-server.js';

// The harness itself: if these fail, every integration test that uses it is meaningless.
describe('the oidc-provider test authorization server', () => {
  let as: AuthServer;
  beforeAll(async () => {
    as = await startAuthServer();
  });
  afterAll(() => as.close());

  const introspect = async (token: string) => {
    const res = await fetch(`${as.issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CLIENTS.resourceServer.clientId}:${CLIENTS.resourceServer.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }),
    });
    return (await res.json()) as Record<string, unknown>;
  };

  it('issues opaque user tokens that introspect as active with a username', async () => {
    const token = await as.userToken({ accountId: 'user-admin' });
    expect(token.split('.')).toHaveLength(1);
    expect(await introspect(token)).toMatchObject({
      active: true,
      sub: 'user-admin',
      username: 'admin',
      client_id: 'web-app',
    });
  });

  it('issues RFC 9068 JWT user tokens for the JWT resource', async () => {
    const token = await as.userToken({ accountId: 'user-jdoe', format: 'jwt', scope: 'read' });
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(decodeJwt(token)).toMatchObject({
      iss: as.issuer,
      aud: JWT_RESOURCE,
      sub: 'user-jdoe',
      scope: 'read',
      client_id: 'web-app',
    });
  });

  it('grants client credentials with basic and post authentication, opaque and JWT', async () => {
    const basic = await as.clientCredentials({ client: CLIENTS.reporting, scope: 'read' });
    expect(basic.status).toBe(200);
    expect(await introspect(basic.body.access_token as string)).toMatchObject({
      active: true,
      client_id: 'svc-reporting',
    });
    const post = await as.clientCredentials({
      client: CLIENTS.stranger,
      method: 'client_secret_post',
      resource: JWT_RESOURCE,
      scope: 'read',
    });
    expect(post.status).toBe(200);
    expect(decodeJwt(post.body.access_token as string)).toMatchObject({
      sub: 'svc-stranger',
      client_id: 'svc-stranger',
      aud: JWT_RESOURCE,
    });
  });

  it('revokes tokens', async () => {
    const token = await as.userToken({ accountId: 'user-admin' });
    expect(await as.revoke(token)).toBe(200);
    expect(await introspect(token)).toEqual({ active: false });
  });
});
