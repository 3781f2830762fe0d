/**
 * oidc-provider as the authorization server of certificate-bound tokens (RFC 8705 §3):
 * `features.mTLS.certificateBoundAccessTokens`, the client certificate handed to it in a header,
 * as its own tests do. It issues a JWT access token (resource indicator) and an opaque one
 * (introspection answers with `cnf`); bearer-guard verifies each over real TLS with the
 * certificate it was bound to, and refuses it with another or none.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors as providerErrors } from 'oidc-provider';
import type { Agent } from 'undici';
import { introspectionVerifier, jwtVerifier, type Verifier } from '../../lib/index.js';
import { CLIENT_A, CLIENT_B, type TestCertificate } from './certificates.js';
import { client, readingCnf, startApi, whoami, type MtlsApi } from './harness.js';

const RESOURCE = 'https://api.example.test/';
/** Tokens for this resource are opaque: checked by introspection, whose answer names it in `aud`. */
const OPAQUE_RESOURCE = 'https://opaque.example.test/';
const MTLS_CLIENT = { id: 'svc-mtls', secret: 'svc-mtls-secret-0123456789abcdef' };
const RESOURCE_SERVER = { id: 'api', secret: 'api-secret-0123456789abcdef0123' };

interface Issuer {
  url: string;
  /** `POST /token` (client credentials) presenting `certificate`; JWT for the resource or opaque. */
  token(certificate: TestCertificate, format: 'jwt' | 'opaque'): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function startIssuer(): Promise<Issuer> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(url, {
    clients: [
      {
        client_id: MTLS_CLIENT.id,
        client_secret: MTLS_CLIENT.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        tls_client_certificate_bound_access_tokens: true,
      },
      {
        client_id: RESOURCE_SERVER.id,
        client_secret: RESOURCE_SERVER.secret,
        grant_types: [],
        redirect_uris: [],
        response_types: [],
      },
    ],
    scopes: ['read'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        // As oidc-provider's own tests: the certificate comes in a header set by the caller.
        getCertificate: (ctx) => ctx.get('x-ssl-client-cert') || undefined,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => undefined,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource === RESOURCE) {
            return {
              audience: RESOURCE,
              scope: 'read',
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'RS256' } },
            };
          }
          if (resource === OPAQUE_RESOURCE) {
            return { audience: OPAQUE_RESOURCE, scope: 'read', accessTokenFormat: 'opaque' };
          }
          throw new providerErrors.InvalidTarget();
        },
      },
    },
  });
  provider.on('server_error', () => undefined);
  server.on('request', provider.callback());
  return {
    url,
    async token(certificate, format) {
      const form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' });
      form.set('resource', format === 'jwt' ? RESOURCE : OPAQUE_RESOURCE);
      const res = await fetch(`${url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${MTLS_CLIENT.id}:${MTLS_CLIENT.secret}`).toString('base64')}`,
          // PEM on one line: a header cannot hold newlines; oidc-provider strips them anyway.
          'x-ssl-client-cert': certificate.pem.replace(/\r?\n/g, ''),
        },
        body: form,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const payload = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Record<
    string,
    unknown
  >;

describe('certificate-bound tokens issued by oidc-provider', () => {
  let issuer: Issuer;
  let api: MtlsApi;
  let withA: Agent;
  let withB: Agent;
  let without: Agent;

  beforeAll(async () => {
    issuer = await startIssuer();
    const verifiers: Verifier[] = [
      jwtVerifier({ discovery: issuer.url, audience: RESOURCE }),
      readingCnf(
        introspectionVerifier({
          endpoint: `${issuer.url}/token/introspection`,
          clientId: RESOURCE_SERVER.id,
          clientSecret: RESOURCE_SERVER.secret,
          audience: OPAQUE_RESOURCE,
        }),
      ),
    ];
    api = await startApi({
      verifiers,
      // Client-credentials tokens have no end user: the directory maps the client.
      directory: async (identity) => ({ name: identity.clientId ?? identity.subject }),
      mtls: { certificate: 'socket' },
    });
    withA = client({ certificate: CLIENT_A });
    withB = client({ certificate: CLIENT_B });
    without = client();
  });
  afterAll(async () => {
    await Promise.all([withA.close(), withB.close(), without.close()]);
    await api.close();
    await issuer.close();
  });

  it('a JWT access token (resource indicator) carries cnf.x5t#S256 of the certificate', async () => {
    const body = await issuer.token(CLIENT_A, 'jwt');
    expect(payload(body.access_token as string).cnf).toEqual({ 'x5t#S256': CLIENT_A.thumbprint });
  });

  it.each(['jwt', 'opaque'] as const)(
    'a %s token is accepted with its certificate, refused with another or none',
    async (format) => {
      const token = (await issuer.token(CLIENT_A, format)).access_token as string;
      const verifier = format === 'jwt' ? 'jwt' : 'introspection';

      expect(await whoami(api, withA, token)).toMatchObject({
        status: 200,
        body: { binding: 'mtls' },
      });
      expect(api.decisions.at(-1)).toMatchObject({ outcome: 'accept', verifier, binding: 'mtls' });

      const other = await whoami(api, withB, token);
      expect(other.status).toBe(401);
      expect(other.challenge).toMatch(/error="invalid_token"/);
      expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_mismatch', verifier });

      expect((await whoami(api, without, token)).status).toBe(401);
      expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_missing' });
    },
  );

  it('a token bound to the other certificate is accepted only with that one', async () => {
    const token = (await issuer.token(CLIENT_B, 'opaque')).access_token as string;
    expect(await whoami(api, withB, token)).toMatchObject({
      status: 200,
      body: { binding: 'mtls' },
    });
    expect((await whoami(api, withA, token)).status).toBe(401);
  });
});
