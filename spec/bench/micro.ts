/**
 * The middleware alone, without HTTP: CPU µs per request of bearerAuth with a JWT verifier on a
 * cache hit (one RS256 token reused), against the same loop without the middleware. Stable on a
 * busy machine, where req/s are not: `npx tsx spec/bench/micro.ts [requests]`. `npm run bench`
 * runs it too, as a child that sends its figures to the parent.
 */
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { bearerAuth, jwtVerifier, memoryDirectory } from '../../lib/index.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const requests = Number(process.argv[2] ?? 100_000);
const key = testKey('RS256');
const header = `Bearer ${await mintJwt({ key })}`;
const res = { once: () => res, set: () => res, status: () => res, json: () => res };

// A request as Express hands it over: a Node IncomingMessage whose prototype Express swapped for
// its own, carrying what Express's router sets. Adding a property to such an object costs far more
// than to a literal, so the figure counts the properties the middleware writes.
const app = express();
const socket = new Socket();
const fakeRequest = (): Request => {
  const req = new IncomingMessage(socket);
  req.headers = { host: 'api.test', authorization: header };
  req.rawHeaders = ['Host', 'api.test', 'Authorization', header];
  req.method = 'GET';
  req.url = '/rest/api/2/myself';
  Object.assign(req, { originalUrl: req.url, baseUrl: '', params: {}, query: {} });
  Object.setPrototypeOf(req, app.request);
  return req as Request;
};

/** CPU µs per call of `handler` (user + system), the best of five runs. */
async function cpuPerRequest(handler: RequestHandler): Promise<number> {
  const once = () =>
    new Promise<void>((resolve) => {
      void handler(fakeRequest(), res as unknown as Response, resolve as NextFunction);
    });
  for (let i = 0; i < 20_000; i++) await once();
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const before = process.cpuUsage();
    for (let i = 0; i < requests; i++) await once();
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / requests);
  }
  return Math.min(...runs);
}

const auth = bearerAuth({
  verifiers: [jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE })],
  directory: memoryDirectory(USERS),
});
const passThrough: RequestHandler = (_req, _res, next) => next();
const loop = await cpuPerRequest(passThrough);
const guarded = await cpuPerRequest(auth);
const result = { middlewareUs: guarded - loop, loopUs: loop };
if (process.send) process.send(result);
else
  console.log(
    `bearerAuth, JWT RS256 cache hit: ${guarded.toFixed(2)} µs CPU per request (loop alone ${loop.toFixed(2)} µs): ${result.middlewareUs.toFixed(2)} µs for the middleware`,
  );
