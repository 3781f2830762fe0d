/**
 * Protecting a REST API with GitHub access tokens. Clients call with the token GitHub gave them
 * (OAuth app, GitHub app or a personal access token); GitHub's `GET /user` says who it is, and
 * its login is looked up in the user directory. GitHub cannot say which app a token belongs to:
 * any valid GitHub token of a listed user gets in (see the README's warning).
 *
 *   PORT=3000 npx tsx samples/third-party-provider/github.ts
 *   curl -H "Authorization: Bearer $(gh auth token)" http://localhost:3000/rest/api/2/myself
 */
import { pathToFileURL } from 'node:url';
import express, { type Express } from 'express';
import {
  bearerAuth,
  memoryDirectory,
  oauthProviderVerifier,
  requireScopes,
} from '../../lib/index.js';

/** The users allowed in, by GitHub login. */
export const GITHUB_USERS = [
  { name: 'octocat', emailAddress: 'octocat@github.com', displayName: 'The Octocat' },
];

/** The API. `githubApiUrl` points the preset at another GitHub (Enterprise Server, a test). */
export function createGithubApp(options: { githubApiUrl?: string } = {}): Express {
  const app = express();
  app.use(
    '/rest/api',
    bearerAuth({
      verifiers: [
        oauthProviderVerifier({
          provider: 'github',
          ...(options.githubApiUrl ? { baseUrl: options.githubApiUrl } : {}),
          ttlSeconds: 60,
        }),
      ],
      directory: memoryDirectory(GITHUB_USERS),
    }),
  );
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user);
  });
  // GitHub lists a token's scopes in X-OAuth-Scopes; guards check them.
  app.get('/rest/api/2/repos', requireScopes('repo'), (_req, res) => {
    res.json({ repos: [] });
  });
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  createGithubApp({ githubApiUrl: process.env.GITHUB_API_URL }).listen(port, () => {
    console.log(`GitHub-protected API on http://localhost:${port}/rest/api/2/myself`);
  });
}
