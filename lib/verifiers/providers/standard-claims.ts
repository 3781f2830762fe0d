/**
 * The OpenID Connect standard claims (OIDC Core §5.1) as a profile mapping, shared by the
 * presets whose userinfo answers or access tokens use them.
 */
import type { ProfileMapping } from './preset.js';

/**
 * `preferred_username`, else `username` (else the verified e-mail address); subject `sub`;
 * `email` trusted when `email_verified` says so. No scopes: a userinfo profile describes the
 * user, not what a token grants (JWT access tokens carry their own `scope`).
 */
export const OIDC_PROFILE = {
  username: ['preferred_username', 'username'],
  email: ['email'],
  subject: ['sub'],
  emailTrust: 'flag',
} as const satisfies ProfileMapping;
