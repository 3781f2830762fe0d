/**
 * An API that accepts DPoP-bound access tokens (RFC 9449) besides plain bearer tokens: a client
 * proves on every request that it holds the key its token is bound to, so a stolen token alone
 * is useless. `dpop: {}` is all it takes; `publicUrl` matters behind a proxy.
 *
 *   ISSUER=https://id.example.com AUDIENCE=urn:example:api PORT=3000 npx tsx samples/dpop/api.ts
 */
import express, { type Express } from 'express';
import { pathToFileURL } from 'node:url';
import { bearerAuth, jwtVerifier, type DpopOptions } from '../../lib/index.js';

/** Where the API's tokens come from, and how it checks their proofs. */
export interface DpopApiOptions {
  /** The authorization server's issuer URL (discovery). */
  issuer: string;
  /** The resource indicator the tokens are issued for (their `aud`). */
  audience: string;
  /** DPoP settings. Default `{}`: bound and plain tokens both accepted. */
  dpop?: DpopOptions;
}

/**
 * Builds the API: `GET /reports` answers who called and how the token was proven.
 *
 * @example
 * ```ts
 * createApi({ issuer: 'https://id.example.com', audience: 'urn:example:api' }).listen(3000);
 * ```
 */
export function createApi({ issuer, audience, dpop = {} }: DpopApiOptions): Express {
  const app = express();
  app.use(
    bearerAuth({
      verifiers: [jwtVerifier({ discovery: issuer, audience })],
      // Services are their own users here: the client id names the caller.
      directory: async (identity) => ({ name: identity.clientId ?? identity.subject }),
      dpop,
    }),
  );
  app.get('/reports', (req, res) => {
    res.json({ caller: (req.auth?.user as { name: string }).name, binding: req.auth?.binding });
  });
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ISSUER, AUDIENCE, PORT = '3000', PUBLIC_URL } = process.env;
  if (!ISSUER || !AUDIENCE) throw new Error('set ISSUER and AUDIENCE');
  createApi({
    issuer: ISSUER,
    audience: AUDIENCE,
    dpop: PUBLIC_URL ? { publicUrl: PUBLIC_URL } : {},
  }).listen(Number(PORT), () => console.log(`DPoP API on :${PORT}`));
}
