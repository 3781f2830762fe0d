/**
 * Keycloak: access tokens are JWTs with issuer `{baseUrl}/realms/{realm}` and keys at
 * `{baseUrl}/realms/{realm}/protocol/openid-connect/certs`; `azp` is the client (`clientId`),
 * `aud` is set by audience mappers (`expectedAudience`). There is no public default origin:
 * `baseUrl` (the server, with `/auth` for old versions) is required. `email` is trusted when the
 * token says `email_verified: true`.
 */
import type { ProviderPreset } from './preset.js';
import { OIDC_PROFILE } from './standard-claims.js';

export const KEYCLOAK = {
  docs: [
    'https://www.keycloak.org/securing-apps/oidc-layers',
    'https://www.keycloak.org/docs/latest/server_admin/#_audience',
    // the "email verified" mapper of the built-in email scope adds email_verified
    'https://www.keycloak.org/docs/latest/server_admin/#_oidc_token_and_saml_assertion_mappings',
  ],
  params: { realm: { kind: 'segment' } },
  jwt: {
    issuers: ['{origin}/realms/{realm}'],
    jwksUri: '{origin}/realms/{realm}/protocol/openid-connect/certs',
    clientClaims: ['azp'],
  },
  profile: OIDC_PROFILE,
} as const satisfies ProviderPreset;
