/**
 * The OpenID Connect standard claims (OIDC Core §5.1) as a profile mapping, shared by the
 * presets whose userinfo answers or access tokens use them.
 */
import type { ProfileMapping } from './preset.js';

/** `preferred_username`, else `username`, else `email`; subject `sub`; scopes from `scope`/`scp`. */
export const OIDC_PROFILE = {
  username: ['preferred_username', 'username', 'email'],
  email: ['email'],
  subject: ['sub'],
  scope: 'scope',
} as const satisfies ProfileMapping;
