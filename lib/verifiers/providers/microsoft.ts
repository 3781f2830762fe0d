/**
 * Microsoft Entra ID (Azure AD): access tokens for your API are JWTs signed by the tenant's keys,
 * `https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys`. v2.0 tokens have issuer
 * `https://login.microsoftonline.com/{tenant}/v2.0`, v1.0 tokens `https://sts.windows.net/{tenant}/`.
 * `tenant` must be the directory (tenant) id, as the issuer carries it. `aud` is your API (check
 * it with `expectedAudience`); `azp` (v2.0) / `appid` (v1.0) is the calling client (`clientId`).
 * Microsoft Graph tokens are not meant to be validated by you and are not accepted.
 */
import type { ProviderPreset } from './preset.js';

export const MICROSOFT = {
  docs: [
    'https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens',
    'https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference',
  ],
  origin: 'https://login.microsoftonline.com',
  params: { tenant: { kind: 'segment' } },
  jwt: {
    issuers: ['{origin}/{tenant}/v2.0', 'https://sts.windows.net/{tenant}/'],
    jwksUri: '{origin}/{tenant}/discovery/v2.0/keys',
    clientClaims: ['azp', 'appid'],
  },
  profile: {
    username: ['preferred_username', 'upn', 'unique_name', 'email'],
    email: ['email'],
    subject: ['sub', 'oid'],
    scope: 'scp',
  },
} as const satisfies ProviderPreset;
