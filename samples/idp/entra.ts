/**
 * Microsoft Entra ID: an app registration exposing an API (delegated scopes in `scp`) and app
 * roles (in `roles`). Which issuer its tokens carry depends on the registration's manifest:
 * `accessTokenAcceptedVersion` (`requestedAccessTokenVersion`) 2 gives v2 tokens, null or 1 gives
 * v1 tokens. The two differ in `iss` and, usually, `aud`.
 */
// #region recipe
import express, { type Express } from 'express';
import {
  bearerAuth,
  jwtVerifier,
  requireClaims,
  requireScopes,
  type BearerAuthOptions,
} from '../../lib/index.js';

export interface EntraApiOptions {
  /** Directory (tenant) ID. */
  tenant: string;
  /** Application (client) ID of the API's own registration. */
  clientId: string;
  /** Application ID URI ("Expose an API"). Default `api://{clientId}`. */
  appIdUri?: string;
  /** The manifest's `accessTokenAcceptedVersion`: 2, or 1 (also when it is null). */
  tokenVersion: 1 | 2;
  directory: BearerAuthOptions['directory'];
  /** Replaces `https://login.microsoftonline.com` (tests, sovereign clouds). */
  loginUrl?: string;
  /** Replaces `https://sts.windows.net`, the origin of v1 issuers. */
  stsUrl?: string;
}

export function createEntraApi(options: EntraApiOptions): Express {
  const { tenant, clientId, tokenVersion, directory } = options;
  const login = options.loginUrl ?? 'https://login.microsoftonline.com';
  const sts = options.stsUrl ?? 'https://sts.windows.net';
  const app = express();
  app.use(
    '/api',
    bearerAuth({
      verifiers: [
        jwtVerifier({
          // One key set signs v1 and v2 tokens of the tenant.
          jwksUri: `${login}/${tenant}/discovery/v2.0/keys`,
          // v2: https://login.microsoftonline.com/{tenant}/v2.0 — v1: https://sts.windows.net/{tenant}/
          issuer: tokenVersion === 2 ? `${login}/${tenant}/v2.0` : `${sts}/${tenant}/`,
          // v2 tokens carry the client ID in `aud`; v1 tokens what the client asked for, most
          // often the Application ID URI.
          audience:
            tokenVersion === 2 ? clientId : [options.appIdUri ?? `api://${clientId}`, clientId],
          // Users by their tenant-assigned sign-in name. Entra's `email` claim is unverified and
          // mutable: it is never trusted (no `email_verified`, and no `trustEmail` here).
          usernameClaim: tokenVersion === 2 ? 'preferred_username' : ['upn', 'unique_name'],
        }),
      ],
      directory,
    }),
  );
  app.get('/api/me', (req, res) => {
    res.json(req.auth?.user);
  });
  // Delegated permission ("Expose an API" → scope): in `scp`, checked like any scope.
  app.get('/api/todos', requireScopes('Todo.Read'), (_req, res) => {
    res.json([]);
  });
  // App role ("App roles", assigned to the user or the calling app): in the `roles` array.
  app.delete('/api/todos', requireClaims({ roles: 'Todo.Admin' }), (_req, res) => {
    res.status(204).end();
  });
  return app;
}
// #endregion
