/**
 * Fake JWT providers for the JWT presets: each serves its JWK Set where the provider's
 * documentation puts it, and describes the access tokens it issues (issuer, audience, client
 * claim, username claims), as that documentation shows them.
 */
import type { OAuthProviderOptions } from '../../../lib/index.js';

export interface JwtFixture {
  provider: string;
  options(url: string): OAuthProviderOptions;
  jwksPath: string;
  issuer(url: string): string;
  /** The admin's access token claims (without iss). `undefined` drops a default claim. */
  claims(url: string): Record<string, unknown>;
  /** Claims that take away everything the username could come from; none: not applicable. */
  noUsername?: Record<string, unknown>;
  /** The claim naming the client, and the audience (for the mismatch cases). */
  clientClaim: string;
  audience?: string;
  /**
   * The username is an e-mail-shaped name the tenant assigns (Entra UPN, Okta login), so the
   * directory matches it against e-mail addresses: memoryDirectory's `matchUsernameAsEmail`.
   */
  matchUsernameAsEmail?: boolean;
}

export const TENANT = 'b9b8e7c6-1111-2222-3333-444455556666';
const NO_DEFAULTS = { preferred_username: undefined, scope: undefined, sub: undefined };

export const JWT_FIXTURES: JwtFixture[] = [
  {
    provider: 'microsoft',
    options: (url) => ({
      provider: 'microsoft',
      tenant: TENANT,
      baseUrl: url,
      expectedAudience: 'api://bearer-guard',
      clientId: 'client-app',
    }),
    jwksPath: `/${TENANT}/discovery/v2.0/keys`,
    issuer: (url) => `${url}/${TENANT}/v2.0`,
    claims: () => ({
      ...NO_DEFAULTS,
      aud: 'api://bearer-guard',
      azp: 'client-app',
      preferred_username: 'admin@gmail.com',
      oid: '00000000-0000-0000-0000-00000000a11e',
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      scp: 'read write',
      tid: TENANT,
      ver: '2.0',
    }),
    noUsername: { preferred_username: undefined },
    clientClaim: 'azp',
    audience: 'api://bearer-guard',
    matchUsernameAsEmail: true,
  },
  {
    provider: 'okta',
    options: (url) => ({
      provider: 'okta',
      baseUrl: url,
      expectedAudience: 'api://default',
      clientId: '0oa1clientid',
    }),
    jwksPath: '/oauth2/default/v1/keys',
    issuer: (url) => `${url}/oauth2/default`,
    claims: () => ({
      ...NO_DEFAULTS,
      ver: 1,
      jti: 'AT.x1',
      aud: 'api://default',
      cid: '0oa1clientid',
      uid: '00u1adminuid',
      scp: ['read', 'write'],
      sub: 'admin@gmail.com',
    }),
    clientClaim: 'cid',
    audience: 'api://default',
    matchUsernameAsEmail: true,
  },
  {
    provider: 'auth0',
    options: (url) => ({
      provider: 'auth0',
      baseUrl: url,
      expectedAudience: 'https://api.example.test',
      clientId: 'spa-client',
      usernameField: 'https://example.test/username',
    }),
    jwksPath: '/.well-known/jwks.json',
    issuer: (url) => `${url}/`,
    claims: (url) => ({
      ...NO_DEFAULTS,
      sub: 'auth0|64b7c1',
      aud: ['https://api.example.test', `${url}/userinfo`],
      azp: 'spa-client',
      scope: 'openid read write',
      'https://example.test/username': 'admin',
    }),
    noUsername: { 'https://example.test/username': undefined },
    clientClaim: 'azp',
    audience: 'https://api.example.test',
  },
  {
    provider: 'keycloak',
    options: (url) => ({ provider: 'keycloak', baseUrl: url, realm: 'acme', clientId: 'web-app' }),
    jwksPath: '/realms/acme/protocol/openid-connect/certs',
    issuer: (url) => `${url}/realms/acme`,
    claims: () => ({
      ...NO_DEFAULTS,
      sub: 'f1c2a3b4-0000-4000-8000-000000000001',
      typ: 'Bearer',
      azp: 'web-app',
      aud: 'account',
      preferred_username: 'admin',
      email: 'admin@gmail.com',
      scope: 'openid email profile',
    }),
    noUsername: { preferred_username: undefined, email: undefined },
    clientClaim: 'azp',
  },
];
