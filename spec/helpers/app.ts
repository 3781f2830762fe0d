/**
 * buildApp(): a Jira-style API protected by bearerAuth with the given options, plus the
 * decisions `onDecision` saw, for assertions.
 */
import express, { type Express } from 'express';
import request from 'supertest';
import {
  bearerAuth,
  memoryDirectory,
  requireScopes,
  type BearerAuthOptions,
  type Decision,
} from '../../lib/index.js';
import { USERS } from './users.js';

export interface TestApp {
  app: Express;
  decisions: Decision[];
}

export function buildApp(
  options: Partial<BearerAuthOptions> & Pick<BearerAuthOptions, 'verifiers'>,
): TestApp {
  const decisions: Decision[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(
    '/rest/api',
    bearerAuth({
      directory: memoryDirectory(USERS),
      ...options,
      onDecision: (decision, req) => {
        decisions.push(decision);
        options.onDecision?.(decision, req);
      },
    }),
  );
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user ?? { anonymous: true });
  });
  app.post('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user ?? { anonymous: true });
  });
  app.delete('/rest/api/2/issue/:id', requireScopes('write', 'delete'), (_req, res) => {
    res.status(204).end();
  });
  return { app, decisions };
}

/** The route every test app serves. */
export const MYSELF = '/rest/api/2/myself';

/** `GET /rest/api/2/myself` with `Authorization: Bearer <token>`. */
export function getMyself(app: Parameters<typeof request>[0], token: string) {
  return request(app).get(MYSELF).set('Authorization', `Bearer ${token}`);
}

/** The pinned error body: `{"error":{"status":"ERROR","message":"…"}}`. */
export const seed = (message: string) => ({ error: { status: 'ERROR', message } });
