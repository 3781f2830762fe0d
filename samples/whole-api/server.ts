/**
 * Sample: one `app.use()` protects a whole API. Every route under /rest/api needs a valid bearer
 * token whose user is in the directory; /health stays public.
 *
 * Run it: npx tsx samples/whole-api/server.ts   (PORT overrides 3000)
 */
import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';
import {
  bearerAuth,
  jwtVerifier,
  memoryDirectory,
  type Decision,
  type JwtVerifierOptions,
} from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

/** The people this API knows, shaped like the REST API's `GET /myself` answer. */
export const PEOPLE = [
  { name: 'admin', emailAddress: 'admin@gmail.com', displayName: 'admin', active: true },
  { name: 'jdoe', emailAddress: 'john.doe@example.com', displayName: 'John Doe', active: true },
];

export interface WholeApiOptions {
  /** How tokens are checked: your identity provider's issuer, audience and keys. */
  jwt: JwtVerifierOptions;
  /** Sees every decision (for logs and metrics). */
  onDecision?: (decision: Decision) => void;
}

export function createApp({ jwt, onDecision }: WholeApiOptions): Express {
  const app = express();
  app.get('/health', (_req, res) => res.json({ ok: true }));
  // Everything below this line needs a token.
  app.use(
    '/rest/api',
    bearerAuth({ verifiers: [jwtVerifier(jwt)], directory: memoryDirectory(PEOPLE), onDecision }),
  );
  app.get('/rest/api/2/myself', (req, res) => res.json(req.auth?.user));
  app.get('/rest/api/2/issue/:key', (req, res) => {
    res.json({ key: req.params.key, fields: { reporter: req.auth?.identity.username } });
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const issuer = createTestIssuer({ claims: { preferred_username: 'admin' } });
  const port = Number(process.env.PORT ?? 3000);
  createApp({ jwt: issuer.verifierOptions() }).listen(port, '127.0.0.1', async () => {
    const url = `http://127.0.0.1:${port}/rest/api/2/myself`;
    console.log(`whole-api sample on ${url}`);
    console.log(`curl -H "Authorization: Bearer ${await issuer.token()}" ${url}`);
    console.log(`curl -H "Authorization: Bearer ${await issuer.expiredToken()}" ${url}`);
  });
}
