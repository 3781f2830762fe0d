/**
 * Sample: moving an API from express-oauth2-jwt-bearer to bearer-guard, one router at a time.
 * The same routes are served twice: under `/before` by express-oauth2-jwt-bearer, under `/after`
 * by bearer-guard; one error handler answers the refusals of both while the migration lasts.
 *
 * Run it: npx tsx samples/migration/express-oauth2-jwt-bearer/server.ts   (PORT overrides 3000)
 */
import express, {
  type Express,
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import {
  auth,
  claimCheck,
  claimEquals,
  claimIncludes,
  requiredScopes,
  UnauthorizedError,
} from 'express-oauth2-jwt-bearer';
import { fileURLToPath } from 'node:url';
import {
  BearerAuthError,
  bearerAuth,
  jwtVerifier,
  requireClaims,
  requireScopes,
} from '../../../lib/index.js';
import { createTestIssuer } from '../../../lib/testing/index.js';

/** The authorization server (its discovery document) and this API's audience. */
export interface ApiConfig {
  issuerBaseURL: string;
  audience: string;
}

const ISSUES = [{ key: 'SEED-1', summary: 'First issue' }];

/** Before: express-oauth2-jwt-bearer. */
export function auth0Router({ issuerBaseURL, audience }: ApiConfig): Router {
  const router = express.Router();
  router.use(auth({ issuerBaseURL, audience }));
  router.get('/me', (req, res) => {
    // With both libraries in one program, req.auth has both types: each reads its own fields.
    res.json({ subject: req.auth?.payload.sub });
  });
  router.get('/issues', requiredScopes('issues:read'), (_req, res) => {
    res.json(ISSUES);
  });
  router.get('/billing', claimEquals('tenant', 'acme'), (_req, res) => {
    res.json({ plan: 'enterprise' });
  });
  router.get('/admin', claimIncludes('roles', 'admin'), (_req, res) => {
    res.json({ admin: true });
  });
  router.get(
    '/reports',
    claimCheck((claims) => claims.email_verified === true),
    (_req, res) => {
      res.json([]);
    },
  );
  return router;
}

/** After: bearer-guard. */
export function bearerGuardRouter({ issuerBaseURL, audience }: ApiConfig): Router {
  const router = express.Router();
  router.use(
    bearerAuth({
      verifiers: [jwtVerifier({ discovery: issuerBaseURL, issuer: issuerBaseURL, audience })],
      directory: (identity) => ({ id: identity.subject }),
      errorFormat: 'rfc6750',
      errorHandling: 'next',
    }),
  );
  router.get('/me', (req, res) => {
    res.json({ subject: req.auth?.claims.sub });
  });
  router.get('/issues', requireScopes('issues:read'), (_req, res) => {
    res.json(ISSUES);
  });
  router.get('/billing', requireClaims({ tenant: 'acme' }), (_req, res) => {
    res.json({ plan: 'enterprise' });
  });
  router.get('/admin', requireClaims({ roles: 'admin' }), (_req, res) => {
    res.json({ admin: true });
  });
  router.get(
    '/reports',
    requireClaims((claims) => claims.email_verified === true),
    (_req, res) => {
      res.json([]);
    },
  );
  return router;
}

/** One error handler for both while the migration lasts: both errors carry status and headers. */
export function authErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (err instanceof BearerAuthError) {
    res.status(err.status).set(err.headers).json(err.body);
  } else if (err instanceof UnauthorizedError) {
    const error = 'code' in err ? err.code : 'unauthorized';
    res.status(err.status).set(err.headers).json({ error, error_description: err.message });
  } else {
    next(err);
  }
}

/** Both routers side by side, as during a migration. */
export function createApp(config: ApiConfig): Express {
  const app = express();
  app.use('/before', auth0Router(config));
  app.use('/after', bearerGuardRouter(config));
  app.use(authErrors);
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const issuer = createTestIssuer();
  const served = await issuer.serveJwks({ asIssuer: true });
  const port = Number(process.env.PORT ?? 3000);
  const app = createApp({ issuerBaseURL: served.url, audience: issuer.audience as string });
  app.listen(port, '127.0.0.1', async () => {
    const token = await issuer.tokenWithScopes('issues:read');
    console.log(`express-oauth2-jwt-bearer migration sample on http://127.0.0.1:${port}`);
    for (const side of ['before', 'after']) {
      console.log(
        `curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/${side}/issues`,
      );
    }
  });
}
