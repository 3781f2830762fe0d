/**
 * GitHub: OAuth app, GitHub app and personal access tokens are opaque. The `github` preset asks
 * `GET /user` who the token belongs to and reads its scopes from the `X-OAuth-Scopes` header.
 * GitHub cannot say which app a token was issued to: any valid token of a listed user gets in.
 */
// #region recipe
import express, { type Express } from 'express';
import {
  bearerAuth,
  oauthProviderVerifier,
  requireScopes,
  type BearerAuthOptions,
} from '../../lib/index.js';

export interface GithubApiOptions {
  directory: BearerAuthOptions['directory'];
  /** Replaces `https://api.github.com` (GitHub Enterprise Server: `https://{host}/api/v3`). */
  baseUrl?: string;
}

export function createGithubApi(options: GithubApiOptions): Express {
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [
        oauthProviderVerifier({
          provider: 'github',
          ttlSeconds: 60,
          ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
          // No trustEmail: /user's `email` is the address the user chose to show, not one
          // GitHub verified, so users are found by their login only.
        }),
      ],
      directory: options.directory,
    }),
  );
  app.get('/api/me', (req, res) => {
    res.json(req.auth?.user);
  });
  app.get('/api/repos', requireScopes('repo'), (_req, res) => {
    res.json([]);
  });
  return app;
}
// #endregion
