import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MESSAGES, oauthProviderVerifier } from '../../lib/index.js';
import { buildApp, seed, getMyself as get } from '../helpers/app.js';
import { JWT_RESOURCE, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { startJsonServer } from '../helpers/json-server.js';
import { USERS } from '../helpers/users.js';

describe('oauthProviderVerifier preset "oidc" against a real authorization server', () => {
  let as: AuthServer;
  beforeAll(async () => {
    as = await startAuthServer();
  });
  afterAll(() => as.close());

  it('checks an opaque access token at the discovered userinfo endpoint', async () => {
    const { app, decisions } = buildApp({
      verifiers: [
        oauthProviderVerifier({ provider: 'oidc', issuer: as.issuer, expectedAudience: false }),
      ],
    });
    const token = await as.userToken({ accountId: 'user-admin', scope: 'openid profile email' });
    const before = as.counts['/me'] ?? 0;
    await get(app, token).expect(200, USERS[0]);
    await get(app, token).expect(200, USERS[0]);
    expect((as.counts['/me'] ?? 0) - before).toBe(1);
    expect(as.counts['/.well-known/openid-configuration']).toBeGreaterThan(0);
    expect(decisions[0]).toMatchObject({
      outcome: 'accept',
      verifier: 'oauth-provider:oidc',
      subject: 'user-admin',
      username: 'admin',
    });
  });

  it('answers 401 for a revoked access token', async () => {
    const { app, decisions } = buildApp({
      verifiers: [
        oauthProviderVerifier({ provider: 'oidc', issuer: as.issuer, expectedAudience: false }),
      ],
    });
    const token = await as.userToken({ accountId: 'user-jdoe', scope: 'openid profile email' });
    expect(await as.revoke(token)).toBe(200);
    await get(app, token)
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
      .expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions[0]).toMatchObject({ reason: 'provider_rejected' });
  });

  it('answers 400 "No user found" for an account missing from the directory', async () => {
    const { app, decisions } = buildApp({
      verifiers: [
        oauthProviderVerifier({ provider: 'oidc', issuer: as.issuer, expectedAudience: false }),
      ],
    });
    const token = await as.userToken({ accountId: 'user-ghost', scope: 'openid profile email' });
    await get(app, token).expect(400, seed(MESSAGES.userNotFound));
    expect(decisions[0]).toMatchObject({ reason: 'user_not_found' });
  });

  it('checks a JWT access token against the discovered JWK Set, with audience and client', async () => {
    const verifier = oauthProviderVerifier({
      provider: 'oidc',
      issuer: as.issuer,
      expectedAudience: JWT_RESOURCE,
      clientId: 'web-app',
    });
    const { app } = buildApp({ verifiers: [verifier] });
    const jwt = await as.userToken({ accountId: 'user-jdoe', format: 'jwt', scope: 'read' });
    await get(app, jwt).expect(200, USERS[1]);
    // With an audience to check, opaque tokens (userinfo cannot tell) go to the next verifier.
    const opaque = await as.userToken({ accountId: 'user-admin', scope: 'openid profile' });
    await get(app, opaque).expect(400, seed(MESSAGES.tokenInvalid));
  });

  it('refuses a JWT access token for another audience or client', async () => {
    const jwt = await as.userToken({ accountId: 'user-jdoe', format: 'jwt', scope: 'read' });
    const otherApi = buildApp({
      verifiers: [
        oauthProviderVerifier({
          provider: 'oidc',
          issuer: as.issuer,
          expectedAudience: 'urn:other',
        }),
      ],
    });
    await get(otherApi.app, jwt).expect(400, seed(MESSAGES.tokenInvalid));
    expect(otherApi.decisions[0]).toMatchObject({ reason: 'audience_mismatch' });
    const otherClient = buildApp({
      verifiers: [
        oauthProviderVerifier({
          provider: 'oidc',
          issuer: as.issuer,
          expectedAudience: JWT_RESOURCE,
          clientId: 'another-app',
        }),
      ],
    });
    await get(otherClient.app, jwt).expect(401, seed(MESSAGES.expiredOrInvalidClient));
    expect(otherClient.decisions[0]).toMatchObject({ reason: 'client_mismatch' });
  });

  it('answers 503 when discovery fails, and refuses a document of another issuer', async () => {
    const fake = await startJsonServer(() => ({
      json: { issuer: 'https://someone-else.example', userinfo_endpoint: `${as.issuer}/me` },
    }));
    const { app, decisions } = buildApp({
      verifiers: [
        oauthProviderVerifier({ provider: 'oidc', issuer: fake.url, expectedAudience: false }),
      ],
    });
    await get(app, 'opaque-0123456789').expect(503, seed(MESSAGES.unavailable));
    expect(decisions[0]).toMatchObject({ reason: 'upstream_invalid_response' });
    await fake.close();
    await get(app, 'opaque-0123456789').expect(503);
    expect(decisions[1]).toMatchObject({ reason: 'upstream_unreachable' });
  });
});
