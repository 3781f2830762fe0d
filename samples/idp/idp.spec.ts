/**
 * Each IdP recipe driven end to end against local stand-ins on 127.0.0.1: a JWK Set (and, for
 * Auth0, a discovery document) of a local test issuer, or a tokeninfo / user endpoint, answering
 * where the recipe's `baseUrl` points it. Tokens are shaped like the IdP's real access tokens
 * (claims and `typ` header as each IdP documents them, cited beside each). Every block also checks
 * that docs/idp/README.md shows the recipe exactly as this folder runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import request from 'supertest';
import { memoryDirectory, type Decision } from '../../lib/index.js';
import { createTestIssuer, type ServedJwks, type TestIssuer } from '../../lib/testing/index.js';
import { startJsonServer, type JsonServer } from '../../spec/helpers/json-server.js';
import { createAuth0Api } from './auth0.js';
import { createCognitoApi } from './cognito.js';
import { createEntraApi } from './entra.js';
import { createGithubApi } from './github.js';
import { createGoogleApi } from './google.js';
import { createKeycloakApi } from './keycloak.js';
import { createOktaApi } from './okta.js';

const HOUR = 3600;
const now = (): number => Math.floor(Date.now() / 1000);

let decisions: Decision[] = [];
const onDecision = (message: unknown): void => {
  decisions.push(message as Decision);
};
beforeAll(() => {
  subscribe('bearer-guard:decision', onDecision);
});
afterAll(() => {
  unsubscribe('bearer-guard:decision', onDecision);
});

interface Answer {
  status: number;
  body: unknown;
  /** The reason of the request's last decision (a guard's, when one refused). */
  reason: string | undefined;
}

async function call(app: Express, method: 'get' | 'delete', path: string, token: string) {
  decisions = [];
  const res = await request(app)[method](path).set('Authorization', `Bearer ${token}`);
  const answer: Answer = { status: res.status, body: res.body, reason: decisions.at(-1)?.reason };
  return answer;
}

/** A JWK Set served at `path` of a local server, for presets that know their key URL. */
async function serveKeysAt(path: (origin: string) => string, keys: () => TestIssuer['jwks']) {
  const server = await startJsonServer();
  const keyPath = path(server.url);
  server.setHandler((req) =>
    req.path === keyPath ? { json: keys() } : { status: 404, json: { error: 'not_found' } },
  );
  return server;
}

/** The ```ts blocks of docs/idp/README.md. */
const guide = readFileSync(new URL('../../docs/idp/README.md', import.meta.url), 'utf8');
const guideBlocks = [...guide.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');

/** The recipe region of a sample, with its import of lib/ as an application writes it. */
function recipe(file: string): string {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  const region = /\/\/ #region recipe\n([\s\S]*?)\/\/ #endregion/.exec(text)?.[1];
  if (!region) throw new Error(`${file}: no recipe region`);
  return region.replaceAll("'../../lib/index.js'", "'bearer-guard'");
}

/** Whitespace and trailing commas aside: Prettier may wrap the shorter import differently. */
const normalize = (code: string): string =>
  code.replace(/,(\s*[}\])])/g, '$1').replace(/\s+/g, ' ');

function expectDocumented(file: string): void {
  expect(guideBlocks.map(normalize)).toContain(normalize(recipe(file)));
}

