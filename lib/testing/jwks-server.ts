/**
 * A JWK Set (RFC 7517 §5) and OpenID Connect discovery document (OIDC Discovery 1.0 §4) served
 * over HTTP on 127.0.0.1 and an ephemeral port, for tests of `jwtVerifier({ jwksUri })` and
 * `jwtVerifier({ discovery })`. Loopback only: nothing here is meant to face a network.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** Path of the JWK Set on the server. */
export const JWKS_PATH = '/jwks.json';
/** Path of the discovery document on the server. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** A running key server. */
export interface JwksServer {
  /** The server's origin, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The JWK Set's URL: give it to `jwtVerifier({ jwksUri })`. */
  readonly jwksUri: string;
  /** The discovery document's URL. */
  readonly discoveryUrl: string;
  /** Requests answered so far, by path (`/jwks.json`, `/.well-known/openid-configuration`). */
  readonly requests: Readonly<Record<string, number>>;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** What the server publishes; read on every request, so a key rotation shows at once. */
export interface JwksServerContent {
  jwks(): { keys: JWK[] };
  /** The `issuer` of the discovery document, given the server's origin. */
  issuer(origin: string): string;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * Starts the server.
 *
 * @example
 * ```ts
 * const server = await startJwksServer({ jwks: () => ({ keys: [publicJwk] }), issuer: (o) => o });
 * await server.close();
 * ```
 */
export async function startJwksServer(content: JwksServerContent): Promise<JwksServer> {
  const requests: Record<string, number> = {};
  const origin = { url: '' };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests[path] = (requests[path] ?? 0) + 1;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, {});
    if (path === JWKS_PATH) return send(res, 200, content.jwks());
    if (path === DISCOVERY_PATH) {
      return send(res, 200, {
        issuer: content.issuer(origin.url),
        jwks_uri: `${origin.url}${JWKS_PATH}`,
        id_token_signing_alg_values_supported: content.jwks().keys.map((k) => k.alg),
      });
    }
    return send(res, 404, {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin.url,
    jwksUri: `${origin.url}${JWKS_PATH}`,
    discoveryUrl: `${origin.url}${DISCOVERY_PATH}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
