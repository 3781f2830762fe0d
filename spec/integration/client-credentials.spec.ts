import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  clientCredentialsVerifier,
  jwtVerifier,
  MESSAGES,
  type ClientCredentialsVerifierOptions,
  type Identity,
  type JwtVerifierOptions,
  type Verifier,
} from '../../lib/index.js';
import { buildApp, seed } from '../helpers/app.js';
import {
  CLIENTS,
  JWT_RESOURCE,
  startAuthServer,
  type AuthServer,
  type TestClient,
} from '../helpers/auth-server.js';
import { USERS } from '../helpers/users.js';

const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';

// Every token here comes from a real POST /token with grant_type=client_credentials.
describe('clientCredentialsVerifier against oidc-provider (RFC 9068 JWT access tokens)', () => {
  let as: AuthServer;
  /** svc-reporting, client_secret_basic, scope "read write delete". */
  let reportingToken: string;
  /** svc-stranger, client_secret_post, scope "read". */
  let strangerToken: string;
  /** jdoe's JWT, issued to web-app. */
  let userToken: string;

  const grant = async (
    client: TestClient,
    method: 'client_secret_basic' | 'client_secret_post',
    scope: string,
  ) => {
    const { status, body } = await as.clientCredentials({
      client,
      method,
      scope,
      resource: JWT_RESOURCE,
    });
    expect(status).toBe(200);
    return body.access_token as string;
  };

  beforeAll(async () => {
    as = await startAuthServer();
    reportingToken = await grant(CLIENTS.reporting, 'client_secret_basic', 'read write delete');
    strangerToken = await grant(CLIENTS.stranger, 'client_secret_post', 'read');
    userToken = await as.userToken({ accountId: 'user-jdoe', format: 'jwt', scope: 'read write' });
  });
  afterAll(() => as.close());

  const jwt = (options: Partial<JwtVerifierOptions> = {}) =>
    jwtVerifier({
      jwksUri: `${as.issuer}/jwks`,
      issuer: as.issuer,
      audience: JWT_RESOURCE,
      ...options,
    });
  const serviceAccounts = (
    via: Verifier,
    accounts: ClientCredentialsVerifierOptions['serviceAccounts'] = {
      'svc-reporting': 'svc-reports',
    },
  ) => clientCredentialsVerifier({ via, serviceAccounts: accounts });
  const call = (app: Parameters<typeof request>[0], token: string, method = 'get') =>
    (method === 'get'
      ? request(app).get('/rest/api/2/myself')
      : request(app).delete('/rest/api/2/issue/7')
    ).set('Authorization', `Bearer ${token}`);

  describe('in the recommended order [clientCredentialsVerifier, jwtVerifier]', () => {
    it('answers a mapped client (client_secret_basic) as its service account', async () => {
      const { app, decisions } = buildApp({ verifiers: [serviceAccounts(jwt()), jwt()] });
      await call(app, reportingToken).expect(200, USERS[2]);
      expect(decisions[0]).toMatchObject({
        outcome: 'accept',
        reason: 'accepted',
        verifier: 'client-credentials',
        subject: 'svc-reporting',
        username: 'svc-reports',
      });
    });

    it('hands a user token on to the plain jwt verifier, which answers as the user', async () => {
      const { app, decisions } = buildApp({ verifiers: [serviceAccounts(jwt()), jwt()] });
      await call(app, userToken).expect(200, USERS[1]);
      expect(decisions[0]).toMatchObject({ outcome: 'accept', verifier: 'jwt', username: 'jdoe' });
    });

    it('works with one jwtVerifier instance as `via` and as the next link', async () => {
      const shared = jwt();
      const { app, decisions } = buildApp({ verifiers: [serviceAccounts(shared), shared] });
      await call(app, reportingToken).expect(200, USERS[2]);
      await call(app, userToken).expect(200, USERS[1]);
      expect(decisions.map((d) => d.verifier)).toEqual(['client-credentials', 'jwt']);
    });

    it('answers 401 Expired Token / invalid_client_ID for an unmapped client (client_secret_post)', async () => {
      const { app, decisions } = buildApp({ verifiers: [serviceAccounts(jwt()), jwt()] });
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

    it('maps a client_secret_post client through an async function', async () => {
      const seen: Array<[string, Identity]> = [];
      const verifier = serviceAccounts(jwt(), async (clientId, identity) => {
        seen.push([clientId, identity]);
        return clientId === 'svc-stranger' ? 'svc-reports' : null;
      });
      const { app } = buildApp({ verifiers: [verifier, jwt()] });
      await call(app, strangerToken).expect(200, USERS[2]);
      expect(seen[0]?.[0]).toBe('svc-stranger');
      expect(seen[0]?.[1].claims).toMatchObject({
        iss: as.issuer,
        sub: 'svc-stranger',
        client_id: 'svc-stranger',
        aud: JWT_RESOURCE,
      });
    });

    it('answers 400 No user found when the mapped user is missing from the directory', async () => {
      const verifier = serviceAccounts(jwt(), { 'svc-reporting': 'svc-retired' });
      const { app, decisions } = buildApp({ verifiers: [verifier, jwt()] });
      await call(app, reportingToken)
        .expect(400)
        .expect('WWW-Authenticate', INVALID_TOKEN)
        .expect(seed(MESSAGES.userNotFound));
      expect(decisions[0]).toMatchObject({
        reason: 'user_not_found',
        verifier: 'client-credentials',
      });
    });

    it("keeps via's expired verdict: 401 Token Expired", async () => {
      const later = () => Date.now() + 2 * 3600 * 1000; // the server's tokens live one hour
      const { app, decisions } = buildApp({
        verifiers: [serviceAccounts(jwt({ now: later })), jwt({ now: later })],
      });
      await call(app, reportingToken)
        .expect(401)
        .expect('WWW-Authenticate', INVALID_TOKEN)
        .expect(seed(MESSAGES.tokenExpired));
      expect(decisions[0]).toMatchObject({
        outcome: 'reject',
        reason: 'token_expired',
        verifier: 'client-credentials',
      });
    });

    it('passes an opaque client-credentials token on when via is a jwt verifier', async () => {
      const { status, body } = await as.clientCredentials({
        client: CLIENTS.reporting,
        scope: 'read',
      });
      expect(status).toBe(200);
      const { app, decisions } = buildApp({ verifiers: [serviceAccounts(jwt()), jwt()] });
      await call(app, body.access_token as string)
        .expect(400)
        .expect('WWW-Authenticate', INVALID_TOKEN)
        .expect(seed(MESSAGES.tokenInvalid));
      expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'token_unrecognized' });
    });
  });

  describe('scope pinning', () => {
    it('lets an unpinned client use every scope its token grants', async () => {
      const { app } = buildApp({ verifiers: [serviceAccounts(jwt())] });
      await call(app, reportingToken, 'delete').expect(204);
    });

    it('drops scopes the administrator did not grant, though the token carries them', async () => {
      const verifier = serviceAccounts(jwt(), {
        'svc-reporting': { user: 'svc-reports', scopes: ['read'] },
      });
      const { app } = buildApp({ verifiers: [verifier] });
      await call(app, reportingToken).expect(200, USERS[2]);
      await call(app, reportingToken, 'delete')
        .expect(403)
        .expect(
          'WWW-Authenticate',
          'Bearer realm="api", error="insufficient_scope", scope="write delete"',
        )
        .expect(seed('Insufficient Scope: This request requires the scope(s): write delete.'));
    });
  });

  describe('in the reverse order [jwtVerifier, clientCredentialsVerifier]', () => {
    it('never reaches the client-credentials verifier: the client id is looked up as a user', async () => {
      const { app, decisions } = buildApp({ verifiers: [jwt(), serviceAccounts(jwt())] });
      await call(app, reportingToken)
        .expect(400)
        .expect('WWW-Authenticate', INVALID_TOKEN)
        .expect(seed(MESSAGES.userNotFound));
      expect(decisions[0]).toMatchObject({
        outcome: 'reject',
        reason: 'user_not_found',
        verifier: 'jwt',
      });
    });

    it('would make a user named like the client a plain user with unpinned scopes', async () => {
      const identities: Identity[] = [];
      const verifier = serviceAccounts(jwt(), {
        'svc-reporting': { user: 'svc-reports', scopes: ['read'] },
      });
      const { app } = buildApp({
        verifiers: [jwt(), verifier],
        directory: (identity) => {
          identities.push(identity);
          return { name: identity.username };
        },
      });
      await call(app, reportingToken).expect(200, { name: 'svc-reporting' });
      expect(identities[0]).toMatchObject({
        verifier: 'jwt',
        username: 'svc-reporting',
        serviceAccount: false,
        scopes: ['read', 'write', 'delete'],
      });
    });

    it('still answers user tokens as their user', async () => {
      const { app } = buildApp({ verifiers: [jwt(), serviceAccounts(jwt())] });
      await call(app, userToken).expect(200, USERS[1]);
    });
  });
});