describe('Auth0', () => {
  // Access token profile (default "Auth0" profile, header typ JWT; aud lists the API and
  // /userinfo when `openid` is asked for; RBAC permissions in `permissions`):
  // https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles
  // https://auth0.com/docs/get-started/apis/enable-role-based-access-control-for-apis
  const API = 'https://messages.example.com';
  const auth0 = createTestIssuer({ audience: API });
  let served: ServedJwks;
  let app: Express;
  const token = (claims: Record<string, unknown> = {}) =>
    auth0.token(
      {
        aud: [API, `${auth0.issuer}/userinfo`],
        sub: 'auth0|64f1c0ffee',
        preferred_username: undefined,
        azp: 'spa-client-id',
        scope: 'openid profile email',
        permissions: ['read:messages'],
        ...claims,
      },
      { header: { typ: 'JWT' } },
    );

  beforeAll(async () => {
    served = await auth0.serveJwks({ asIssuer: true });
    app = createAuth0Api({
      issuerUrl: `${served.url}/`,
      audience: API,
      directory: memoryDirectory([{ name: 'auth0|64f1c0ffee', displayName: 'Ada' }]),
    });
  });
  afterAll(() => served.close());

  it('accepts a token for this API and counts its permissions as scopes', async () => {
    expect(await call(app, 'get', '/api/me', await token())).toMatchObject({
      status: 200,
      body: { name: 'auth0|64f1c0ffee' },
    });
    expect((await call(app, 'get', '/api/messages', await token())).status).toBe(200);
  });

  it('refuses a permission the user lacks (403)', async () => {
    const answer = await call(app, 'delete', '/api/messages/1', await token());
    expect(answer).toMatchObject({ status: 403, reason: 'insufficient_scope' });
    const granted = await token({ permissions: ['read:messages', 'delete:messages'] });
    expect((await call(app, 'delete', '/api/messages/1', granted)).status).toBe(204);
  });

  it('refuses a token the tenant issued for another API', async () => {
    const other = await token({ aud: ['https://billing.example.com', `${auth0.issuer}/userinfo`] });
    expect(await call(app, 'get', '/api/me', other)).toMatchObject({
      status: 400,
      reason: 'audience_mismatch',
    });
  });

  it('is shown in the guide as it runs here', () => expectDocumented('./auth0.ts'));
});

describe('Microsoft Entra ID', () => {
  // Access token claims (v1: iss https://sts.windows.net/{tid}/, aud the App ID URI, upn,
  // appid; v2: iss https://login.microsoftonline.com/{tid}/v2.0, aud the client id,
  // preferred_username, azp; `scp` delegated scopes, `roles` app roles; header typ JWT):
  // https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference
  // https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#token-formats
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const CLIENT = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
  let stand: JsonServer;
  let entra: TestIssuer;
  let v2Api: Express;
  let v1Api: Express;
  const directory = memoryDirectory([{ name: 'alice@contoso.com', displayName: 'Alice' }]);
  const common = {
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    tid: TENANT,
    scope: undefined,
  };
  const v2Token = (claims: Record<string, unknown> = {}) =>
    entra.token(
      {
        ...common,
        iss: `${stand.url}/${TENANT}/v2.0`,
        aud: CLIENT,
        azp: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
        preferred_username: 'alice@contoso.com',
        email: 'ceo@contoso.com', // unverified and mutable: never used
        scp: 'Todo.Read',
        ver: '2.0',
        ...claims,
      },
      { header: { typ: 'JWT' } },
    );
  const v1Token = (claims: Record<string, unknown> = {}) =>
    entra.token(
      {
        ...common,
        iss: `${stand.url}/${TENANT}/`,
        aud: `api://${CLIENT}`,
        appid: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
        preferred_username: undefined,
        upn: 'alice@contoso.com',
        unique_name: 'alice@contoso.com',
        scp: 'Todo.Read',
        ver: '1.0',
        ...claims,
      },
      { header: { typ: 'JWT' } },
    );

  beforeAll(async () => {
    entra = createTestIssuer();
    stand = await serveKeysAt(
      () => `/${TENANT}/discovery/v2.0/keys`,
      () => entra.jwks,
    );
    const urls = { loginUrl: stand.url, stsUrl: stand.url };
    v2Api = createEntraApi({
      tenant: TENANT,
      clientId: CLIENT,
      tokenVersion: 2,
      directory,
      ...urls,
    });
    v1Api = createEntraApi({
      tenant: TENANT,
      clientId: CLIENT,
      tokenVersion: 1,
      directory,
      ...urls,
    });
  });
  afterAll(() => stand.close());

  it('accepts v2 tokens at a v2 API and v1 tokens at a v1 API, `scp` as scopes', async () => {
    expect(await call(v2Api, 'get', '/api/me', await v2Token())).toMatchObject({
      status: 200,
      body: { name: 'alice@contoso.com' },
    });
    expect((await call(v2Api, 'get', '/api/todos', await v2Token())).status).toBe(200);
    expect((await call(v1Api, 'get', '/api/todos', await v1Token())).status).toBe(200);
  });

  it('requires the app role in `roles`, and the delegated scope in `scp`', async () => {
    const noRole = await call(v2Api, 'delete', '/api/todos', await v2Token());
    expect(noRole).toMatchObject({ status: 403, reason: 'claims_mismatch' });
    const admin = await v2Token({ roles: ['Todo.Writer', 'Todo.Admin'] });
    expect((await call(v2Api, 'delete', '/api/todos', admin)).status).toBe(204);
    const v1Admin = await v1Token({ roles: ['Todo.Admin'] });
    expect((await call(v1Api, 'delete', '/api/todos', v1Admin)).status).toBe(204);
    const otherScope = await call(v2Api, 'get', '/api/todos', await v2Token({ scp: 'User.Read' }));
    expect(otherScope).toMatchObject({ status: 403, reason: 'insufficient_scope' });
  });

  it('refuses a v1 token at the v2 API, even one whose `aud` is the client id', async () => {
    expect(await call(v2Api, 'get', '/api/me', await v1Token())).toMatchObject({
      status: 400,
      reason: 'issuer_mismatch',
    });
    const sameAud = await v1Token({ aud: CLIENT });
    expect(await call(v2Api, 'get', '/api/me', sameAud)).toMatchObject({
      status: 400,
      reason: 'issuer_mismatch',
    });
    expect(await call(v1Api, 'get', '/api/me', await v2Token())).toMatchObject({
      status: 400,
      reason: 'issuer_mismatch',
    });
  });

  it('never finds a user by the unverified `email` claim', async () => {
    // A guest whose sign-in name is not in the directory, claiming a directory user's address.
    const claims = { preferred_username: 'mallory@fabrikam.com', email: 'alice@contoso.com' };
    expect(await call(v2Api, 'get', '/api/me', await v2Token(claims))).toMatchObject({
      status: 400,
      reason: 'user_not_found',
    });
  });

  it('is shown in the guide as it runs here', () => expectDocumented('./entra.ts'));
});

