/**
 * Okta: an API behind a custom authorization server (the `default` one, or one you created under
 * Security → API). Its access tokens are JWTs with the user's login in `sub`, the client in `cid`
 * and the granted scopes in `scp`; a "groups" claim, when you add one, lists the user's groups.
 */
// #region recipe
import express, { type Express } from 'express';
import {
  bearerAuth,
  oauthProviderVerifier,
  requireClaims,
  requireScopes,
  type BearerAuthOptions,
} from '../../lib/index.js';

export interface OktaApiOptions {
  /** The Okta org's domain, `dev-123456.okta.com` (or your custom domain). */
  domain: string;
  /** The custom authorization server's id; `default` for the default one. */
  authorizationServer: string;
  /** That server's Audience (Security → API → Settings), e.g. `api://default`. */
  audience: string;
  /** The client ids (`cid`) of the applications allowed to call this API. */
  clientIds: string[];
  directory: BearerAuthOptions['directory'];
  /** Replaces `https://{domain}` (tests). */
  baseUrl?: string;
}

export function createOktaApi(options: OktaApiOptions): Express {
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [
        oauthProviderVerifier({
          provider: 'okta',
          domain: options.domain,
          // Issuer https://{domain}/oauth2/{authorizationServer}, keys at …/v1/keys. Tokens of
          // the org authorization server (issuer https://{domain}) are not for your APIs: they
          // are passed on, and refused when no other verifier takes them.
          authorizationServer: options.authorizationServer,
          expectedAudience: options.audience,
          clientId: options.clientIds,
          ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        }),
      ],
      // The preset names users by `sub`, the Okta login (often an e-mail address).
      directory: options.directory,
    }),
  );
  app.get('/api/me', (req, res) => {
    res.json(req.auth?.user);
  });
  app.get('/api/orders', requireScopes('orders.read'), (_req, res) => {
    res.json([]);
  });
  // A "groups" claim (Security → API → Claims, value type Groups) is an array.
  app.delete('/api/orders/:id', requireClaims({ groups: 'Order Admins' }), (_req, res) => {
    res.status(204).end();
  });
  return app;
}
// #endregion
