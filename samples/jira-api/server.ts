/**
 * A Jira-style REST API protected by bearer-guard with a JWT public key.
 *
 *   npx tsx samples/jira-api/server.ts              # listens on http://127.0.0.1:8080
 *   npx tsx samples/jira-api/mint-token.ts admin    # prints a token
 *   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/rest/api/2/myself
 */
import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  bearerAuth,
  jwtVerifier,
  memoryDirectory,
  requireScopes,
  type Decision,
} from '../../lib/index.js';
import { DEMO_AUDIENCE, DEMO_ISSUER, demoKeys } from './demo-keys.js';
import { USERS } from './users.js';

/** Options of the sample app. */
export interface JiraApiOptions {
  /** Where refusals and accepts are reported (default: nowhere). */
  onDecision?: (decision: Decision) => void;
}

/** The API as an Express app, ready to listen. */
export function createApp(options: JiraApiOptions = {}): Express {
  const app = express();
  const auth = bearerAuth({
    verifiers: [
      jwtVerifier({
        publicKey: demoKeys().publicKey,
        issuer: DEMO_ISSUER,
        audience: DEMO_AUDIENCE,
        typ: 'at+jwt', // RFC 9068 access tokens only: an ID token is refused
      }),
    ],
    directory: memoryDirectory(USERS),
    ...(options.onDecision ? { onDecision: options.onDecision } : {}),
  });

  app.use('/rest/api', auth);
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user);
  });
  app.get('/rest/api/2/issue/:key', requireScopes('read'), (req, res) => {
    res.json({ key: req.params.key, fields: { summary: 'Demo issue', reporter: req.auth?.user } });
  });
  app.delete('/rest/api/2/issue/:key', requireScopes('write'), (_req, res) => {
    res.status(204).end();
  });
  return app;
}

/** Starts the API on 127.0.0.1:`port` (0 picks a free port). */
export async function start(
  port = 8080,
  options: JiraApiOptions = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createApp(options).listen(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 8080);
  start(port).then(({ url }) => {
    console.log(`Jira-style API on ${url}/rest/api/2/myself`);
    console.log('Get a token with: npx tsx samples/jira-api/mint-token.ts admin');
  });
}
