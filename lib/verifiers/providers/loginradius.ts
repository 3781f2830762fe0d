/**
 * LoginRadius: the access token of its OAuth 2.0 flows (`/sso/oauth/access_token`) is a
 * LoginRadius access token, read back with the Authentication API's "Read Profile by Token",
 * `GET https://api.loginradius.com/identity/v2/auth/account?apikey=<API key>` with
 * `Authorization: Bearer`. Needs the site's public `apiKey` (never the API secret). The profile
 * does not name the OAuth client, so `clientId` / `expectedAudience` cannot be checked. The first
 * address is trusted when the profile says `EmailVerified: true`.
 */
import type { ProviderPreset } from './preset.js';

export const LOGINRADIUS = {
  docs: [
    // Read Profile by Token: /identity/v2/auth/account (the OAuth 2.0 token endpoints on
    // https://cloud-api.loginradius.com/sso/oauth/ issue the token it reads)
    'https://www.loginradius.com/docs/developer/api/authentication-api/',
  ],
  origin: 'https://api.loginradius.com',
  params: { apiKey: { kind: 'text' } },
  profileEndpoint: {
    path: '/identity/v2/auth/account?apikey={apiKey}',
    method: 'GET',
    token: 'header',
    rejectStatuses: [401, 403],
  },
  profile: {
    username: ['UserName'],
    email: [['Email', 0, 'Value']],
    subject: ['Uid', 'ID'],
    emailTrust: 'flag',
    // the profile's account-level flag (LoginRadius user profile: "EmailVerified")
    emailVerified: 'EmailVerified',
  },
} as const satisfies ProviderPreset;
