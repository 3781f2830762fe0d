import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  clientCredentialsVerifier,
  introspectionVerifier,
  MESSAGES,
  type ClientCredentialsVerifierOptions,
  type IntrospectionVerifierOptions,
} from '../../lib/index.js';
import { buildApp, seed } from '../helpers/app.js';
import {
  CLIENTS,
  startAuthServer,
  type AuthServer,
  type TestClient,
} from '../helpers/auth-server.js';
import { USERS } from '../helpers/users.js';

const INTROSPECTION = '/token/introspection';
const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';

// Every client-credentials token here comes from a real POST /token with
// grant_type=client_credentials and no resource indicator, so oidc-provider issues it opaque and
// only introspection can check it.
describe('clientCredentialsVerifier against oidc-provider (opaque tokens, introspection)', () => {
  let as: AuthServer;
  /** svc-reporting, client_secret_basic, scope "read write delete". */
  let reportingToken: string;
  /** svc-stranger, client_secret_post, scope "read". */
  let strangerToken: string;
  /** admin's opaque token, issued to web-app. */
  let userToken: string;

  const grant = async (
    client: TestClient,
    method: 'client_secret_basic' | 'client_secret_post',
    scope: string,
  ) => {
    const { status, body } = await as.clientCredentials({ client, method, scope });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', scope });
    const token = body.access_token as string;
    expect(token.split('.')).toHaveLength(1); // opaque, not a JWT
    return token;
  };

  beforeAll(async () => {
    as = await startAuthServer();
    reportingToken = await grant(CLIENTS.reporting, 'client_secret_basic', 'read write delete');
    strangerToken = await grant(CLIENTS.stranger, 'client_secret_post', 'read');
    userToken = await as.userToken({ accountId: 'user-admin' });
  });
  afterAll(() => as.close());

  const introspections = () => as.counts[INTROSPECTION] ?? 0;

  /**
   * The recommended chain, with ONE introspection verifier as `via` and as the next link, so
   * its cache answers the second lookup of a user token. Adds a route showing `req.auth.identity`.
   */
  const setup = (
    options: {
      introspection?: Partial<IntrospectionVerifierOptions>;
      serviceAccounts?: ClientCredentialsVerifierOptions['serviceAccounts'];
    } = {},
  ) => {
    const introspection = introspectionVerifier({
      endpoint: `${as.issuer}${INTROSPECTION}`,
      clientId: CLIENTS.resourceServer.clientId,
      clientSecret: CLIENTS.resourceServer.clientSecret,
      audience: false,
      ...options.introspection,
    });
    const built = buildApp({
      verifiers: [
        clientCredentialsVerifier({
          via: introspection,
          serviceAccounts: options.serviceAccounts ?? { 'svc-reporting': 'svc-reports' },
        }),
        introspection,
      ],
    });
    built.app.get('/rest/api/2/identity', (req, res) => {
      res.json(req.auth?.identity ?? null);
    });
    return built;
  };
  const call = (app: Parameters<typeof request>[0], token: string, path = '/rest/api/2/myself') =>
    request(app).get(path).set('Authorization', `Bearer ${token}`);

  it('answers a mapped client (client_secret_basic) as its service account', async () => {
    const { app, decisions } = setup();
    await call(app, reportingToken).expect(200, USERS[2]);
    expect(decisions[0]).toMatchObject({
      outcome: 'accept',
      reason: 'accepted',
      verifier: 'client-credentials',
      subject: 'svc-reporting',
      username: 'svc-reports',
    });
  });

  it('puts the service account on req.auth.identity, read from an answer without sub or username', async () => {
    const { app } = setup();
    const { body } = await call(app, reportingToken, '/rest/api/2/identity').expect(200);
    expect(body).toMatchObject({
      subject: 'svc-reporting',
      username: 'svc-reports',
      clientId: 'svc-reporting',
      serviceAccount: true,
      verifier: 'client-credentials',
      scopes: ['read', 'write', 'delete'],
      issuer: as.issuer,
    });
    // oidc-provider's RFC 7662 answer for a client-credentials token: client_id, no end user.
    expect(body.claims).toMatchObject({
      active: true,
      client_id: 'svc-reporting',
      iss: as.issuer,
      scope: 'read write delete',
      token_type: 'Bearer',
    });
    expect(body.claims).not.toHaveProperty('sub');
    expect(body.claims).not.toHaveProperty('username');
  });

  it('answers 401 Expired Token / invalid_client_ID for an unmapped client (client_secret_post)', async () => {
    const { app, decisions } = setup();
    await call(app, strangerToken)
      .expect(401)
      .expect('WWW-Authenticate', INVALID_TOKEN)
      .expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions[0]).toMatchObject({
      outcome: 'reject',
      reason: 'client_not_mapped',
      verifier: 'client-credentials',
    });
  });

  it('maps the client_secret_post client once the administrator maps it', async () => {
    const { app, decisions } = setup({ serviceAccounts: { 'svc-stranger': 'svc-reports' } });
    await call(app, strangerToken).expect(200, USERS[2]);
    expect(decisions[0]).toMatchObject({ verifier: 'client-credentials', subject: 'svc-stranger' });
  });

  it('passes a user token on to introspection, which answers as the user, in one call', async () => {
    const { app, decisions } = setup();
    const before = introspections();
    await call(app, userToken).expect(200, USERS[0]);
    expect(introspections()).toBe(before + 1);
    expect(decisions[0]).toMatchObject({
      outcome: 'accept',
      verifier: 'introspection',
      subject: 'user-admin',
      username: 'admin',
    });
    const { body } = await call(app, userToken, '/rest/api/2/identity').expect(200);
    expect(body).toMatchObject({ username: 'admin', clientId: 'web-app', serviceAccount: false });
    expect(introspections()).toBe(before + 1); // the second request is served from the cache
  });

  it('costs one introspection call per client-credentials token too', async () => {
    const { app } = setup();
    const before = introspections();
    await call(app, reportingToken).expect(200, USERS[2]);
    await call(app, reportingToken).expect(200, USERS[2]);
    expect(introspections()).toBe(before + 1);
  });

  it('refuses a revoked client-credentials token at once with cache: false', async () => {
    const token = await grant(CLIENTS.reporting, 'client_secret_basic', 'read');
    const { app, decisions } = setup({ introspection: { cache: false } });
    await call(app, token).expect(200, USERS[2]);
    expect(await as.revoke(token, CLIENTS.reporting)).toBe(200);
    await call(app, token)
      .expect(401)
      .expect('WWW-Authenticate', INVALID_TOKEN)
      .expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions.map((d) => [d.reason, d.verifier])).toEqual([
      ['accepted', 'client-credentials'],
      ['token_inactive', 'client-credentials'],
    ]);
  });

  describe('scope pinning', () => {
    const remove = (app: Parameters<typeof request>[0], token: string) =>
      request(app).delete('/rest/api/2/issue/7').set('Authorization', `Bearer ${token}`);

    it('lets an unpinned client use every scope its token grants', async () => {
      const { app } = setup();
      await remove(app, reportingToken).expect(204);
    });

    it('drops scopes the administrator did not grant, though the token carries them', async () => {
      const { app } = setup({
        serviceAccounts: { 'svc-reporting': { user: 'svc-reports', scopes: ['read'] } },
      });
      const { body } = await call(app, reportingToken, '/rest/api/2/identity').expect(200);
      expect(body.scopes).toEqual(['read']);
      await remove(app, reportingToken)
        .expect(403)
        .expect(
          'WWW-Authenticate',
          'Bearer realm="api", error="insufficient_scope", scope="write delete"',
        )
        .expect(seed('Insufficient Scope: This request requires the scope(s): write delete.'));
    });
  });
});
