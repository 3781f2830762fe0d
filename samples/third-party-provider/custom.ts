/**
 * Protecting a REST API with tokens of a provider that has no preset: give its userinfo
 * endpoint, where the username is, and any header it needs. A 401/403 from it refuses the
 * token; an outage answers 503.
 *
 *   USERINFO_URL=https://sso.example.com/api/me PORT=3000 npx tsx samples/third-party-provider/custom.ts
 */
import { pathToFileURL } from 'node:url';
import express, { type Express } from 'express';
import { bearerAuth, memoryDirectory, oauthProviderVerifier } from '../../lib/index.js';

/** The users allowed in. */
export const CUSTOM_USERS = [
  { name: 'admin', emailAddress: 'admin@example.com', displayName: 'Administrator' },
];

/** The API, checking tokens at `userinfoUrl`. */
export function createCustomProviderApp(userinfoUrl: string): Express {
  const app = express();
  app.use(
    '/rest/api',
    bearerAuth({
      verifiers: [
        oauthProviderVerifier({
          provider: 'custom',
          name: 'acme-sso',
          userinfoEndpoint: userinfoUrl,
          usernameField: ['user_name', 'login'],
          emailField: 'mail',
          headers: { 'X-Client': 'reporting-api' },
          ttlSeconds: 30,
        }),
      ],
      directory: memoryDirectory(CUSTOM_USERS),
    }),
  );
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user);
  });
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const userinfo = process.env.USERINFO_URL ?? 'https://sso.example.com/api/me';
  createCustomProviderApp(userinfo).listen(port, () => {
    console.log(`API on http://localhost:${port}/rest/api/2/myself, tokens checked at ${userinfo}`);
  });
}
