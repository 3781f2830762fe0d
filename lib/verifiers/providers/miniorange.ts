/**
 * miniOrange (OAuth 2.0 / OIDC): opaque access tokens checked at the userinfo endpoint
 * `GET https://login.xecurify.com/moas/rest/oauth/getuserinfo` with `Authorization: Bearer`, on
 * the customer's own domain when it has one. The answer does not name the client a token was
 * issued to, so `clientId` / `expectedAudience` cannot be checked. `email` is trusted only when
 * the answer says `email_verified: true` (or with `trustEmail: true`).
 */
import type { ProviderPreset } from './preset.js';

export const MINIORANGE = {
  docs: [
    // "Fetching User Details From User Info Endpoint" of miniOrange's OAuth 2.0 API reference;
    // OIDC endpoints: https://developers.miniorange.com/docs/idp/api/openid-api
    'https://developers.miniorange.com/docs/idp/api/openid-api',
  ],
  origin: 'https://{domain}',
  params: { domain: { kind: 'host', default: 'login.xecurify.com', originOnly: true } },
  profileEndpoint: {
    path: '/moas/rest/oauth/getuserinfo',
    method: 'GET',
    token: 'header',
    rejectStatuses: [401, 403],
  },
  profile: {
    username: ['username', 'preferred_username'],
    email: ['email'],
    subject: ['sub', 'username'],
    emailTrust: 'flag',
  },
} as const satisfies ProviderPreset;