describe('Okta', () => {
  // Access token of a custom authorization server (ver 1, jti AT.…, cid, uid, scp array,
  // sub = login; header without typ):
  // https://developer.okta.com/docs/reference/api/oidc/#access-token
  // https://developer.okta.com/docs/guides/validate-access-tokens/main/
  const CLIENT = '0oa1b2c3d4e5f6g7h8i9';
  let stand: JsonServer;
  let okta: TestIssuer;
  let app: Express;
  const token = (claims: Record<string, unknown> = {}) =>
    okta.token(
      {
        ver: 1,
        jti: 'AT.0mP4JKAZX1iACIT4vbEDF7LpvDVjxypPMf0D7uX39RE',
        iss: `${stand.url}/oauth2/default`,
        aud: 'api://default',
        cid: CLIENT,
        uid: '00uid4BxXw6I6TV4m0g3',
        sub: 'alice@example.com',
        preferred_username: undefined,
        scope: undefined,
        scp: ['openid', 'orders.read'],
        groups: ['Everyone'],
        ...claims,
      },
      { header: { typ: undefined } },
    );

  beforeAll(async () => {
    okta = createTestIssuer();
    stand = await serveKeysAt(
      () => '/oauth2/default/v1/keys',
      () => okta.jwks,
    );
    app = createOktaApi({
      domain: 'dev-123456.okta.com',
      authorizationServer: 'default',
      audience: 'api://default',
      clientIds: [CLIENT],
      directory: memoryDirectory([{ name: 'alice@example.com', displayName: 'Alice' }]),
      baseUrl: stand.url,
    });
  });
  afterAll(() => stand.close());

  it('accepts a token of the custom authorization server, `scp` as scopes', async () => {
    expect(await call(app, 'get', '/api/me', await token())).toMatchObject({
      status: 200,
      body: { name: 'alice@example.com' },
    });
    expect((await call(app, 'get', '/api/orders', await token())).status).toBe(200);
  });

  it('requires the group in `groups`', async () => {
    const answer = await call(app, 'delete', '/api/orders/1', await token());
    expect(answer).toMatchObject({ status: 403, reason: 'claims_mismatch' });
    const admin = await token({ groups: ['Everyone', 'Order Admins'] });
    expect((await call(app, 'delete', '/api/orders/1', admin)).status).toBe(204);
  });

  it("refuses the org authorization server's tokens and another application's", async () => {
    const org = await token({ iss: stand.url, aud: stand.url });
    expect(await call(app, 'get', '/api/me', org)).toMatchObject({
      status: 400,
      reason: 'issuer_mismatch',
    });
    expect(await call(app, 'get', '/api/me', await token({ cid: '0oaOTHERAPP' }))).toMatchObject({
      status: 401,
      reason: 'client_mismatch',
    });
  });

  it('is shown in the guide as it runs here', () => expectDocumented('./okta.ts'));
});

