/**
 * A real refresh token, issued by oidc-provider, presented to the API as if it were an access
 * token: oidc-provider introspects it as active (RFC 7662 allows any token), but it is not an
 * access token, so it is refused — even with `audience: false`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { introspectionVerifier, MESSAGES } from '../../lib/index.js';
import { buildApp, getMyself as get, seed } from '../helpers/app.js';
import { CLIENTS, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { USERS } from '../helpers/users.js';

const INTROSPECTION = '/token/introspection';

describe('a refresh token presented to introspection', () => {
  let as: AuthServer;
  beforeAll(async () => {
    as = await startAuthServer({ refreshTokens: true });
  });
  afterAll(() => as.close());

  const verifier = () =>
    introspectionVerifier({
      endpoint: `${as.issuer}${INTROSPECTION}`,
      clientId: CLIENTS.resourceServer.clientId,
      clientSecret: CLIENTS.resourceServer.clientSecret,
      audience: false,
    });

  async function refreshToken(accountId: string): Promise<string> {
    const { provider } = as;
    const client = await provider.Client.find(CLIENTS.webApp.clientId);
    if (!client) throw new Error('web-app client missing');
    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    grant.addOIDCScope('openid offline_access');
    const grantId = await grant.save();
    const token = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      gty: 'authorization_code',
      scope: 'openid offline_access',
      iiat: Math.floor(Date.now() / 1000),
      rotations: 0,
    });
    return token.save();
  }

  it('is introspected as active by oidc-provider, without an access token type', async () => {
    const token = await refreshToken('user-admin');
    const res = await fetch(`${as.issuer}${INTROSPECTION}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CLIENTS.resourceServer.clientId}:${CLIENTS.resourceServer.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ active: true, sub: 'user-admin' });
    expect(body.token_type).toBeUndefined();
  });

  it('refuses a real refresh token with 401 Expired Token / invalid_client_ID', async () => {
    const token = await refreshToken('user-admin');
    const { app, decisions } = buildApp({ verifiers: [verifier()] });
    await get(app, token)
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
      .expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions[0]).toMatchObject({
      outcome: 'reject',
      reason: 'token_type_not_access',
      verifier: 'introspection',
    });
  });

  it('still accepts a real access token of the same user', async () => {
    const token = await as.userToken({ accountId: 'user-admin' });
    const { app } = buildApp({ verifiers: [verifier()] });
    await get(app, token).expect(200, USERS[0]);
  });
});
