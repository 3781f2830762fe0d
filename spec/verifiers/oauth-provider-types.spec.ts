import { describe, expect, it } from '@jest/globals';
import type { OAuthProviderOptions } from '../../lib/index.js';

// Type-level checks: this file only has to compile. Each @ts-expect-error is a combination the
// option types refuse; the runtime refuses it too (oauth-provider-options.spec.ts).
const accepted: OAuthProviderOptions[] = [
  { provider: 'github' },
  { provider: 'google', clientId: 'x.apps.googleusercontent.com' },
  { provider: 'miniorange' },
  { provider: 'miniorange', domain: 'sso.acme.com' },
  { provider: 'loginradius', apiKey: 'key' },
  { provider: 'microsoft', tenant: 'tid', expectedAudience: 'api://x' },
  { provider: 'okta', domain: 'dev-1.okta.com', authorizationServer: 'aus1' },
  { provider: 'auth0', domain: 'acme.auth0.com' },
  { provider: 'keycloak', baseUrl: 'https://sso.acme.com', realm: 'main' },
  { provider: 'oidc', issuer: 'https://id.acme.com', expectedAudience: 'https://api.acme.com' },
  { provider: 'oidc', issuer: 'https://id.acme.com', expectedAudience: false },
  { provider: 'cognito', region: 'eu-west-1', userPoolId: 'eu-west-1_Ab', clientId: 'app' },
  { provider: 'cognito', baseUrl: 'http://127.0.0.1:9', userPoolId: 'p', clientId: false },
  { provider: 'github', trustEmail: true },
  { provider: 'custom', userinfoEndpoint: 'https://sso.acme.com/me', usernameField: 'login' },
];

const refused: OAuthProviderOptions[] = [
  // @ts-expect-error: microsoft needs a tenant
  { provider: 'microsoft' },
  // @ts-expect-error: loginradius needs its apiKey
  { provider: 'loginradius' },
  // @ts-expect-error: keycloak has no public origin, so baseUrl is required
  { provider: 'keycloak', realm: 'main' },
  // @ts-expect-error: custom needs usernameField
  { provider: 'custom', userinfoEndpoint: 'https://sso.acme.com/me' },
  // @ts-expect-error: no such preset
  { provider: 'facebook' },
  // @ts-expect-error: oidc needs an audience decision
  { provider: 'oidc', issuer: 'https://id.acme.com' },
  // @ts-expect-error: cognito needs its app clients
  { provider: 'cognito', region: 'eu-west-1', userPoolId: 'eu-west-1_Ab' },
  // @ts-expect-error: cognito access tokens have no aud
  {
    provider: 'cognito',
    region: 'eu-west-1',
    userPoolId: 'p',
    clientId: 'a',
    expectedAudience: 'x',
  },
];

describe('oauthProviderVerifier option types', () => {
  it('compile for every preset', () => {
    expect(accepted).toHaveLength(15);
    expect(refused).toHaveLength(8);
  });
});