describe('Keycloak', () => {
  // Access token (header typ JWT; payload typ "Bearer", azp, realm_access.roles,
  // resource_access.<client>.roles, scope, preferred_username, email_verified; aud from an
  // audience mapper): https://www.keycloak.org/docs/latest/server_admin/#_audience
  // https://www.keycloak.org/docs/latest/server_admin/#_oidc_token_and_saml_assertion_mappings
  let stand: JsonServer;
  let keycloak: TestIssuer;
  let app: Express;
  const token = (claims: Record<string, unknown> = {}) =>
    keycloak.token(
      {
        iss: `${stand.url}/realms/shop`,
        aud: ['orders-api', 'account'],
        typ: 'Bearer',
        azp: 'web-shop',
        sub: 'f1b0c5c8-2a6e-4c2a-9a8e-5f0b8a7e1d11',
        sid: '0d4c0e3c-95ad-4e5b-b7b2-2b5a3c1d9f00',
        preferred_username: 'alice',
        email: 'alice@example.com',
        email_verified: true,
        scope: 'openid profile email',
        realm_access: { roles: ['default-roles-shop', 'offline_access'] },
        resource_access: { 'orders-api': { roles: ['viewer'] }, account: { roles: [] } },
        ...claims,
      },
      { header: { typ: 'JWT' } },
    );

  beforeAll(async () => {
    keycloak = createTestIssuer();
    stand = await serveKeysAt(
      () => '/realms/shop/protocol/openid-connect/certs',
      () => keycloak.jwks,
    );
    app = createKeycloakApi({
      baseUrl: stand.url,
      realm: 'shop',
      apiClientId: 'orders-api',
      directory: memoryDirectory([{ name: 'alice', emailAddress: 'alice@example.com' }]),
    });
  });
  afterAll(() => stand.close());

  it('accepts a token for the API and checks a client role', async () => {
    expect(await call(app, 'get', '/api/me', await token())).toMatchObject({
      status: 200,
      body: { name: 'alice' },
    });
    expect((await call(app, 'get', '/api/orders', await token())).status).toBe(200);
    const noClientRole = await token({ resource_access: { 'orders-api': { roles: [] } } });
    expect(await call(app, 'get', '/api/orders', noClientRole)).toMatchObject({ status: 403 });
  });

  it('requires the realm role in `realm_access.roles`', async () => {
    const answer = await call(app, 'delete', '/api/orders/1', await token());
    expect(answer).toMatchObject({ status: 403, reason: 'claims_mismatch' });
    const admin = await token({ realm_access: { roles: ['default-roles-shop', 'admin'] } });
    expect((await call(app, 'delete', '/api/orders/1', admin)).status).toBe(204);
  });

  it('refuses a token without the audience mapper, and an ID token', async () => {
    const noMapper = await token({ aud: 'account' });
    expect(await call(app, 'get', '/api/me', noMapper)).toMatchObject({
      status: 400,
      reason: 'audience_mismatch',
    });
    const idToken = await token({ typ: 'ID', aud: 'web-shop', scope: undefined });
    expect(await call(app, 'get', '/api/me', idToken)).toMatchObject({
      status: 400,
      reason: 'audience_mismatch',
    });
  });

  it('is shown in the guide as it runs here', () => expectDocumented('./keycloak.ts'));
});

