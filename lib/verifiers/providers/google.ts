/**
 * Google: access tokens are opaque. The tokeninfo endpoint,
 * `GET https://oauth2.googleapis.com/tokeninfo?access_token=…`, answers with `aud` / `azp` (the
 * OAuth client the token was issued to), `sub`, `email` (with the `email` scope), `scope` and
 * `exp`; an invalid or expired token gets 400 `{"error":"invalid_token"}`. So `clientId` and
 * `expectedAudience` can be checked, and the cache never outlives `exp`. `email` is trusted when
 * tokeninfo says `email_verified: "true"`. `scope` is tokeninfo's statement of the token's grant.
 */
import type { ProviderPreset } from './preset.js';

export const GOOGLE = {
  docs: [
    // tokeninfo for access tokens: aud, azp, sub, scope, exp, email
    'https://developers.google.com/identity/protocols/oauth2/javascript-implicit-flow#tokeninfo-validation',
    'https://cloud.google.com/docs/authentication/token-types#access-contents',
  ],
  origin: 'https://oauth2.googleapis.com',
  params: {},
  profileEndpoint: {
    path: '/tokeninfo',
    method: 'GET',
    token: { query: 'access_token' },
    rejectStatuses: [400, 401, 403],
    audienceFields: ['aud'],
    clientFields: ['azp', 'aud'],
  },
  profile: {
    username: [],
    email: ['email'],
    subject: ['sub'],
    emailTrust: 'flag',
    scope: 'scope',
    expiresAt: 'exp',
  },
} as const satisfies ProviderPreset;
