/**
 * startAuthServer(): a real OAuth 2.0 authorization server (oidc-provider) on 127.0.0.1, for
 * integration tests and the demo. It issues opaque and JWT (RFC 9068) access tokens, supports the
 * client-credentials grant, introspection (RFC 7662), revocation (RFC 7009), userinfo and
 * discovery, and counts the requests each endpoint receives.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type JWK } from 'jose';
import Provider, { errors as providerErrors, type ClientMetadata } from 'oidc-provider';

/** The resource indicator whose tokens are JWTs (RFC 8707 + RFC 9068). */
export const JWT_RESOURCE = 'urn:bearer-guard:api';

export interface TestClient {
  clientId: string;
  clientSecret: string;
}

/** Clients every server knows. */
export const CLIENTS = {
  /** The protected API itself: allowed to introspect. */
  resourceServer: { clientId: 'api-resource-server', clientSecret: 'rs-secret-0123456789abcdef' },
  /** A service mapped to a service account. */
  reporting: { clientId: 'svc-reporting', clientSecret: 'reporting-secret-0123456789' },
  /** A service nobody mapped. */
  stranger: { clientId: 'svc-stranger', clientSecret: 'stranger-secret-0123456789' },
  /** The application users sign in to. */
  webApp: { clientId: 'web-app', clientSecret: 'web-app-secret-0123456789' },
} satisfies Record<string, TestClient>;

/** Accounts: id → profile claims. */
export const ACCOUNTS: Record<string, Record<string, unknown>> = {
  'user-admin': { preferred_username: 'admin', email: 'admin@gmail.com', name: 'admin' },
  'user-jdoe': { preferred_username: 'jdoe', email: 'john.doe@example.com', name: 'John Doe' },
  'user-ghost': { preferred_username: 'ghost', email: 'ghost@example.com', name: 'Nobody' },
};

export interface AuthServer {
  /** The issuer URL (`http://127.0.0.1:<port>`). */
  issuer: string;
  port: number;
  provider: Provider;
  /** Requests seen, by path (`/token/introspection`, `/jwks`, `/me`, …). */
  counts: Record<string, number>;
  /** The server's public signing JWKs. */
  publicJwks: { keys: JWK[] };
  /** An access token for a user, issued to `web-app`: opaque (default) or a JWT for `JWT_RESOURCE`. */
  userToken(options: {
    accountId: string;
    scope?: string;
    format?: 'opaque' | 'jwt';
    expiresIn?: number;
  }): Promise<string>;
  /** A real `POST /token` with `grant_type=client_credentials`. */
  clientCredentials(options: {
    client: TestClient;
    method?: 'client_secret_basic' | 'client_secret_post';
    scope?: string;
    resource?: string;
  }): Promise<{ status: number; body: Record<string, unknown> }>;
  /**
   * An RFC 9068 access token signed with the server's own key, for claims oidc-provider will not
   * issue itself (e.g. one that expired an hour ago: `expiresIn: -3600`).
   */
  signAccessToken(options: {
    sub: string;
    scope?: string;
    expiresIn: number;
    username?: string;
  }): Promise<string>;
  /** A real `POST /token/revocation` by the client the token was issued to. */
  revoke(token: string, client?: TestClient): Promise<number>;
  close(): Promise<void>;
}

function clientsConfig(): ClientMetadata[] {
  const confidential = (
    client: TestClient,
    grants: string[],
    method: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic',
  ): ClientMetadata => ({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: grants,
    redirect_uris: grants.includes('authorization_code') ? ['http://127.0.0.1/callback'] : [],
    response_types: grants.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: method,
  });
  return [
    confidential(CLIENTS.resourceServer, []),
    confidential(CLIENTS.reporting, ['client_credentials']),
    // Allowed both ways so tests can use either method; oidc-provider checks the one registered.
    confidential(CLIENTS.stranger, ['client_credentials'], 'client_secret_post'),
    confidential(CLIENTS.webApp, ['authorization_code']),
  ];
}

