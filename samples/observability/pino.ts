/**
 * Sample: one pino log line per decision, through `onDecision(decision, req)`: what was decided
 * (outcome, reason, status, verifier, cause) and for which request (request id, method, route).
 * Never the token: the URL is logged without its query (a token may travel as `?access_token=`)
 * and the headers are not logged at all.
 *
 * Run it: npx tsx samples/observability/pino.ts   (PORT overrides 3000)
 */
// #region recipe
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Decision, DecisionListener } from '../../lib/index.js';

/** A request id: the caller's `X-Request-Id` when it looks like one, else a fresh UUID. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.get('x-request-id');
  const id = given && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('x-request-id', id);
  next();
}

/** The route a request was for, without its query string. */
function routeOf(req: Request): string {
  // Inside a router, `req.route` is known to guards; bearerAuth runs before routing.
  if (req.route && typeof req.route.path === 'string') return `${req.baseUrl}${req.route.path}`;
  const url = req.originalUrl;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

const LEVELS = { accept: 'info', reject: 'warn', unavailable: 'error', error: 'error' } as const;

/**
 * Logs every decision with `logger`. The fields are picked one by one: the subject is logged
 * (an identifier), the username is not (it may be an e-mail address).
 */
export function logDecisions(logger: Logger): DecisionListener {
  return (decision: Decision, req: Request) => {
    logger[LEVELS[decision.outcome]](
      {
        requestId: req.res?.locals.requestId as string | undefined,
        method: req.method,
        route: routeOf(req),
        outcome: decision.outcome,
        reason: decision.reason,
        status: decision.status,
        verifier: decision.verifier,
        subject: decision.subject,
        binding: decision.binding,
        durationMs: Math.round(decision.durationMs * 1000) / 1000,
        // Already a summary ({ name, message, code? }): safe to log, and it serialises.
        cause: decision.cause,
      },
      'bearer-guard decision',
    );
  };
}

/**
 * A logger that never writes an `Authorization` or `DPoP` header, even when another part of the
 * application logs a request object.
 */
export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'api',
      redact: {
        paths: ['req.headers.authorization', 'req.headers.dpop', 'req.headers.cookie'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

// #endregion recipe

import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';
import {
  bearerAuth,
  jwtVerifier,
  requireScopes,
  type JwtVerifierOptions,
} from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

/** An API whose every decision is logged, guard refusals included. */
export function createApp(jwt: JwtVerifierOptions, logger: Logger): Express {
  const app = express();
  app.use(requestId);
  app.use(
    '/api',
    bearerAuth({
      verifiers: [jwtVerifier(jwt)],
      directory: (identity) => identity,
      onDecision: logDecisions(logger),
    }),
  );
  app.get('/api/issues', (_req, res) => res.json([]));
  app.delete('/api/issues/:key', requireScopes('issues:write'), (_req, res) => {
    res.status(204).end();
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const issuer = createTestIssuer();
  const port = Number(process.env.PORT ?? 3000);
  createApp(issuer.verifierOptions(), createLogger()).listen(port, '127.0.0.1', async () => {
    const base = `http://127.0.0.1:${port}/api`;
    console.log(`pino sample on ${base}`);
    console.log(`curl -H "Authorization: Bearer ${await issuer.token()}" ${base}/issues`);
    console.log(`curl ${base}/issues   # a 401, logged as reject/token_missing`);
  });
}
