/**
 * Auth0: an API registered under Applications → APIs, whose access tokens are JWTs signed by the
 * tenant's keys. With "Enable RBAC" and "Add Permissions in the Access Token" on, what a user may
 * do is in the `permissions` claim, which `scopeClaims` turns into scopes for `requireScopes`.
 */
// #region recipe
import express, { type Express } from 'express';
import { bearerAuth, jwtVerifier, requireScopes, type BearerAuthOptions } from '../../lib/index.js';

export interface Auth0ApiOptions {
  /** The tenant as an issuer URL: `https://{tenant}.auth0.com/` or your custom domain. */
  issuerUrl: string;
  /** The API's Identifier (Applications → APIs → Settings): the `aud` of its tokens. */
  audience: string;
  directory: BearerAuthOptions['directory'];
}

export function createAuth0Api({ issuerUrl, audience, directory }: Auth0ApiOptions): Express {
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [
        jwtVerifier({
          // The discovery document names the issuer (with its trailing slash) and the JWK Set.
          discovery: issuerUrl,
          // A token for another API of the tenant is refused; so is the opaque token a login
          // without an `audience` parameter gets (it is only good for /userinfo).
          audience,
          // RBAC permissions count as scopes, beside the token's `scope`.
          scopeClaims: ['permissions'],
        }),
      ],
      // Auth0 access tokens name the user by `sub` only (`auth0|…`, `google-oauth2|…`).
      directory,
    }),
  );
  app.get('/api/me', (req, res) => {
    res.json(req.auth?.user);
  });
  app.get('/api/messages', requireScopes('read:messages'), (_req, res) => {
    res.json([]);
  });
  app.delete('/api/messages/:id', requireScopes('delete:messages'), (_req, res) => {
    res.status(204).end();
  });
  return app;
}
// #endregion
