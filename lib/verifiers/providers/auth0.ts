/**
 * Auth0: access tokens requested with your API's `audience` are JWTs with issuer
 * `https://{domain}/` and keys at `https://{domain}/.well-known/jwks.json`; `aud` is the API
 * identifier (`expectedAudience`), `azp` the client (`clientId`). Tokens requested without an
 * audience are opaque, only good for Auth0's own `/userinfo`, and are not accepted. An `email`
 * (added to access tokens by an Action) is trusted only with `email_verified: true`.
 */
import type { ProviderPreset } from './preset.js';

export const AUTH0 = {
  docs: [
    'https://auth0.com/docs/secure/tokens/access-tokens/validate-access-tokens',
    'https://auth0.com/docs/secure/tokens/json-web-tokens/json-web-key-sets',
    // email_verified: "True if the user's email address has been verified"
    'https://auth0.com/docs/manage-users/user-accounts/user-profiles/user-profile-structure',
  ],
  origin: 'https://{domain}',
  params: { domain: { kind: 'host', originOnly: true } },
  jwt: {
    issuers: ['{origin}/'],
    jwksUri: '{origin}/.well-known/jwks.json',
    clientClaims: ['azp', 'client_id'],
  },
  profile: {
    username: ['preferred_username', 'username', 'sub'],
    email: ['email'],
    subject: ['sub'],
    emailTrust: 'flag',
  },
} as const satisfies ProviderPreset;
