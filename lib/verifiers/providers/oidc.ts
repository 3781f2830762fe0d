/**
 * Any OpenID Connect provider, given its `issuer`: discovery
 * (`{issuer}/.well-known/openid-configuration`) gives `userinfo_endpoint` and `jwks_uri`. JWT
 * access tokens are checked against the JWK Set as RFC 9068 access tokens only (`typ` `at+jwt`:
 * an ID token or a logout token is refused), with `aud` (`expectedAudience`, required: a value, a
 * list, or `false`) and `client_id` / `azp` (`clientId`); opaque ones at userinfo, which cannot
 * tell the audience or the client, so with `expectedAudience` or `clientId` set they are passed
 * to the next verifier. Userinfo's `email` is trusted with `email_verified: true`; its `scope`
 * member, if any, grants nothing.
 */
import type { ProviderPreset } from './preset.js';
import { OIDC_PROFILE } from './standard-claims.js';

export const OIDC = {
  docs: [
    'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata',
    'https://openid.net/specs/openid-connect-core-1_0.html#UserInfo',
    'https://www.rfc-editor.org/rfc/rfc9068',
  ],
  origin: '{issuer}',
  params: { issuer: { kind: 'url', originOnly: true } },
  discovery: '{origin}',
  profileEndpoint: {
    discover: true,
    method: 'GET',
    token: 'header',
    rejectStatuses: [401, 403],
  },
  jwt: { discover: true, typ: 'at+jwt', audience: 'required', clientClaims: ['client_id', 'azp'] },
  profile: OIDC_PROFILE,
} as const satisfies ProviderPreset;
