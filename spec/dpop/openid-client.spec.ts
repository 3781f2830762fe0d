/**
 * openid-client 6 as the real client: it gets a DPoP-bound token from oidc-provider and calls the
 * API with `fetchProtectedResource` and a DPoP handle — including the nonce loop, which it must
 * complete on its own from the API's `use_dpop_nonce` challenge and `DPoP-Nonce` header.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import * as client from 'openid-client';
import { bearerAuth, jwtVerifier, type DpopOptions } from '../../lib/index.js';
import { CLIENTS, JWT_RESOURCE, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { listen, type Listening } from '../helpers/listen.js';

let as: AuthServer;
let config: client.Configuration;

beforeAll(async () => {
  as = await startAuthServer();
  config = await client.discovery(
    new URL(as.issuer),
    CLIENTS.reporting.clientId,
    undefined,
    client.ClientSecretBasic(CLIENTS.reporting.clientSecret),
    { execute: [client.allowInsecureRequests] },
  );
});
afterAll(() => as.close());

interface Api extends Listening {
  /** Requests that reached the API, with the status they got. */
  seen: Array<{ dpop: boolean; status?: number }>;
}

async function startApi(dpop: DpopOptions): Promise<Api> {
  const seen: Api['seen'] = [];
  const app = express();
  app.use((req, res, next) => {
    const entry: Api['seen'][number] = { dpop: req.headers.dpop !== undefined };
    seen.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    next();
  });
  app.use(
    bearerAuth({
      verifiers: [jwtVerifier({ discovery: as.issuer, audience: JWT_RESOURCE })],
      directory: async (identity) => ({ name: identity.subject }),
      dpop,
    }),
  );
  app.get('/reports', (req, res) =>
    res.json({ client: req.auth?.identity.clientId, binding: req.auth?.binding }),
  );
  const server = await listen(app);
  return { ...server, seen };
}

async function boundToken(dpopHandle: client.DPoPHandle): Promise<string> {
  const tokens = await client.clientCredentialsGrant(
    config,
    { resource: JWT_RESOURCE, scope: 'read' },
    { DPoP: dpopHandle },
  );
  expect(tokens.token_type.toLowerCase()).toBe('dpop');
  return tokens.access_token;
}

describe('openid-client fetchProtectedResource with a DPoP handle', () => {
  it('end to end: a bound token, a proof per request, req.auth.binding dpop', async () => {
    const api = await startApi({});
    try {
      const handle = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      const token = await boundToken(handle);
      for (let i = 0; i < 3; i++) {
        const res = await client.fetchProtectedResource(
          config,
          token,
          new URL(`${api.url}/reports`),
          'GET',
          undefined,
          undefined,
          { DPoP: handle },
        );
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ client: CLIENTS.reporting.clientId, binding: 'dpop' });
      }
      expect(api.seen).toEqual(Array(3).fill({ dpop: true, status: 200 }));
    } finally {
      await api.close();
    }
  });

  it('the nonce loop: 401 use_dpop_nonce, the client retries by itself, 200 — two requests', async () => {
    const api = await startApi({ nonce: { secret: 'a-shared-nonce-secret-of-32-bytes-or-more' } });
    try {
      const handle = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      const token = await boundToken(handle);
      const res = await client.fetchProtectedResource(
        config,
        token,
        new URL(`${api.url}/reports`),
        'GET',
        undefined,
        undefined,
        { DPoP: handle },
      );
      expect(res.status).toBe(200);
      expect(api.seen).toEqual([
        { dpop: true, status: 401 },
        { dpop: true, status: 200 },
      ]);

      // The nonce the client now holds (from the answers' DPoP-Nonce) serves the next call.
      const next = await client.fetchProtectedResource(
        config,
        token,
        new URL(`${api.url}/reports`),
        'GET',
        undefined,
        undefined,
        { DPoP: handle },
      );
      expect(next.status).toBe(200);
      expect(api.seen).toHaveLength(3);
    } finally {
      await api.close();
    }
  });

  it('a handle with another key is refused, and openid-client sees the DPoP challenge', async () => {
    const api = await startApi({});
    try {
      const owner = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      const token = await boundToken(owner);
      const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      const err = await client
        .fetchProtectedResource(
          config,
          token,
          new URL(`${api.url}/reports`),
          'GET',
          undefined,
          undefined,
          {
            DPoP: thief,
          },
        )
        .then(
          () => undefined,
          (e: unknown) =>
            e as {
              code?: string;
              cause?: Array<{ scheme: string; parameters: Record<string, string> }>;
            },
        );
      expect(err?.code).toBe('OAUTH_WWW_AUTHENTICATE_CHALLENGE');
      const dpopChallenge = err?.cause?.find((c) => c.scheme === 'dpop');
      expect(dpopChallenge?.parameters).toMatchObject({ error: 'invalid_token', realm: 'api' });
      expect(api.seen).toHaveLength(1);
    } finally {
      await api.close();
    }
  });
});
