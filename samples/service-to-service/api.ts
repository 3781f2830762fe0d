/**
 * The protected API of the service-to-service sample. Services call it with tokens they got for
 * themselves (client-credentials grant); users call it with their own tokens. Both kinds come
 * from one authorization server, so the client-credentials verifier goes first and passes user
 * tokens on to the plain JWT verifier.
 *
 *   ISSUER=https://id.example.com AUDIENCE=urn:example:api PORT=3000 npx tsx samples/service-to-service/api.ts
 */
import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  bearerAuth,
  clientCredentialsVerifier,
  jwtVerifier,
  memoryDirectory,
  requireScopes,
} from '../../lib/index.js';

/** Where the API's tokens come from. */
export interface ApiOptions {
  /** The authorization server's issuer URL. */
  issuer: string;
  /** The resource indicator the tokens are issued for (their `aud`). */
  audience: string;
  /** The server's JWK Set. Default `${issuer}/jwks`. */
  jwksUri?: string;
}

/** The directory: one person and one service account. */
const PEOPLE = [
  { name: 'admin', emailAddress: 'admin@example.com', displayName: 'Administrator' },
  { name: 'svc-reports', emailAddress: 'reports@example.com', displayName: 'Reporting service' },
];

/**
 * Builds the API. The reporting service (client `svc-reporting`) acts as the `svc-reports`
 * account and may only read, whatever scopes its token carries.
 *
 * @example
 * ```ts
 * createApi({ issuer: 'https://id.example.com', audience: 'urn:example:api' }).listen(3000);
 * ```
 */
export function createApi({ issuer, audience, jwksUri = `${issuer}/jwks` }: ApiOptions): Express {
  const tokens = jwtVerifier({ issuer, audience, jwksUri });
  const app = express();
  app.use(
    '/rest/api',
    bearerAuth({
      verifiers: [
        clientCredentialsVerifier({
          via: tokens,
          serviceAccounts: { 'svc-reporting': { user: 'svc-reports', scopes: ['read'] } },
        }),
        tokens,
      ],
      directory: memoryDirectory(PEOPLE),
    }),
  );
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user);
  });
  app.get('/rest/api/2/reports/weekly', requireScopes('read'), (req, res) => {
    const identity = req.auth?.identity;
    res.json({
      report: 'weekly',
      requestedBy: identity?.username,
      client: identity?.clientId,
      serviceAccount: identity?.serviceAccount,
      scopes: req.auth?.scopes,
    });
  });
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = createApi({
    issuer: process.env.ISSUER ?? 'http://127.0.0.1:4000',
    audience: process.env.AUDIENCE ?? 'urn:bearer-guard:api',
  }).listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`API on http://127.0.0.1:${port}/rest/api/2/myself`);
  });
}
