/**
 * Sample: moving an API from passport-jwt to bearer-guard, one router at a time. The same routes
 * are served twice: under `/before` by passport-jwt, under `/after` by bearer-guard. The user
 * lookup of passport's verify callback becomes bearer-guard's directory.
 *
 * Run it: npx tsx samples/migration/passport-jwt/server.ts   (PORT overrides 3000)
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Router } from 'express';
import { fileURLToPath } from 'node:url';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { bearerAuth, jwtVerifier, requireScopes, type Identity } from '../../../lib/index.js';
import { createTestIssuer } from '../../../lib/testing/index.js';

/** Whose tokens are trusted and whom they are for: the same for both routers. */
export interface ApiConfig {
  issuer: string;
  audience: string;
  /** The issuer's public key (SPKI PEM). */
  publicKey: string;
}

/** The application's users, by token subject. */
export interface User {
  id: string;
  name: string;
}
const USERS = new Map<string, User>([['test-user', { id: 'test-user', name: 'Test User' }]]);
const ISSUES = [{ key: 'SEED-1', summary: 'First issue' }];

/** The user passport-jwt puts on req.user: here with the token's scopes, for hasScope. */
interface PassportUser extends User {
  scopes: string[];
}

/** passport-jwt checks no scopes: this is the hand-written check such applications carry. */
function hasScope(scope: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.user as PassportUser).scopes.includes(scope)) return next();
    res.status(403).json({ error: 'insufficient_scope' });
  };
}

/** Before: passport-jwt. */
export function passportJwtRouter({ issuer, audience, publicKey }: ApiConfig): Router {
  passport.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: publicKey,
        algorithms: ['RS256'],
        issuer,
        audience,
      },
      (payload, done) => {
        const user = USERS.get(payload.sub);
        if (!user) return done(null, false);
        const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
        return done(null, { ...user, scopes });
      },
    ),
  );
  const router = express.Router();
  router.use(passport.authenticate('jwt', { session: false }));
  router.get('/me', (req, res) => {
    res.json(req.user);
  });
  router.get('/issues', hasScope('issues:read'), (_req, res) => {
    res.json(ISSUES);
  });
  return router;
}

/** After: bearer-guard. The verify callback's lookup is the directory. */
export function bearerGuardRouter({ issuer, audience, publicKey }: ApiConfig): Router {
  const router = express.Router();
  router.use(
    bearerAuth({
      verifiers: [jwtVerifier({ publicKey, issuer, audience, algorithms: ['RS256'] })],
      directory: (identity: Identity) => USERS.get(identity.subject) ?? null,
      errorFormat: 'rfc6750',
    }),
  );
  router.get('/me', (req, res) => {
    res.json(req.auth?.user);
  });
  router.get('/issues', requireScopes('issues:read'), (_req, res) => {
    res.json(ISSUES);
  });
  return router;
}

/** Both routers side by side, as during a migration. */
export function createApp(config: ApiConfig): Express {
  const app = express();
  app.use('/before', passportJwtRouter(config));
  app.use('/after', bearerGuardRouter(config));
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const issuer = createTestIssuer();
  const port = Number(process.env.PORT ?? 3000);
  const audience = issuer.audience as string;
  const app = createApp({ issuer: issuer.issuer, audience, publicKey: issuer.publicKeyPem });
  app.listen(port, '127.0.0.1', async () => {
    const token = await issuer.tokenWithScopes('issues:read');
    console.log(`passport-jwt migration sample on http://127.0.0.1:${port}`);
    for (const side of ['before', 'after']) {
      console.log(
        `curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/${side}/issues`,
      );
    }
  });
}
