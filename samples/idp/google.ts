/**
 * Google: access tokens (`ya29.…`) are opaque. The `google` preset asks Google's tokeninfo
 * endpoint about each one (cached for `ttlSeconds`): which OAuth client it was issued to (`aud`,
 * `azp`), its scopes, its expiry, and the user's address with `email_verified`.
 */
// #region recipe
import express, { type Express } from 'express';
import {
  bearerAuth,
  oauthProviderVerifier,
  requireScopes,
  type BearerAuthOptions,
} from '../../lib/index.js';

export interface GoogleApiOptions {
  /** Your OAuth client id(s), `1234-abc.apps.googleusercontent.com`: whose tokens you accept. */
  clientIds: string[];
  directory: BearerAuthOptions['directory'];
  /** Replaces `https://oauth2.googleapis.com` (tests). */
  baseUrl?: string;
}

export function createGoogleApi(options: GoogleApiOptions): Express {
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [
        oauthProviderVerifier({
          provider: 'google',
          // Any Google token of any app would otherwise do: name your own client(s). A token
          // some other site obtained for the same user is refused.
          expectedAudience: options.clientIds,
          ttlSeconds: 60,
          ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        }),
      ],
      // Users by their e-mail address, which tokeninfo states with `email_verified: "true"`
      // (the token needs the `email` scope).
      directory: options.directory,
    }),
  );
  app.get('/api/me', (req, res) => {
    res.json(req.auth?.user);
  });
  // tokeninfo's `scope` is the grant.
  app.get(
    '/api/files',
    requireScopes('https://www.googleapis.com/auth/drive.readonly'),
    (_req, res) => {
      res.json([]);
    },
  );
  return app;
}
// #endregion
