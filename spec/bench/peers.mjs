/* global process, Buffer */
/**
 * The peer libraries, one per process, in plain JavaScript: express-oauth2-jwt-bearer declares a
 * global `req.auth` type of its own, so these servers stay out of the TypeScript program.
 * Same route, same token, same key as bearer-guard's servers; each answers the caller's
 * directory entry, found by `preferred_username`. Only the passport strategies get
 * `passport.initialize()` in front: no peer carries another's middleware. Asked over IPC, a
 * server answers its CPU time and the requests it has been handed (sample.ts).
 *
 *   node --import tsx spec/bench/peers.mjs <peer>   (BENCH_FIXTURE, BENCH_UPSTREAM set)
 */
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { expressjwt } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import { jwtVerify } from 'jose';
import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { AUDIENCE, ISSUER, readFixture, upstreamUrl } from './fixture.js';
import { answerSamples } from './sample.js';

const fixture = readFixture();
const jwksUri = `${upstreamUrl()}/jwks`;
const publicPem = fixture.keys.RS256.publicPem;
const users = new Map(fixture.users.map((user) => [user.name, user]));
const userFor = (payload) => users.get(payload?.preferred_username) ?? null;

/** Peer name → middleware and how the route finds the JWT payload. */
const PEERS = {
  'express-oauth2-jwt-bearer': () => ({
    middleware: auth({ issuer: ISSUER, audience: AUDIENCE, jwksUri, tokenSigningAlg: 'RS256' }),
    payload: (req) => req.auth?.payload,
  }),
  'express-jwt': () => ({
    middleware: expressjwt({
      secret: jwksRsa.expressJwtSecret({ jwksUri, cache: true, rateLimit: true }),
      algorithms: ['RS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    }),
    payload: (req) => req.auth,
  }),
  'passport-http-bearer': () => {
    const key = createPublicKey(publicPem);
    passport.use(
      new BearerStrategy((token, done) => {
        jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] }).then(
          ({ payload }) => done(null, userFor(payload) ?? false),
          () => done(null, false),
        );
      }),
    );
    return { middleware: passport.authenticate('bearer', { session: false }), user: true };
  },
  'passport-jwt': () => {
    passport.use(
      new JwtStrategy(
        {
          jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
          secretOrKey: publicPem,
          algorithms: ['RS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
        },
        (payload, done) => done(null, userFor(payload) ?? false),
      ),
    );
    return { middleware: passport.authenticate('jwt', { session: false }), user: true };
  },
};

/**
 * The ceiling: no library, the least a correct check of these tokens can do, written for this
 * fixture only (one key, RS256). The header split, both JSON parts parsed, the signature verified
 * synchronously with a cached key object, iss/aud/exp/nbf checked; with `cached`, a verdict kept
 * per token string in a plain Map (unbounded, no expiry re-check: not something to ship).
 */
function ceiling(cached) {
  const key = createPublicKey(publicPem);
  const verdicts = new Map();
  const check = (token) => {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [head, body, signature] = parts;
    const header = JSON.parse(Buffer.from(head, 'base64url').toString());
    if (header.alg !== 'RS256') return null;
    const input = Buffer.from(`${head}.${body}`);
    if (!verifySignature('sha256', input, key, Buffer.from(signature, 'base64url'))) return null;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const now = Date.now() / 1000;
    if (claims.iss !== ISSUER || claims.exp <= now || (claims.nbf ?? 0) > now) return null;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return aud.includes(AUDIENCE) ? claims : null;
  };
  return {
    middleware: (req, res, next) => {
      const header = req.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
      let claims = token === undefined ? null : cached ? verdicts.get(token) : undefined;
      if (claims === undefined) {
        try {
          claims = check(token);
        } catch {
          claims = null;
        }
        if (cached) verdicts.set(token, claims);
      }
      if (claims === null) return res.status(401).json({ error: 'invalid_token' });
      req.auth = { payload: claims };
      next();
    },
    payload: (req) => req.auth.payload,
  };
}
PEERS['ceiling-cached'] = () => ceiling(true);
PEERS['ceiling-uncached'] = () => ceiling(false);

const peer = PEERS[process.argv[2]];
if (!peer) throw new Error(`unknown peer "${process.argv[2]}"`);
const { middleware, payload, user } = peer();
const app = express();
if (user) app.use(passport.initialize());
app.use('/rest/api', middleware);
app.get('/rest/api/2/myself', (req, res) => {
  res.json(user ? req.user : userFor(payload(req)));
});
// Refusals answer JSON like the others, not an HTML error page.
app.use((err, _req, res, _next) => {
  res.status(err.status ?? 401).json({ error: String(err.code ?? 'invalid_token') });
});

const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
answerSamples(server);
