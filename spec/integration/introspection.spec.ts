import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Server } from 'node:http';
import {
  introspectionVerifier,
  jwtVerifier,
  MESSAGES,
  type IntrospectionVerifierOptions,
  type Verifier,
} from '../../lib/index.js';
import { buildApp, seed, getMyself as get } from '../helpers/app.js';
import { CLIENTS, JWT_RESOURCE, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { USERS } from '../helpers/users.js';

const INTROSPECTION = '/token/introspection';

describe('introspectionVerifier against oidc-provider', () => {
  let as: AuthServer;
  beforeAll(async () => {
    as = await startAuthServer();
  });
  afterAll(() => as.close());

  const introspections = () => as.counts[INTROSPECTION] ?? 0;
  const verifier = (extra: Partial<IntrospectionVerifierOptions> = {}) =>
    introspectionVerifier({
      endpoint: `${as.issuer}${INTROSPECTION}`,
      clientId: CLIENTS.resourceServer.clientId,
      clientSecret: CLIENTS.resourceServer.clientSecret,
      // oidc-provider's opaque tokens carry no audience (no resource indicator was asked for)
      audience: false,
      ...extra,
    });

  it('accepts a valid opaque token and answers its directory user', async () => {
    const token = await as.userToken({ accountId: 'user-admin' });
    const { app, decisions } = buildApp({ verifiers: [verifier()] });
    await get(app, token).expect(200, USERS[0]);
    expect(decisions[0]).toMatchObject({
      outcome: 'accept',
      reason: 'accepted',
      verifier: 'introspection',
      subject: 'user-admin',
      username: 'admin',
    });
  });

  it('accepts with client_secret_post too', async () => {
    const token = await as.userToken({ accountId: 'user-jdoe' });
    const { app } = buildApp({ verifiers: [verifier({ authMethod: 'client_secret_post' })] });
    await get(app, token).expect(200, USERS[1]);
  });

  it('refuses an unknown token with 401 Expired Token / invalid_client_ID', async () => {
    const { app, decisions } = buildApp({ verifiers: [verifier()] });
    await get(app, 'no-such-token-0123456789')
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
      .expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions[0]).toMatchObject({
      outcome: 'reject',
      reason: 'token_inactive',
      verifier: 'introspection',
    });
  });

  it('refuses a token revoked at the server at once with cache: false', async () => {
    const token = await as.userToken({ accountId: 'user-admin' });
    const { app, decisions } = buildApp({ verifiers: [verifier({ cache: false })] });
    await get(app, token).expect(200);
    expect(await as.revoke(token)).toBe(200);
    await get(app, token).expect(401).expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions.map((d) => d.reason)).toEqual(['accepted', 'token_inactive']);
  });

  it('keeps accepting a revoked token until ttlSeconds pass on the clock', async () => {
    let now = Date.now();
    const { app, decisions } = buildApp({
      verifiers: [verifier({ cache: { ttlSeconds: 30 }, now: () => now })],
    });
    const token = await as.userToken({ accountId: 'user-admin' });
    await get(app, token).expect(200);
    const before = introspections();
    expect(await as.revoke(token)).toBe(200);

    await get(app, token).expect(200);
    now += 29_999;
    await get(app, token).expect(200);
    expect(introspections()).toBe(before);
    now += 1;
    await get(app, token).expect(401).expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(introspections()).toBe(before + 1);
    expect(decisions.map((d) => d.reason)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'token_inactive',
    ]);
  });

  it('refuses a revoked token at once after forget(token)', async () => {
    const v = verifier({ cache: { ttlSeconds: 300 } });
    const { app, decisions } = buildApp({ verifiers: [v] });
    const token = await as.userToken({ accountId: 'user-jdoe' });
    await get(app, token).expect(200);
    await as.revoke(token);
    await get(app, token).expect(200);
    expect(v.forget(token)).toBe(true);
    await get(app, token).expect(401).expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions.at(-1)).toMatchObject({ reason: 'token_inactive' });
  });

  it('answers 401 and warns once when the server refuses the configured client', async () => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const token = await as.userToken({ accountId: 'user-admin' });
      const { app, decisions } = buildApp({
        verifiers: [verifier({ clientSecret: 'not-the-secret' })],
      });
      for (let i = 0; i < 2; i++) {
        await get(app, token)
          .expect(401)
          .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
          .expect(seed(MESSAGES.expiredOrInvalidClient));
      }
      expect(decisions.map((d) => d.reason)).toEqual([
        'client_unauthorized',
        'client_unauthorized',
      ]);
      const ours = emit.mock.calls.filter(
        ([, options]) =>
          (options as { code?: string } | undefined)?.code ===
          'BEARER_GUARD_INTROSPECTION_CLIENT_REFUSED',
      );
      expect(ours).toHaveLength(1);
      expect(String(ours[0]?.[0])).toContain(CLIENTS.resourceServer.clientId);
      expect(String(ours[0]?.[0])).not.toContain('not-the-secret');
    } finally {
      emit.mockRestore();
    }
  });

  it('answers 503 with Retry-After when the server is down', async () => {
    const down = await startAuthServer();
    const token = await down.userToken({ accountId: 'user-admin' });
    const { app, decisions } = buildApp({
      verifiers: [
        introspectionVerifier({
          endpoint: `${down.issuer}${INTROSPECTION}`,
          clientId: CLIENTS.resourceServer.clientId,
          clientSecret: CLIENTS.resourceServer.clientSecret,
          audience: false,
        }),
      ],
    });
    await down.close();
    const res = await get(app, token)
      .expect(503)
      .expect('Retry-After', '5')
      .expect(seed(MESSAGES.unavailable));
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(decisions[0]).toMatchObject({
      outcome: 'unavailable',
      reason: 'upstream_unreachable',
      verifier: 'introspection',
      status: 503,
    });
  });

  describe('in a chain after jwtVerifier', () => {
    const chain = () => [
      jwtVerifier({ jwks: as.publicJwks, issuer: as.issuer, audience: JWT_RESOURCE }),
      verifier(),
    ];

    it('accepts a JWT locally, without an introspection request', async () => {
      const token = await as.userToken({ accountId: 'user-jdoe', format: 'jwt' });
      const { app, decisions } = buildApp({ verifiers: chain() });
      const before = introspections();
      await get(app, token).expect(200, USERS[1]);
      expect(introspections()).toBe(before);
      expect(decisions[0]).toMatchObject({ outcome: 'accept', verifier: 'jwt' });
    });

    it('sends an opaque token on to introspection', async () => {
      const token = await as.userToken({ accountId: 'user-admin' });
      const { app, decisions } = buildApp({ verifiers: chain() });
      const before = introspections();
      await get(app, token).expect(200, USERS[0]);
      expect(introspections()).toBe(before + 1);
      expect(decisions[0]).toMatchObject({ outcome: 'accept', verifier: 'introspection' });
    });

    it('refuses, as invalid, a JWT of an issuer the JWT verifier does not handle', async () => {
      // The JWT verifier passes it; oidc-provider cannot introspect JWTs
      // (unsupported_token_type), so the introspection verifier passes too: 400, not 503.
      const token = await as.userToken({ accountId: 'user-jdoe', format: 'jwt' });
      const { app, decisions } = buildApp({
        verifiers: [
          jwtVerifier({
            jwks: as.publicJwks,
            issuer: 'https://other.example',
            audience: JWT_RESOURCE,
          }),
          verifier(),
        ],
      });
      await get(app, token).expect(400).expect(seed(MESSAGES.tokenInvalid));
      expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'issuer_mismatch' });
    });
  });

  describe('200 concurrent requests carrying one cold token', () => {
    let server: Server;
    const appServer = (verifiers: Verifier[]) => {
      const built = buildApp({ verifiers });
      server = built.app.listen(0, '127.0.0.1');
      return built;
    };
    const fire = async (token: string) => {
      const answers = await Promise.all(Array.from({ length: 200 }, () => get(server, token)));
      return answers.map((a) => a.status);
    };
    const stop = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };

    it('make exactly one introspection request (default cache)', async () => {
      const token = await as.userToken({ accountId: 'user-admin' });
      const { decisions } = appServer([verifier()]);
      try {
        const before = introspections();
        expect(await fire(token)).toEqual(Array(200).fill(200));
        expect(introspections() - before).toBe(1);
        expect(decisions.filter((d) => d.outcome === 'accept')).toHaveLength(200);
      } finally {
        await stop();
      }
    });

    it('make exactly one introspection request with cache: false, all arriving at once', async () => {
      const token = await as.userToken({ accountId: 'user-admin' });
      const inner = verifier({ cache: false });
      let waiting = 0;
      let release!: () => void;
      const together = new Promise<void>((resolve) => (release = resolve));
      // Lets all 200 requests reach the introspection verifier in the same tick.
      const barrier: Verifier = {
        name: inner.name,
        async verify(t, ctx) {
          if (++waiting === 200) release();
          await together;
          return inner.verify(t, ctx);
        },
      };
      appServer([barrier]);
      try {
        const before = introspections();
        expect(await fire(token)).toEqual(Array(200).fill(200));
        expect(introspections() - before).toBe(1);
      } finally {
        await stop();
      }
    });
  });
});
