/**
 * "Acme ID": a stand-in third-party OAuth provider for the demo, on 127.0.0.1. Like GitHub's
 * `/user`, its userinfo endpoint answers the profile of the bearer of a valid token and 401
 * otherwise. Its tokens start with `acme_`, so a verifier chain can tell them apart.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AcmeProvider {
  url: string;
  userinfoEndpoint: string;
  /** A valid token for the user `login`. */
  issueToken(login: string, email: string): string;
  close(): Promise<void>;
}

export async function startAcmeProvider(port = 0, host = '127.0.0.1'): Promise<AcmeProvider> {
  const profiles = new Map<string, { login: string; email: string; name: string }>();
  const server = createServer((req, res) => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const profile = match && req.url === '/userinfo' ? profiles.get(match[1] as string) : undefined;
    if (!profile) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"message":"Bad credentials"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(profile));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    userinfoEndpoint: `${url}/userinfo`,
    issueToken(login, email) {
      const token = `acme_${randomBytes(18).toString('base64url')}`;
      profiles.set(token, { login, email, name: login });
      return token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
