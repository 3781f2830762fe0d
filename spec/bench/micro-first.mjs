/* global process, Buffer, console */
/**
 * First sight without HTTP: CPU µs per request of bearerAuth with a JWT verifier on tokens it has
 * never seen (RS256, remote JWK Set on loopback, fetched once), beside express-oauth2-jwt-bearer
 * on the same tokens in the same process, run after run. Plain JavaScript: that peer declares a
 * `req.auth` type of its own.
 *
 *   npx tsx spec/bench/micro-first.mjs [tokens per run]
 */
import { createServer, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { bearerAuth, jwtVerifier, memoryDirectory } from '../../lib/index.ts';
import { USERS } from '../helpers/users.ts';

const perRun = Number(process.argv[2] ?? 1500);
const RUNS = 4;
const ISSUER = 'https://id.example.test';
const AUDIENCE = 'https://api.example.test';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
const jwks = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ keys: [jwk] }));
});
await new Promise((resolve) => jwks.listen(0, '127.0.0.1', resolve));
const jwksUri = `http://127.0.0.1:${jwks.address().port}/jwks`;

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
function mint() {
  const now = Math.floor(Date.now() / 1000);
  const payload = b64({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    preferred_username: 'admin',
    scope: 'read write',
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
  });
  const input = `${header}.${payload}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

const app = express();
const socket = new Socket();
const res = {
  once: () => res,
  set: () => res,
  setHeader: () => res,
  status: () => res,
  json: () => res,
};
function request(token) {
  const req = new IncomingMessage(socket);
  const authorization = `Bearer ${token}`;
  req.headers = { host: 'api.test', authorization };
  req.rawHeaders = ['Host', 'api.test', 'Authorization', authorization];
  req.method = 'GET';
  req.url = '/rest/api/2/myself';
  Object.assign(req, { originalUrl: req.url, baseUrl: '', params: {}, query: {}, is: () => false });
  Object.setPrototypeOf(req, app.request);
  return req;
}

async function cpuPerRequest(handler, tokens) {
  const before = process.cpuUsage();
  for (const token of tokens) {
    const failed = await new Promise((resolve) => handler(request(token), res, resolve));
    if (failed) throw failed;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / tokens.length;
}

const candidates = {
  'bearer-guard': bearerAuth({
    verifiers: [jwtVerifier({ jwksUri, issuer: ISSUER, audience: AUDIENCE })],
    directory: memoryDirectory(USERS),
    errorHandling: 'next',
  }),
  'express-oauth2-jwt-bearer': auth({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri,
    tokenSigningAlg: 'RS256',
  }),
  'bare loop': (_req, _res, next) => next(),
};
const best = {};
for (const [name, handler] of Object.entries(candidates)) {
  await cpuPerRequest(handler, Array.from({ length: 300 }, mint)); // warm-up, key set fetched
  best[name] = Infinity;
}
for (let run = 0; run < RUNS; run++) {
  for (const [name, handler] of Object.entries(candidates)) {
    const tokens = Array.from({ length: perRun }, mint);
    best[name] = Math.min(best[name], await cpuPerRequest(handler, tokens));
  }
}
jwks.close();
const loop = best['bare loop'];
const ours = best['bearer-guard'] - loop;
const peer = best['express-oauth2-jwt-bearer'] - loop;
const result = { bearerGuardUs: ours, peerUs: peer, loopUs: loop };
if (process.send) process.send(result);
else
  console.log(
    `first sight, RS256 (best of ${RUNS} runs of ${perRun} new tokens): bearer-guard ${ours.toFixed(1)} µs, express-oauth2-jwt-bearer ${peer.toFixed(1)} µs CPU per request (${(peer / ours).toFixed(2)}× in bearer-guard's favour; loop ${loop.toFixed(1)} µs)`,
  );