describe('Amazon Cognito', () => {
  // Access token (no aud; client_id, token_use "access", cognito:groups, scope, username;
  // header kid and alg only) and ID token (aud, token_use "id"):
  // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
  // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
  const POOL = 'eu-west-1_AbCdEf123';
  const CLIENT = '1example23456789abcdefghij';
  let stand: JsonServer;
  let cognito: TestIssuer;
  let app: Express;
  const token = (claims: Record<string, unknown> = {}) =>
    cognito.token(
      {
        iss: `${stand.url}/${POOL}`,
        aud: undefined,
        sub: 'aaaaaaaa-bbbb-cccc-dddd-example',
        'cognito:groups': ['readers'],
        version: 2,
        client_id: CLIENT,
        token_use: 'access',
        scope: 'orders/read',
        auth_time: now() - 60,
        jti: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        username: 'alice',
        preferred_username: undefined,
        ...claims,
      },
      { header: { typ: undefined } },
    );

  beforeAll(async () => {
    cognito = createTestIssuer();
    stand = await serveKeysAt(
      () => `/${POOL}/.well-known/jwks.json`,
      () => cognito.jwks,
    );
    app = createCognitoApi({
      region: 'eu-west-1',
      userPoolId: POOL,
      clientIds: [CLIENT],
      directory: memoryDirectory([{ name: 'alice', emailAddress: 'alice@example.com' }]),
      baseUrl: stand.url,
    });
  });
  afterAll(() => stand.close());

  it('accepts an access token of the app client, its custom scope included', async () => {
    expect(await call(app, 'get', '/api/me', await token())).toMatchObject({
      status: 200,
      body: { name: 'alice' },
    });
    expect((await call(app, 'get', '/api/orders', await token())).status).toBe(200);
  });

  it('requires the group in `cognito:groups`', async () => {
    const answer = await call(app, 'delete', '/api/orders/1', await token());
    expect(answer).toMatchObject({ status: 403, reason: 'claims_mismatch' });
    const admin = await token({ 'cognito:groups': ['readers', 'admins'] });
    expect((await call(app, 'delete', '/api/orders/1', admin)).status).toBe(204);
  });

  it('refuses an ID token of the same pool and client', async () => {
    const idToken = await token({
      aud: CLIENT,
      client_id: undefined,
      token_use: 'id',
      scope: undefined,
      username: undefined,
      'cognito:username': 'alice',
      email: 'alice@example.com',
      email_verified: true,
    });
    expect(await call(app, 'get', '/api/me', idToken)).toMatchObject({
      status: 400,
      reason: 'typ_mismatch',
    });
  });

  it('is shown in the guide as it runs here', () => expectDocumented('./cognito.ts'));
});

