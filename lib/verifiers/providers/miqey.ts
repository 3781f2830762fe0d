/**
 * miQey (OpenID Connect on `https://app.miqey.com`): the access token from `POST /oauth/token` is
 * checked at the OIDC userinfo endpoint under the same `/oauth/` prefix, `GET /oauth/userinfo`,
 * with `Authorization: Bearer`. The answer does not name the client, so `clientId` /
 * `expectedAudience` cannot be checked.
 */
import type { ProviderPreset } from './preset.js';
import { OIDC_PROFILE } from './standard-claims.js';

export const MIQEY = {
  docs: [
    // Authorize and token endpoints; userinfo follows the same /oauth/ prefix (OIDC Core §5.3).
    'https://help.miqey.com/en/c/miqey-documentation/direct-api-integration',
  ],
  origin: 'https://app.miqey.com',
  params: {},
  profileEndpoint: {
    path: '/oauth/userinfo',
    method: 'GET',
    token: 'header',
    rejectStatuses: [401, 403],
  },
  profile: { ...OIDC_PROFILE, username: ['preferred_username', 'phone_number'] },
} as const satisfies ProviderPreset;
