/**
 * Sample: users come from your own user service, through a directory hook with its own cache
 * (see directory.ts). The token says who the caller is; the user service says what we know
 * about them.
 *
 * Run it: npx tsx samples/custom-directory/server.ts   (PORT overrides 3000)
 */
import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';
import {
  bearerAuth,
  jwtVerifier,
  type Decision,
  type JwtVerifierOptions,
} from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { httpUserDirectory } from './directory.js';
import { startUserService, type StaffMember } from './user-service.js';

export interface CustomDirectoryOptions {
  jwt: JwtVerifierOptions;
  /** Base URL of the user service. */
  userServiceUrl: string;
  onDecision?: (decision: Decision) => void;
}

export function createApp({ jwt, userServiceUrl, onDecision }: CustomDirectoryOptions): Express {
  const app = express();
  const directory = httpUserDirectory({ baseUrl: userServiceUrl });
  app.use('/rest/api', bearerAuth({ verifiers: [jwtVerifier(jwt)], directory, onDecision }));
  app.get('/rest/api/2/myself', (req, res) => res.json(req.auth?.user));
  return app;
}

export const STAFF: StaffMember[] = [
  {
    name: 'mchen',
    emailAddress: 'mei.chen@example.com',
    displayName: 'Mei Chen',
    department: 'Support',
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const issuer = createTestIssuer({ claims: { preferred_username: 'mchen' } });
  const users = await startUserService(STAFF);
  const port = Number(process.env.PORT ?? 3000);
  const app = createApp({ jwt: issuer.verifierOptions(), userServiceUrl: users.url });
  app.listen(port, '127.0.0.1', async () => {
    const url = `http://127.0.0.1:${port}/rest/api/2/myself`;
    console.log(`custom-directory sample on ${url} (user service on ${users.url})`);
    console.log(`curl -H "Authorization: Bearer ${await issuer.token()}" ${url}`);
    const stranger = await issuer.token({ preferred_username: 'nobody' });
    console.log(`curl -H "Authorization: Bearer ${stranger}" ${url}   # 400 No user found`);
  });
}
