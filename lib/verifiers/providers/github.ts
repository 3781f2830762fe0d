/**
 * GitHub (OAuth apps and GitHub apps; no OIDC): `GET https://api.github.com/user` with the token
 * answers the user (`login`, `id`, `email` or null) and lists the granted scopes in the
 * `X-OAuth-Scopes` header; a bad token gets 401 `{"message":"Bad credentials"}`. GitHub requires a
 * `User-Agent`. `/user` does not name the OAuth app a token belongs to, so `clientId` /
 * `expectedAudience` cannot be checked. `email` is the user's *public* address, chosen by the
 * user and not necessarily verified (`/user/emails` says which are): it is never trusted unless
 * `trustEmail: true`. Scopes come only from `X-OAuth-Scopes`, GitHub's statement of the grant.
 */
import type { ProviderPreset } from './preset.js';

export const GITHUB = {
  docs: [
    'https://docs.github.com/en/rest/users/users#get-the-authenticated-user',
    // User-Agent is required; X-OAuth-Scopes lists the token's scopes
    'https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api',
    'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps',
    // "email": the publicly visible address; verification is only listed by /user/emails
    'https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user',
  ],
  origin: 'https://api.github.com',
  params: {},
  profileEndpoint: {
    path: '/user',
    method: 'GET',
    token: 'header',
    headers: {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'bearer-guard',
    },
    rejectStatuses: [401, 403],
  },
  profile: {
    username: ['login'],
    email: ['email'],
    subject: ['id', 'login'],
    emailTrust: 'flag',
    scopeHeader: 'x-oauth-scopes',
  },
} as const satisfies ProviderPreset;