describe('Google', () => {
  // tokeninfo for an access token: azp, aud, sub, scope, exp, expires_in, email,
  // email_verified (a string), access_type; 400 {"error":"invalid_token"} for a bad one:
  // https://developers.google.com/identity/protocols/oauth2/javascript-implicit-flow#tokeninfo-validation
  const CLIENT = '1234567890-abc123def456.apps.googleusercontent.com';
  const DRIVE = 'https://www.googleapis.com/auth/drive.readonly';
  const tokens: Record<string, Record<string, unknown>> = {
    'ya29.alice': { aud: CLIENT, azp: CLIENT, scope: `openid ${DRIVE}` },
    'ya29.alice-no-drive': { aud: CLIENT, azp: CLIENT, scope: 'openid' },
    'ya29.alice-elsewhere': {
      aud: '999-other.apps.googleusercontent.com',
      azp: '999-other.apps.googleusercontent.com',
      scope: `openid ${DRIVE}`,
    },
  };
  let google: JsonServer;
  let app: Express;

  beforeAll(async () => {
    google = await startJsonServer((req) => {
      const info =
        req.path === '/tokeninfo' ? tokens[req.query.get('access_token') ?? ''] : undefined;
      if (!info) return { status: 400, json: { error: 'invalid_token' } };
      return {
        json: {
          ...info,
          sub: '110248495921238986420',
          exp: String(now() + HOUR),
          expires_in: String(HOUR),
          email: 'alice@example.com',
          email_verified: 'true',
          access_type: 'online',
        },
      };
    });
    app = createGoogleApi({
      clientIds: [CLIENT],
      directory: memoryDirectory([{ name: 'alice', emailAddress: 'alice@example.com' }]),
      baseUrl: google.url,
    });
  });
  afterAll(() => google.close());

  it('accepts a token of this client and finds the user by verified address', async () => {
    expect(await call(app, 'get', '/api/me', 'ya29.alice')).toMatchObject({
      status: 200,
      body: { name: 'alice' },
    });
    expect((await call(app, 'get', '/api/files', 'ya29.alice')).status).toBe(200);
    expect(google.count('/tokeninfo')).toBe(1); // cached
  });

  it('refuses a scope the token was not granted (403)', async () => {
    const answer = await call(app, 'get', '/api/files', 'ya29.alice-no-drive');
    expect(answer).toMatchObject({ status: 403, reason: 'insufficient_scope' });
  });

  it("refuses the same user's token issued to another site's client", async () => {
    expect(await call(app, 'get', '/api/me', 'ya29.alice-elsewhere')).toMatchObject({
      status: 400,
      reason: 'audience_mismatch',
    });
    expect(await call(app, 'get', '/api/me', 'ya29.revoked')).toMatchObject({
      status: 401,
      reason: 'provider_rejected',
    });
  });

  it('is shown in the guide as it runs here', () => expectDocumented('./google.ts'));
});

describe('GitHub', () => {
  // GET /user (login, id, email = the public address, null when none) and X-OAuth-Scopes:
  // https://docs.github.com/en/rest/users/users#get-the-authenticated-user
  // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
  const users: Record<string, { profile: Record<string, unknown>; scopes: string }> = {
    gho_octocat: {
      profile: { login: 'octocat', id: 583231, email: 'octocat@github.com' },
      scopes: 'repo, read:org',
    },
    gho_octocat_readonly: {
      profile: { login: 'octocat', id: 583231, email: 'octocat@github.com' },
      scopes: 'read:user',
    },
    // Anyone can show any address on their profile: this one is not theirs.
    gho_mallory: {
      profile: { login: 'mallory', id: 666, email: 'octocat@github.com' },
      scopes: 'repo',
    },
  };
  let github: JsonServer;
  let app: Express;

  beforeAll(async () => {
    github = await startJsonServer((req) => {
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      const user = req.path === '/user' ? users[token] : undefined;
      return user
        ? { json: user.profile, headers: { 'x-oauth-scopes': user.scopes } }
        : { status: 401, json: { message: 'Bad credentials' } };
    });
    app = createGithubApi({
      directory: memoryDirectory([{ name: 'octocat', emailAddress: 'octocat@github.com' }]),
      baseUrl: github.url,
    });
  });
  afterAll(() => github.close());

  it('accepts a token of a listed login, its scopes from X-OAuth-Scopes', async () => {
    expect(await call(app, 'get', '/api/me', 'gho_octocat')).toMatchObject({
      status: 200,
      body: { name: 'octocat' },
    });
    expect((await call(app, 'get', '/api/repos', 'gho_octocat')).status).toBe(200);
  });

  it('refuses a scope the token was not granted (403)', async () => {
    const answer = await call(app, 'get', '/api/repos', 'gho_octocat_readonly');
    expect(answer).toMatchObject({ status: 403, reason: 'insufficient_scope' });
  });

  it("never signs someone in by a public e-mail address matching a listed user's", async () => {
    expect(await call(app, 'get', '/api/me', 'gho_mallory')).toMatchObject({
      status: 400,
      reason: 'user_not_found',
    });
    expect(await call(app, 'get', '/api/me', 'gho_unknown')).toMatchObject({ status: 401 });
  });

  it('is shown in the guide as it runs here', () => expectDocumented('./github.ts'));
});
