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
  { provider: 'oidc', issuer: 'https://id.acme.com' },
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
];

describe('oauthProviderVerifier option types', () => {
  it('compile for every preset', () => {
    expect(accepted).toHaveLength(11);
    expect(refused).toHaveLength(5);
  });
});
