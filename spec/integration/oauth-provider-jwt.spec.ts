import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { memoryDirectory, MESSAGES, oauthProviderVerifier } from '../../lib/index.js';
import { buildApp, seed } from '../helpers/app.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { mintJwt, secondsFromNow } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';
import { JWT_FIXTURES, TENANT, type JwtFixture } from '../verifiers/providers/jwt-fixtures.js';

const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';
const key = testKey('RS256');

function jwksServer(fixture: JwtFixture): Promise<JsonServer> {
  return startJsonServer((req) =>
    req.path === fixture.jwksPath ? { json: jwksOf(key) } : { status: 404, json: {} },
  );
}

describe.each(JWT_FIXTURES)('oauthProviderVerifier JWT preset "$provider"', (fixture) => {
  let provider: JsonServer;
  const name = `oauth-provider:${fixture.provider}`;
  beforeAll(async () => {
    provider = await jwksServer(fixture);
  });
  afterAll(() => provider.close());

  const appFor = (url = provider.url) =>
    buildApp({
      verifiers: [oauthProviderVerifier(fixture.options(url))],
      directory: memoryDirectory(USERS, { matchUsernameAsEmail: fixture.matchUsernameAsEmail }),
    });
  const mint = (claims: Record<string, unknown> = {}, signer = key) =>
    mintJwt({
      key: signer,
      claims: { iss: fixture.issuer(provider.url), ...fixture.claims(provider.url), ...claims },
    });
  const call = async (claims: Record<string, unknown> = {}, signer = key) => {
    const built = appFor();
    const response = await request(built.app)
      .get('/rest/api/2/myself')
      .set('Authorization', `Bearer ${await mint(claims, signer)}`);
    return { response, decision: built.decisions[0] };
  };

  it('accepts a token signed by the provider and answers its directory entry', async () => {
    const { response, decision } = await call();
    expect(response.status).toBe(200);
    expect(response.body).toEqual(USERS[0]);
    expect(decision).toMatchObject({ outcome: 'accept', verifier: name });
    expect(provider.count(fixture.jwksPath)).toBeGreaterThan(0);
  });

  it('refuses a token signed by another key (400)', async () => {
    const { response, decision } = await call({}, testKey('RS256', 'impostor'));
    expect(response.status).toBe(400);
    expect(response.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decision).toMatchObject({ reason: 'key_not_found', verifier: name });
  });

  it('refuses an expired token (401 Token Expired)', async () => {
    const { response, decision } = await call({ exp: secondsFromNow(-600) });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(INVALID_TOKEN);
    expect(response.body).toEqual(seed(MESSAGES.tokenExpired));
    expect(decision).toMatchObject({ reason: 'token_expired' });
  });

  it('refuses a token issued to another client (401 Expired Token / invalid_client_ID)', async () => {
    const { response, decision } = await call({ [fixture.clientClaim]: 'someone-else' });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(seed(MESSAGES.expiredOrInvalidClient));
    expect(decision).toMatchObject({ reason: 'client_mismatch', verifier: name });
  });

  if (fixture.audience) {
    it('refuses a token minted for another API (400)', async () => {
      const { response, decision } = await call({ aud: 'https://another-api.example' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(seed(MESSAGES.tokenInvalid));
      expect(decision).toMatchObject({ reason: 'audience_mismatch' });
    });
  }

  if (fixture.noUsername) {
    const noUsername = fixture.noUsername;
    it('answers 400 "No user found" (username_missing) for a token without username', async () => {
      const { response, decision } = await call(noUsername);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(seed(MESSAGES.userNotFound));
      expect(decision).toMatchObject({ reason: 'username_missing', verifier: name });
    });
  }

  it('passes tokens of another issuer and opaque tokens to the next verifier', async () => {
    const other = await call({ iss: 'https://elsewhere.example' });
    expect(other.response.status).toBe(400);
    expect(other.decision).toMatchObject({ reason: 'issuer_mismatch' });
    const { app, decisions } = appFor();
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', 'Bearer opaque-0123456789')
      .expect(400, seed(MESSAGES.tokenInvalid));
    expect(decisions[0]).toMatchObject({ reason: 'token_unrecognized' });
  });

  it('answers 503 when the JWK Set cannot be fetched', async () => {
    const down = await jwksServer(fixture);
    const { app, decisions } = appFor(down.url);
    const token = await mintJwt({
      key,
      claims: { iss: fixture.issuer(down.url), ...fixture.claims(down.url) },
    });
    await down.close();
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', `Bearer ${token}`)
      .expect(503, seed(MESSAGES.unavailable));
    expect(decisions[0]).toMatchObject({ outcome: 'unavailable', reason: 'upstream_unreachable' });
  });
});

describe('oauthProviderVerifier preset "microsoft" with v1.0 tokens', () => {
  let provider: JsonServer;
  beforeAll(async () => {
    provider = await jwksServer(JWT_FIXTURES[0] as JwtFixture);
  });
  afterAll(() => provider.close());

  it('accepts the sts.windows.net issuer (moved to baseUrl) and reads upn and appid', async () => {
    const verifier = oauthProviderVerifier({
      provider: 'microsoft',
      tenant: TENANT,
      baseUrl: provider.url,
      expectedAudience: 'api://bearer-guard',
      clientId: 'client-app',
    });
    const { app, decisions } = buildApp({
      verifiers: [verifier],
      // v1.0 tokens name the user by UPN, an address the tenant assigns
      directory: memoryDirectory(USERS, { matchUsernameAsEmail: true }),
    });
    const token = await mintJwt({
      key,
      claims: {
        iss: `${provider.url}/${TENANT}/`,
        aud: 'api://bearer-guard',
        appid: 'client-app',
        upn: 'john.doe@example.com',
        preferred_username: undefined,
        sub: 'v1-subject',
        ver: '1.0',
      },
    });
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', `Bearer ${token}`)
      .expect(200, USERS[1]);
    expect(decisions[0]).toMatchObject({ username: 'john.doe@example.com' });
  });
});
