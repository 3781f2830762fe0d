/**
 * One benchmark server: bare Express or bearer-guard in one configuration, chosen by argv[2].
 * Listens on 127.0.0.1 port 0 and sends `{ port }` to the parent. Every variant answers
 * GET /rest/api/2/myself with the caller's directory entry as JSON.
 *
 *   node --import tsx spec/bench/server.ts <variant>   (BENCH_FIXTURE, BENCH_UPSTREAM set)
 */
import express, { type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import * as bearerGuard from '../../lib/index.js';
import { bearerAuth, jwtVerifier, memoryDirectory, type Verifier } from '../../lib/index.js';
import {
  AUDIENCE,
  CLIENT_ID,
  CLIENT_SECRET,
  ISSUER,
  SERVICE_CLIENT,
  readFixture,
  upstreamUrl,
  type BenchAlg,
} from './fixture.js';

type Factory = (options: Record<string, unknown>) => Verifier;

const lib = bearerGuard as unknown as Record<string, unknown>;
const fixture = readFixture();
const upstream = upstreamUrl();

function optionalFactory(name: string): Factory {
  const factory = lib[name];
  if (typeof factory !== 'function') throw new Error(`${name} is not exported`);
  return factory as Factory;
}

const byKey = (alg: BenchAlg) =>
  jwtVerifier({ publicKey: fixture.keys[alg].publicPem, issuer: ISSUER, audience: AUDIENCE });
const byJwks = () =>
  jwtVerifier({ jwksUri: `${upstream}/jwks`, issuer: ISSUER, audience: AUDIENCE });
const introspection = () =>
  optionalFactory('introspectionVerifier')({
    endpoint: `${upstream}/introspect`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    audience: false,
  });

function fullChain(): Verifier[] {
  const jwt = byKey('RS256');
  const clientCredentials = optionalFactory('clientCredentialsVerifier')({
    via: jwt,
    serviceAccounts: { [SERVICE_CLIENT]: 'svc-reports' },
  });
  return [clientCredentials, jwt, introspection()];
}

const CHAINS: Record<string, () => Verifier[]> = {
  'rs256-key': () => [byKey('RS256')],
  'es256-key': () => [byKey('ES256')],
  'eddsa-key': () => [byKey('EdDSA')],
  'rs256-jwks': () => [byJwks()],
  'es256-jwks': () => [byJwks()],
  'eddsa-jwks': () => [byJwks()],
  'rs256-fresh': () => [byKey('RS256')],
  mtls: () => [byKey('RS256')],
  introspection: () => [introspection()],
  'introspection-cold': () => [introspection()],
  chain: fullChain,
  dpop: () => [byKey('RS256')],
};

/** bearerAuth options beyond the chain, per variant. */
const EXTRA: Record<string, Record<string, unknown>> = {
  // The replay store holds every proof for its window (125 s): room for the whole run.
  dpop: { dpop: { replay: { max: 2_000_000 } } },
  // The certificate as a proxy header would give it: parsed and hashed on every request.
  mtls: { mtls: { certificate: () => fixture.clientCertificatePem } },
};

const variant = process.argv[2] ?? 'bare';
const app = express();
const [firstUser] = fixture.users;

if (variant === 'bare' || variant === 'noop') {
  // The floor of any middleware: an async function mounted like bearerAuth that does nothing.
  if (variant === 'noop') app.use('/rest/api', async (_req, _res, next) => next());
  app.get('/rest/api/2/myself', (_req, res) => {
    res.json(firstUser);
  });
} else {
  const chain = CHAINS[variant];
  if (!chain) throw new Error(`unknown variant "${variant}"`);
  const auth: RequestHandler = bearerAuth({
    verifiers: chain(),
    directory: memoryDirectory(fixture.users),
    ...EXTRA[variant],
  });
  app.use('/rest/api', auth);
  app.get('/rest/api/2/myself', (req, res) => {
    res.json(req.auth?.user);
  });
}

const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
// The parent reads the server's CPU time around each run: µs of CPU per request.
process.on('message', () => process.send?.(process.cpuUsage()));
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
