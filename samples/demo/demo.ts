/**
 * The `npm start` demo: a real authorization server (oidc-provider), a stand-in third-party
 * provider and a Jira-style API protected by a chain of all four verifier kinds, on 127.0.0.1.
 * `startDemo()` starts everything and returns the flows to show; main.ts prints them.
 */
import express, { type Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bearerAuth,
  clientCredentialsVerifier,
  introspectionVerifier,
  jwtVerifier,
  memoryDirectory,
  oauthProviderVerifier,
  requireAnyScope,
  requireScopes,
  type Decision,
} from '../../lib/index.js';
import { CLIENTS, JWT_RESOURCE, startAuthServer, type AuthServer } from './authorization-server.js';
import { USERS } from './users.js';
import { startAcmeProvider, type AcmeProvider } from './acme-provider.js';
import type { Flow } from './flows.js';

export interface DemoOptions {
  host?: string;
  apiPort?: number;
  authPort?: number;
  providerPort?: number;
  /** The authorization server's issuer URL. Default `http://<host>:<authPort>`. */
  issuer?: string | undefined;
  /** Called for every decision the API makes (the demo prints them). */
  onDecision?: (decision: Decision) => void;
}

export interface Demo {
  apiUrl: string;
  authServer: AuthServer;
  provider: AcmeProvider;
  /** The calls to show, in order, with the answers they should get. */
  flows: Flow[];
  close(): Promise<void>;
}

const ACCOUNT_BY_USERNAME: Record<string, string> = {
  admin: 'user-admin',
  jdoe: 'user-jdoe',
  ghost: 'user-ghost',
};
const seed = (message: string) => ({ error: { status: 'ERROR', message } });

/** The protected API: every verifier kind in one chain. */
export function createDemoApi(
  as: AuthServer,
  provider: AcmeProvider,
  onDecision?: (d: Decision) => void,
): Express {
  const jwt = jwtVerifier({
    jwksUri: `${as.issuer}/jwks`,
    issuer: as.issuer,
    audience: JWT_RESOURCE,
    typ: 'at+jwt',
  });
  const introspection = introspectionVerifier({
    endpoint: `${as.issuer}/token/introspection`,
    clientId: CLIENTS.resourceServer.clientId,
    clientSecret: CLIENTS.resourceServer.clientSecret,
    // An answer naming an audience must name this API's; the demo's opaque tokens are issued
    // without a resource indicator, so their answers name none.
    audience: JWT_RESOURCE,
    requireAudienceInAnswer: false,
    cache: { ttlSeconds: 30 },
  });
  const serviceAccounts = {
    [CLIENTS.reporting.clientId]: { user: 'svc-reports', scopes: ['read'] },
  };

  const app = express();
  // A stand-in for the interactive sign-in a real application would use to get a user token.
  app.post('/demo/login', express.urlencoded({ extended: false }), async (req, res) => {
    const accountId = ACCOUNT_BY_USERNAME[String(req.body?.username ?? '')];
    if (!accountId) {
      res.status(400).json({ error: 'unknown username (try admin, jdoe or ghost)' });
      return;
    }
    const scope = typeof req.body?.scope === 'string' ? req.body.scope : 'read write';
    const accessToken = await as.userToken({ accountId, format: 'jwt', scope });
    res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope });
  });

  app.use(
    '/rest/api',
    bearerAuth({
      verifiers: [
        clientCredentialsVerifier({ via: jwt, serviceAccounts }),
        jwt,
        oauthProviderVerifier({
          provider: 'custom',
          name: 'oauth-provider:acme',
          userinfoEndpoint: provider.userinfoEndpoint,
          usernameField: 'login',
          emailField: 'email',
          tokenPattern: /^acme_/,
        }),
        clientCredentialsVerifier({
          via: introspection,
          serviceAccounts,
          name: 'client-credentials:opaque',
        }),
        introspection,
      ],
      directory: memoryDirectory(USERS),
      onDecision,
    }),
  );
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user);
  });
  app.get('/rest/api/2/issue/:key', requireAnyScope('read', 'write'), (req, res) => {
    res.json({
      key: req.params.key,
      fields: { summary: 'A demo issue', reporter: req.auth?.identity.username },
    });
  });
  app.delete('/rest/api/2/issue/:key', requireScopes('write'), (_req, res) => {
    res.status(204).end();
  });
  return app;
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}

/** Grants itself an extra scope and keeps the old signature, which then no longer matches. */
function tamper(jwt: string): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  claims.scope = `${String(claims.scope ?? '')} admin`.trim();
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

