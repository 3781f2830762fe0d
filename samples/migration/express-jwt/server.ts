/**
 * Sample: moving an API from express-jwt (with jwks-rsa) to bearer-guard, one router at a time.
 * The same routes are served twice: under `/before` by express-jwt, under `/after` by
 * bearer-guard; one error handler answers the refusals of both while the migration lasts.
 *
 * Run it: npx tsx samples/migration/express-jwt/server.ts   (PORT overrides 3000)
 */
import express, {
  type Express,
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import { expressjwt, UnauthorizedError, type Request as JwtRequest } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { BearerAuthError, bearerAuth, jwtVerifier, requireScopes } from '../../../lib/index.js';
import { createTestIssuer } from '../../../lib/testing/index.js';

/** Where the tokens come from and whom they are for: the same for both routers. */
export interface ApiConfig {
  issuer: string;
  audience: string;
  jwksUri: string;
}

const ISSUES = [{ key: 'SEED-1', summary: 'First issue' }];

/** express-jwt checks no scopes: this is the hand-written check such applications carry. */
function hasScope(scope: string) {
  return (req: JwtRequest, res: Response, next: NextFunction) => {
    const granted = typeof req.auth?.scope === 'string' ? req.auth.scope.split(' ') : [];
    if (granted.includes(scope)) return next();
    res.status(403).json({ error: 'insufficient_scope' });
  };
}

/** Before: express-jwt and jwks-rsa. */
export function expressJwtRouter({ issuer, audience, jwksUri }: ApiConfig): Router {
  const router = express.Router();
  router.use(
    expressjwt({
      secret: jwksRsa.expressJwtSecret({ jwksUri, cache: true, rateLimit: true }),
      algorithms: ['RS256'],
      issuer,
      audience,
    }),
  );
  router.get('/me', (req: JwtRequest, res) => {
    res.json({ subject: req.auth?.sub });
  });
  router.get('/issues', hasScope('issues:read'), (_req, res) => {
    res.json(ISSUES);
  });
  return router;
}

/** After: bearer-guard. */
export function bearerGuardRouter({ issuer, audience, jwksUri }: ApiConfig): Router {
  const router = express.Router();
  router.use(
    bearerAuth({
      verifiers: [jwtVerifier({ jwksUri, issuer, audience, algorithms: ['RS256'] })],
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
  return router;
}

/** One error handler for both while the migration lasts. */
export function authErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (err instanceof BearerAuthError) {
    // bearer-guard: status, headers (WWW-Authenticate, Cache-Control) and body are rendered.
    res.status(err.status).set(err.headers).json(err.body);
  } else if (err instanceof UnauthorizedError) {
    // express-jwt: always 401, with a code of its own.
    res.status(err.status).json({ error: err.code, error_description: err.message });
  } else {
    next(err);
  }
}

/** Both routers side by side, as during a migration. */
export function createApp(config: ApiConfig): Express {
  const app = express();
  app.use('/before', expressJwtRouter(config));
  app.use('/after', bearerGuardRouter(config));
  app.use(authErrors);
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The tests start it with SAMPLE_CONFIG (an ApiConfig as JSON); alone, it makes its own issuer.
  const given = process.env.SAMPLE_CONFIG;
  const issuer = createTestIssuer();
  const config: ApiConfig = given
    ? (JSON.parse(given) as ApiConfig)
    : {
        issuer: issuer.issuer,
        audience: issuer.audience as string,
        jwksUri: (await issuer.serveJwks()).jwksUri,
      };
  const server = createApp(config).listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`listening on http://127.0.0.1:${port}`);
    if (given) return;
    void issuer.tokenWithScopes('issues:read').then((token) => {
      for (const side of ['before', 'after']) {
        console.log(
          `curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/${side}/issues`,
        );
      }
    });
  });
}
