/**
 * Keycloak: a realm whose clients get access tokens for this API. Keycloak puts `account` (or
 * nothing useful) in `aud` until you add an audience mapper naming the API's client; realm roles
 * are in `realm_access.roles` and client roles in `resource_access.<client>.roles`.
 */
// #region recipe
import express, { type Express } from 'express';
import {
  bearerAuth,
  oauthProviderVerifier,
  requireClaims,
  type BearerAuthOptions,
} from '../../lib/index.js';

export interface KeycloakApiOptions {
  /** The Keycloak server, `https://sso.example.com` (with `/auth` before Keycloak 17). */
  baseUrl: string;
  realm: string;
  /**
   * The API's client id, put in `aud` by an audience mapper (Client scopes → dedicated scope →
   * Add mapper → Audience, "Included Client Audience").
   */
  apiClientId: string;
  directory: BearerAuthOptions['directory'];
}

export function createKeycloakApi(options: KeycloakApiOptions): Express {
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [
        oauthProviderVerifier({
          provider: 'keycloak',
          // Issuer {baseUrl}/realms/{realm}, keys at …/protocol/openid-connect/certs.
          baseUrl: options.baseUrl,
          realm: options.realm,
          // Without an audience mapper every token of the realm would do; with it, only those
          // meant for this API. ID tokens (`aud` = the front end's client) are refused too.
          expectedAudience: options.apiClientId,
        }),
      ],
      // Users by `preferred_username`; `email` only with `email_verified: true`.
      directory: options.directory,
    }),
  );
  app.get('/api/me', (req, res) => {
    res.json(req.auth?.user);
  });
  // A client role of the API's own client (dotted keys reach nested claims).
  app.get(
    '/api/orders',
    requireClaims({ [`resource_access.${options.apiClientId}.roles`]: 'viewer' }),
    (_req, res) => {
      res.json([]);
    },
  );
  // A realm role.
  app.delete('/api/orders/:id', requireClaims({ 'realm_access.roles': 'admin' }), (_req, res) => {
    res.status(204).end();
  });
  return app;
}
// #endregion
