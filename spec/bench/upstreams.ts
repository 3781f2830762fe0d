/**
 * The upstreams the remote variants talk to, in a process of their own on the driver's core:
 * a JWK Set at /jwks, an RFC 7662 introspection endpoint at /introspect, which calls every
 * token starting with OPAQUE_PREFIX active and any other inactive, and a provider's userinfo
 * endpoint at /userinfo (the `custom` preset's stand-in) that knows the same tokens. Sends `{ port }` to the
 * parent, then answers `{ cmd: 'counts' }` with the calls seen so far.
 */
import { startJsonServer, type RecordedRequest } from '../helpers/json-server.js';
import { ALGS, OPAQUE_PREFIX, introspectionAnswer, readFixture } from './fixture.js';

async function main(): Promise<void> {
  const fixture = readFixture();
  const jwks = { keys: ALGS.map((alg) => fixture.keys[alg].publicJwk) };
  const counts = { jwks: 0, introspect: 0, userinfo: 0 };
  const server = await startJsonServer((req: RecordedRequest) => {
    // The recording helper keeps every request; the cold-token runs send many.
    server.requests.length = 0;
    if (req.path === '/jwks') {
      counts.jwks++;
      return { json: jwks };
    }
    if (req.path === '/introspect' && req.method === 'POST') {
      counts.introspect++;
      return introspectionAnswer(req.body);
    }
    if (req.path === '/userinfo') {
      counts.userinfo++;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!token.startsWith(OPAQUE_PREFIX))
        return { status: 401, json: { error: 'invalid_token' } };
      return { json: { sub: 'user-1', preferred_username: 'admin' } };
    }
    return { status: 404, json: {} };
  });
  process.send?.({ port: server.port });
  process.on('message', () => process.send?.({ ...counts }));
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

void main();
