/**
 * Microsoft Entra ID (Azure AD): access tokens for your API are JWTs signed by the tenant's keys,
 * `https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys`. v2.0 tokens have issuer
 * `https://login.microsoftonline.com/{tenant}/v2.0`, v1.0 tokens `https://sts.windows.net/{tenant}/`.
 * `tenant` must be the directory (tenant) id, as the issuer carries it. `aud` is your API (check
 * it with `expectedAudience`); `azp` (v2.0) / `appid` (v1.0) is the calling client (`clientId`).
 * Microsoft Graph tokens are not meant to be validated by you and are not accepted. The `email`
 * claim is never trusted, whatever `trustEmail` or `email_verified` say: Microsoft documents it as
 * mutable and unverified (the "nOAuth" account takeover); use `preferred_username`, or `oid`
 * through a custom directory.
 */
import type { ProviderPreset } from './preset.js';

export const MICROSOFT = {
  docs: [
    'https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens',
    'https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference',
    // "email … this value isn't guaranteed to be correct and is mutable over time"
    'https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference',
    'https://learn.microsoft.com/en-us/entra/identity-platform/migrate-off-email-claim-authorization',
  ],
  origin: 'https://login.microsoftonline.com',
  params: { tenant: { kind: 'segment' } },
  jwt: {
    issuers: ['{origin}/{tenant}/v2.0', 'https://sts.windows.net/{tenant}/'],
    jwksUri: '{origin}/{tenant}/discovery/v2.0/keys',
    clientClaims: ['azp', 'appid'],
  },
  profile: {
    username: ['preferred_username', 'upn', 'unique_name'],
    email: ['email'],
    subject: ['sub', 'oid'],
    emailTrust: 'never',
  },
} as const satisfies ProviderPreset;
