/**
 * Sample: per-route guards after bearerAuth. Scopes decide who may read or write issues; claims
 * decide who may see a tenant's billing or the reports (only verified e-mail addresses).
 *
 * Run it: npx tsx samples/route-guards/server.ts   (PORT overrides 3000)
 */
import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';
import {
  bearerAuth,
  jwtVerifier,
  requireAnyScope,
  requireClaims,
  requireScopes,
  type Decision,
  type JwtVerifierOptions,
} from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

export interface RouteGuardsOptions {
  jwt: JwtVerifierOptions;
  onDecision?: (decision: Decision) => void;
}

export function createApp({ jwt, onDecision }: RouteGuardsOptions): Express {
  const app = express();
  // A directory can be any function: here every verified user is welcome as they are.
  const directory = (identity: { subject: string; username?: string }) => ({
    id: identity.subject,
    name: identity.username,
  });
  app.use('/api', bearerAuth({ verifiers: [jwtVerifier(jwt)], directory, onDecision }));

  // Any one of the scopes is enough to read.
  app.get('/api/issues', requireAnyScope('issues:read', 'admin'), (_req, res) => {
    res.json([{ key: 'SEED-1', summary: 'First issue' }]);
  });
  // Every listed scope is needed to write or delete.
  app.post('/api/issues', requireScopes('issues:write'), (_req, res) => {
    res.status(201).json({ key: 'SEED-2' });
  });
  app.delete('/api/issues/:key', requireScopes('issues:write', 'admin'), (_req, res) => {
    res.status(204).end();
  });
  // Claims: an object means "these claims must have these values".
  app.get('/api/billing', requireClaims({ tenant: 'acme' }), (_req, res) => {
    res.json({ tenant: 'acme', plan: 'enterprise' });
  });
  // ... or a predicate over the claims.
  app.get(
    '/api/reports',
    requireClaims((claims) => claims.email_verified === true),
    (req, res) => res.json({ owner: req.auth?.identity.username, reports: [] }),
  );
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const issuer = createTestIssuer();
  const port = Number(process.env.PORT ?? 3000);
  createApp({ jwt: issuer.verifierOptions() }).listen(port, '127.0.0.1', async () => {
    const base = `http://127.0.0.1:${port}/api`;
    const reader = await issuer.tokenWithScopes('issues:read');
    const writer = await issuer.tokenWithScopes('issues:write', 'admin');
    console.log(`route-guards sample on ${base}`);
    console.log(`curl -H "Authorization: Bearer ${reader}" ${base}/issues              # 200`);
    console.log(`curl -X DELETE -H "Authorization: Bearer ${reader}" ${base}/issues/SEED-1  # 403`);
    console.log(`curl -X DELETE -H "Authorization: Bearer ${writer}" ${base}/issues/SEED-1  # 204`);
  });
}
