/**
 * Okta: a custom authorization server (`default` unless told) issues JWT access tokens with
 * issuer `https://{domain}/oauth2/{authorizationServer}`, keys at `…/v1/keys`, `aud` (default
 * `api://default`, checked by `expectedAudience`), `cid` (the client, checked by `clientId`) and
 * `sub` = the user's Okta login. Tokens of the org authorization server are not for your APIs.
 * An `email` (a custom claim) is trusted only with `email_verified: true` or `trustEmail`.
 */
import type { ProviderPreset } from './preset.js';

export const OKTA = {
  docs: [
    'https://developer.okta.com/docs/guides/validate-access-tokens/main/',
    // email_verified is part of the OIDC email scope Okta implements
    'https://developer.okta.com/docs/reference/api/oidc/#scope-dependent-claims-not-always-returned',
  ],
  origin: 'https://{domain}',
  params: {
    domain: { kind: 'host', originOnly: true },
    authorizationServer: { kind: 'segment', default: 'default' },
  },
  jwt: {
    issuers: ['{origin}/oauth2/{authorizationServer}'],
    jwksUri: '{origin}/oauth2/{authorizationServer}/v1/keys',
    clientClaims: ['cid'],
  },
  profile: { username: ['sub'], email: ['email'], subject: ['uid', 'sub'], emailTrust: 'flag' },
} as const satisfies ProviderPreset;
