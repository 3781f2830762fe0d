/**
 * Sample: two issuers in one chain. Employees sign in at the workforce identity provider,
 * partners at their own; both call the same API. Each jwtVerifier handles only tokens whose
 * `iss` is its issuer and *passes* the others on, so the order does not matter for valid tokens,
 * and a token of the right issuer that is bad (expired, tampered) is rejected, never retried.
 *
 * Run it: npx tsx samples/multiple-issuers/server.ts   (PORT overrides 3000)
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

export interface MultipleIssuersOptions {
  /** The employees' identity provider. */
  workforce: JwtVerifierOptions;
  /** The partners' identity provider; partners are known by e-mail address. */
  partners: JwtVerifierOptions;
  onDecision?: (decision: Decision) => void;
}

export const ACCOUNTS = [
  { name: 'admin', emailAddress: 'admin@gmail.com', kind: 'employee' },
  { name: 'acme-integration', emailAddress: 'dev@acme.example', kind: 'partner' },
];

export function createApp(options: MultipleIssuersOptions): Express {
  const app = express();
  const verifiers = [
    jwtVerifier({ ...options.workforce, name: 'workforce' }),
    // Partners are found by their verified e-mail address (email_verified: true): an address
    // their IdP has not verified never names an account.
    jwtVerifier({ ...options.partners, name: 'partners' }),
  ];
  app.use(
    '/rest/api',
    bearerAuth({ verifiers, directory: memoryDirectory(ACCOUNTS), onDecision: options.onDecision }),
  );
  app.get('/rest/api/2/myself', (req, res) => {
    res.json({ ...req.auth?.user, signedInVia: req.auth?.identity.verifier });
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const workforce = createTestIssuer({ issuer: 'https://login.example.com' });
  const partners = createTestIssuer({ issuer: 'https://partners.example.net', alg: 'ES256' });
  const port = Number(process.env.PORT ?? 3000);
  const app = createApp({
    workforce: workforce.verifierOptions(),
    partners: partners.verifierOptions(),
  });
  app.listen(port, '127.0.0.1', async () => {
    const url = `http://127.0.0.1:${port}/rest/api/2/myself`;
    const employee = await workforce.token({ preferred_username: 'admin' });
    const partner = await partners.token({
      preferred_username: undefined,
      email: 'dev@acme.example',
      email_verified: true,
    });
    console.log(`multiple-issuers sample on ${url}`);
    console.log(`curl -H "Authorization: Bearer ${employee}" ${url}   # via workforce`);
    console.log(`curl -H "Authorization: Bearer ${partner}" ${url}   # via partners`);
  });
}
