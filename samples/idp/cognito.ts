/**
 * Amazon Cognito user pools: access tokens carry no `aud` (the app client is `client_id`), say
 * `token_use: access` (ID tokens, signed by the same keys, say `id`), and list the user's groups in
 * `cognito:groups`. The `cognito` preset checks all of it; see docs/idp/cognito.md.
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

export interface CognitoApiOptions {
  /** The pool's region, `eu-west-1`. */
  region: string;
  /** The pool id, `eu-west-1_AbCdEf123`. */
  userPoolId: string;
  /** The app clients whose access tokens this API accepts. */
  clientIds: string[];
  directory: BearerAuthOptions['directory'];
  /** Replaces `https://cognito-idp.{region}.amazonaws.com` (tests). */
  baseUrl?: string;
}

export function createCognitoApi(options: CognitoApiOptions): Express {
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [
        oauthProviderVerifier({
          provider: 'cognito',
          region: options.region,
          userPoolId: options.userPoolId,
          // The audience check of Cognito access tokens: which app clients may call.
          clientId: options.clientIds,
          ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        }),
      ],
      // Users by `username`; access tokens carry no e-mail address.
      directory: options.directory,
    }),
  );
  app.get('/api/me', (req, res) => {
    res.json(req.auth?.user);
  });
  // A custom scope of a resource server: `{resource server identifier}/{scope}`.
  app.get('/api/orders', requireScopes('orders/read'), (_req, res) => {
    res.json([]);
  });
  // `cognito:groups` is an array: a scalar matches when the array contains it.
  app.delete('/api/orders/:id', requireClaims({ 'cognito:groups': 'admins' }), (_req, res) => {
    res.status(204).end();
  });
  return app;
}
// #endregion