/** Starts the server on 127.0.0.1 and an ephemeral port (or `port`). */
export async function startAuthServer(
  options: {
    port?: number;
    host?: string;
    issuer?: string;
    /** Also issue (and introspect) refresh tokens: the `offline_access` scope exists. */
    refreshTokens?: boolean;
  } = {},
): Promise<AuthServer> {
  const host = options.host ?? '127.0.0.1';
  const counts: Record<string, number> = {};
  const route: {
    handler?: (
      req: import('node:http').IncomingMessage,
      res: import('node:http').ServerResponse,
    ) => void;
  } = {};
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    counts[path] = (counts[path] ?? 0) + 1;
    if (route.handler) route.handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = options.issuer ?? `http://${host}:${port}`;

  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateJwk = {
    ...(signing.privateKey.export({ format: 'jwk' }) as JWK),
    kid: 'as-rs256',
    alg: 'RS256',
    use: 'sig',
  };
  const publicJwk = {
    ...(signing.publicKey.export({ format: 'jwk' }) as JWK),
    kid: 'as-rs256',
    alg: 'RS256',
    use: 'sig',
  };

  const provider = new Provider(issuer, {
    clients: clientsConfig(),
    jwks: { keys: [privateJwk] },
    scopes: [
      'openid',
      'profile',
      'email',
      'read',
      'write',
      'delete',
      ...(options.refreshTokens ? ['offline_access'] : []),
    ],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'] },
    findAccount: async (_ctx, accountId) => {
      const profile = ACCOUNTS[accountId];
      if (!profile) return undefined;
      return { accountId, claims: async () => ({ sub: accountId, ...profile }) };
    },
    extraTokenClaims: async (_ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId;
      const username = accountId ? ACCOUNTS[accountId]?.preferred_username : undefined;
      return username ? { username } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // The resource server may introspect any token; a client only its own.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) =>
          client.clientId === CLIENTS.resourceServer.clientId || client.clientId === token.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => client.clientId === token.clientId,
      },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => undefined,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== JWT_RESOURCE) throw new providerErrors.InvalidTarget();
          return {
            audience: JWT_RESOURCE,
            scope: 'read write delete',
            accessTokenTTL: 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    ttl: { AccessToken: 3600, ClientCredentials: 3600, Grant: 86400 },
  });
  provider.on('server_error', () => undefined);
  route.handler = provider.callback();

  const tokenUrl = `${issuer}/token`;
  const basic = (client: TestClient) =>
    `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;

  return {
    issuer,
    port,
    provider,
    counts,
    publicJwks: { keys: [publicJwk] },
    async userToken({ accountId, scope = 'openid read write', format = 'opaque', expiresIn }) {
      const client = await provider.Client.find(CLIENTS.webApp.clientId);
      if (!client) throw new Error('web-app client missing');
      const grant = new provider.Grant({ accountId, clientId: client.clientId });
      grant.addOIDCScope(
        scope
          .split(' ')
          .filter((s) => s === 'openid' || s === 'profile' || s === 'email')
          .join(' ') || 'openid',
      );
      if (format === 'jwt')
        grant.addResourceScope(
          JWT_RESOURCE,
          scope
            .split(' ')
            .filter((s) => s !== 'openid')
            .join(' '),
        );
      const grantId = await grant.save();
      const username = ACCOUNTS[accountId]?.preferred_username;
      const token = new provider.AccessToken({
        accountId,
        client,
        grantId,
        gty: 'authorization_code',
        scope:
          format === 'jwt'
            ? scope
                .split(' ')
                .filter((s) => s !== 'openid')
                .join(' ')
            : scope,
        ...(expiresIn !== undefined ? { expiresIn } : {}),
        ...(username ? { extra: { username } } : {}),
      });
      if (format === 'jwt') {
        token.resourceServer = new provider.ResourceServer(JWT_RESOURCE, {
          audience: JWT_RESOURCE,
          scope: 'read write delete',
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        });
      }
      return token.save();
    },
    async clientCredentials({ client, method = 'client_secret_basic', scope, resource }) {
      const form = new URLSearchParams({ grant_type: 'client_credentials' });
      if (scope) form.set('scope', scope);
      if (resource) form.set('resource', resource);
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
      };
      if (method === 'client_secret_basic') headers.authorization = basic(client);
      else {
        form.set('client_id', client.clientId);
        form.set('client_secret', client.clientSecret);
      }
      const res = await fetch(tokenUrl, { method: 'POST', headers, body: form });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async signAccessToken({ sub, scope = 'read', expiresIn, username }) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        client_id: CLIENTS.webApp.clientId,
        scope,
        ...(username ? { username } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(JWT_RESOURCE)
        .setSubject(sub)
        .setIssuedAt(Math.min(now, now + expiresIn - 3600))
        .setExpirationTime(now + expiresIn)
        .setJti(randomUUID())
        .sign(signing.privateKey);
    },
    async revoke(token, client = CLIENTS.webApp) {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(client),
        },
        body: new URLSearchParams({ token }),
      });
      return res.status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