/** Starts the authorization server, the provider and the API, and prepares the flows. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const host = options.host ?? '127.0.0.1';
  const as = await startAuthServer({ port: options.authPort ?? 0, host, issuer: options.issuer });
  const provider = await startAcmeProvider(options.providerPort ?? 0, host);
  const server = await listen(
    createDemoApi(as, provider, options.onDecision),
    options.apiPort ?? 0,
    host,
  );
  const apiUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  const myself = `${apiUrl}/rest/api/2/myself`;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const basic = (client: { clientId: string; clientSecret: string }) =>
    `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;

  const adminJwt = await as.userToken({
    accountId: 'user-admin',
    format: 'jwt',
    scope: 'read write',
  });
  const readOnlyJwt = await as.userToken({ accountId: 'user-jdoe', format: 'jwt', scope: 'read' });
  const ghostJwt = await as.userToken({ accountId: 'user-ghost', format: 'jwt', scope: 'read' });
  const expiredJwt = await as.signAccessToken({
    sub: 'user-admin',
    username: 'admin',
    scope: 'read',
    expiresIn: -3600,
  });
  const opaque = await as.userToken({ accountId: 'user-jdoe' });
  const revoked = await as.userToken({ accountId: 'user-admin' });
  await as.revoke(revoked);
  const service = await as.clientCredentials({
    client: CLIENTS.reporting,
    scope: 'read',
    resource: JWT_RESOURCE,
  });
  const stranger = await as.clientCredentials({
    client: CLIENTS.stranger,
    method: 'client_secret_post',
    scope: 'read',
    resource: JWT_RESOURCE,
  });
  const acmeToken = provider.issueToken('jdoe', 'john.doe@example.com');

  const flows: Flow[] = [
    { title: 'No token', method: 'GET', url: myself, expectStatus: 401 },
    {
      title: 'Sign in as admin (demo stand-in for your login flow) to get a user token',
      method: 'POST',
      url: `${apiUrl}/demo/login`,
      form: { username: 'admin', scope: 'read write' },
      expectStatus: 200,
    },
    {
      title: "A user's JWT access token (checked locally against the JWKS)",
      method: 'GET',
      url: myself,
      headers: bearer(adminJwt),
      expectStatus: 200,
      expectBody: USERS[0],
    },
    {
      title: "A user's opaque access token (checked by introspection)",
      method: 'GET',
      url: myself,
      headers: bearer(opaque),
      expectStatus: 200,
      expectBody: USERS[1],
    },
    {
      title: 'Get a service-account token with the client-credentials grant',
      method: 'POST',
      url: `${as.issuer}/token`,
      headers: { Authorization: basic(CLIENTS.reporting) },
      form: { grant_type: 'client_credentials', scope: 'read', resource: JWT_RESOURCE },
      expectStatus: 200,
    },
    {
      title: 'The service-account token: the API answers as svc-reports',
      method: 'GET',
      url: myself,
      headers: bearer(String(service.body.access_token)),
      expectStatus: 200,
      expectBody: USERS[2],
    },
    {
      title: 'A client-credentials token of a client with no service account',
      method: 'GET',
      url: myself,
      headers: bearer(String(stranger.body.access_token)),
      expectStatus: 401,
      expectBody: seed('Expired Token / invalid_client_ID'),
    },
    {
      title: 'A third-party provider token (Acme ID vouches for it at its userinfo endpoint)',
      method: 'GET',
      url: myself,
      headers: bearer(acmeToken),
      expectStatus: 200,
      expectBody: USERS[1],
    },
    {
      title: 'An expired token',
      method: 'GET',
      url: myself,
      headers: bearer(expiredJwt),
      expectStatus: 401,
      expectBody: seed('Token Expired: The token provided is expired.'),
    },
    {
      title: 'A tampered token (it granted itself the admin scope)',
      method: 'GET',
      url: myself,
      headers: bearer(tamper(adminJwt)),
      expectStatus: 400,
      expectBody: seed('Token Invalid: Error while validating the token.'),
    },
    {
      title: "A valid token of a user the directory doesn't know",
      method: 'GET',
      url: myself,
      headers: bearer(ghostJwt),
      expectStatus: 400,
      expectBody: seed('No user found with this username/email address'),
    },
    {
      title: 'A token revoked at the authorization server',
      method: 'GET',
      url: myself,
      headers: bearer(revoked),
      expectStatus: 401,
      expectBody: seed('Expired Token / invalid_client_ID'),
    },
    {
      title: "A token without the 'write' scope on a route that requires it",
      method: 'DELETE',
      url: `${apiUrl}/rest/api/2/issue/DEMO-1`,
      headers: bearer(readOnlyJwt),
      expectStatus: 403,
    },
    {
      title: 'The same route with a token that has it',
      method: 'DELETE',
      url: `${apiUrl}/rest/api/2/issue/DEMO-1`,
      headers: bearer(adminJwt),
      expectStatus: 204,
    },
  ];

  return {
    apiUrl,
    authServer: as,
    provider,
    flows,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([as.close(), provider.close()]);
    },
  };
}
