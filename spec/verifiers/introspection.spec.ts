import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Server } from 'node:http';
import {
  introspectionVerifier,
  MESSAGES,
  type IntrospectionVerifierOptions,
  type Verifier,
} from '../../lib/index.js';
import { buildApp, seed, getMyself as get } from '../helpers/app.js';
import {
  startJsonServer,
  type Handler,
  type JsonServer,
  type Reply,
} from '../helpers/json-server.js';
import { USERS } from '../helpers/users.js';

const ACTIVE = {
  active: true,
  sub: 'user-1',
  username: 'admin',
  client_id: 'web',
  scope: 'read write',
  token_type: 'Bearer',
};
const PATH = '/introspect';

let upstream: JsonServer;
beforeAll(async () => {
  upstream = await startJsonServer();
});
afterAll(() => upstream.close());

function reply(handler: Handler | Reply): void {
  upstream.setHandler(typeof handler === 'function' ? handler : () => handler);
}

function verifier(extra: Partial<IntrospectionVerifierOptions> = {}) {
  return introspectionVerifier({
    endpoint: `${upstream.url}${PATH}`,
    clientId: 'jira-api',
    clientSecret: 'api-secret',
    timeoutMs: 1500,
    audience: false,
    ...extra,
  });
}

function clock() {
  let t = Date.UTC(2030, 0, 1);
  return { now: () => t, advance: (ms: number) => (t += ms), seconds: () => Math.floor(t / 1000) };
}

describe('introspectionVerifier against a local server', () => {
  it('posts the token with the hint and client_secret_basic, and accepts an active answer', async () => {
    reply({ json: ACTIVE });
    const { app, decisions } = buildApp({ verifiers: [verifier()] });
    await get(app, 'opaque-token-1').expect(200, USERS[0]);
    const seen = upstream.requests.at(-1);
    expect(seen?.method).toBe('POST');
    expect(seen?.path).toBe(PATH);
    expect(new URLSearchParams(seen?.body)).toEqual(
      new URLSearchParams({ token: 'opaque-token-1', token_type_hint: 'access_token' }),
    );
    expect(seen?.headers.authorization).toBe(
      `Basic ${Buffer.from('jira-api:api-secret').toString('base64')}`,
    );
    expect(decisions[0]).toMatchObject({
      outcome: 'accept',
      verifier: 'introspection',
      subject: 'user-1',
      username: 'admin',
    });
  });

  it('sends form-encoded special characters with client_secret_basic', async () => {
    reply({ json: ACTIVE });
    const v = verifier({ clientId: 'api:one+two', clientSecret: 'p%ss wörd:🔑', cache: false });
    await v.verify('t-special');
    const header = upstream.requests.at(-1)?.headers.authorization ?? '';
    expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).toBe(
      'api%3Aone%2Btwo:p%25ss+w%C3%B6rd%3A%F0%9F%94%91',
    );
  });

  it('sends client_secret_post credentials in the form and no Authorization header', async () => {
    reply({ json: ACTIVE });
    const v = verifier({ authMethod: 'client_secret_post', cache: false });
    expect((await v.verify('t-post')).kind).toBe('accept');
    const seen = upstream.requests.at(-1);
    expect(seen?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(seen?.body))).toEqual({
      token: 't-post',
      token_type_hint: 'access_token',
      client_id: 'jira-api',
      client_secret: 'api-secret',
    });
  });

  it('maps the answer to an identity', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const answer = {
      ...ACTIVE,
      exp,
      iss: 'https://id.example.com',
      email: 'a@b.c',
      email_verified: true,
      extra: 1,
    };
    reply({ json: answer });
    const verdict = await verifier({ cache: false }).verify('t-map');
    expect(verdict).toEqual({
      kind: 'accept',
      identity: {
        subject: 'user-1',
        username: 'admin',
        email: 'a@b.c',
        clientId: 'web',
        scopes: ['read', 'write'],
        claims: answer,
        issuer: 'https://id.example.com',
        expiresAt: exp,
        serviceAccount: false,
        verifier: 'introspection',
      },
    });
  });

  it.each<[string, Record<string, unknown>, Partial<IntrospectionVerifierOptions>, number]>([
    [
      'usernameField first',
      { active: true, token_type: 'Bearer', sub: 'x', username: 'admin', login: 'jdoe' },
      { usernameField: 'login' },
      1,
    ],
    [
      'username when usernameField is absent',
      { active: true, token_type: 'Bearer', sub: 'x', username: 'jdoe' },
      { usernameField: 'login' },
      1,
    ],
    ['sub when there is no username', { active: true, token_type: 'Bearer', sub: 'admin' }, {}, 0],
    [
      'client_id as the subject when there is no sub',
      { active: true, token_type: 'Bearer', client_id: 'c', username: 'admin' },
      {},
      0,
    ],
  ])('reads the username from %s', async (_label, answer, extra, user) => {
    reply({ json: answer });
    const { app } = buildApp({ verifiers: [verifier({ cache: false, ...extra })] });
    await get(app, 't-user').expect(200, USERS[user]);
  });

  it.each<[string, Record<string, unknown>, Partial<IntrospectionVerifierOptions>]>([
    ['a matching issuer', { ...ACTIVE, iss: 'https://b' }, { issuer: ['https://a', 'https://b'] }],
    ['a matching audience in a list', { ...ACTIVE, aud: ['x', 'api'] }, { audience: 'api' }],
  ])('accepts %s', async (_label, answer, extra) => {
    reply({ json: answer });
    expect((await verifier({ cache: false, ...extra }).verify('t-ok')).kind).toBe('accept');
  });

  describe('refusals', () => {
    it.each<[string, Reply, Partial<IntrospectionVerifierOptions>, number, string, string]>([
      [
        'active false',
        { json: { active: false } },
        {},
        401,
        MESSAGES.expiredOrInvalidClient,
        'token_inactive',
      ],
      [
        'an exp already past',
        { json: { ...ACTIVE, exp: 1_000_000 } },
        {},
        401,
        MESSAGES.expiredOrInvalidClient,
        'token_inactive',
      ],
      [
        'another issuer',
        { json: { ...ACTIVE, iss: 'https://evil' } },
        { issuer: 'https://id' },
        400,
        MESSAGES.tokenInvalid,
        'issuer_mismatch',
      ],
      [
        'no issuer when one is expected',
        { json: ACTIVE },
        { issuer: 'https://id' },
        400,
        MESSAGES.tokenInvalid,
        'issuer_mismatch',
      ],
      [
        'another audience',
        { json: { ...ACTIVE, aud: 'other' } },
        { audience: 'api' },
        401,
        MESSAGES.expiredOrInvalidClient,
        'answer_audience_mismatch',
      ],
      [
        'a non-string scope',
        { json: { ...ACTIVE, scope: 5 } },
        {},
        400,
        MESSAGES.tokenInvalid,
        'claim_invalid',
      ],
      [
        'a non-numeric exp',
        { json: { ...ACTIVE, exp: 'soon' } },
        {},
        400,
        MESSAGES.tokenInvalid,
        'claim_invalid',
      ],
      [
        'no sub and no client_id',
        { json: { active: true, token_type: 'Bearer', username: 'admin' } },
        {},
        400,
        MESSAGES.tokenInvalid,
        'claim_missing',
      ],
      [
        'a token type the server cannot introspect',
        { status: 400, json: { error: 'unsupported_token_type' } },
        {},
        400,
        MESSAGES.tokenInvalid,
        'token_unrecognized',
      ],
    ])('refuses %s', async (_label, answer, extra, status, message, reason) => {
      reply(answer);
      const { app, decisions } = buildApp({ verifiers: [verifier({ cache: false, ...extra })] });
      await get(app, 't-refused')
        .expect(status)
        .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
        .expect(seed(message));
      expect(decisions[0]).toMatchObject({ reason, status });
    });
  });

  describe('the configured client refused', () => {
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it.each<[string, Reply]>([
      ['401', { status: 401, json: { error: 'invalid_client' } }],
      ['401 without a body', { status: 401, raw: '' }],
      ['400 invalid_client', { status: 400, json: { error: 'invalid_client' } }],
    ])(
      'answers %s with 401, reason client_unauthorized, one warning, nothing cached',
      async (_l, answer) => {
        const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        reply(answer);
        const { app, decisions } = buildApp({ verifiers: [verifier()] });
        const before = upstream.count(PATH);
        for (let i = 0; i < 2; i++) {
          await get(app, 't-client')
            .expect(401)
            .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
            .expect(seed(MESSAGES.expiredOrInvalidClient));
        }
        expect(upstream.count(PATH) - before).toBe(2);
        expect(decisions.map((d) => d.reason)).toEqual([
          'client_unauthorized',
          'client_unauthorized',
        ]);
        expect(String((decisions[0]?.cause as Error).message)).toContain('"jira-api"');
        expect(String((decisions[0]?.cause as Error).message)).not.toContain('api-secret');
        expect(emit).toHaveBeenCalledTimes(1);
        expect(emit.mock.calls[0]?.[1]).toEqual({
          code: 'BEARER_GUARD_INTROSPECTION_CLIENT_REFUSED',
        });
        expect(String(emit.mock.calls[0]?.[0])).not.toContain('api-secret');
      },
    );
  });

  describe('bad answers fail closed with 503', () => {
    const tenMegabytes = `{"active":true,"sub":"admin","pad":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    it.each<[string, Reply, string]>([
      ['an answer that is not JSON', { raw: '<html>oops</html>' }, 'upstream_invalid_response'],
      ['a JSON array', { json: [ACTIVE] }, 'upstream_invalid_response'],
      [
        'active as the string "true"',
        { json: { ...ACTIVE, active: 'true' } },
        'upstream_invalid_response',
      ],
      [
        'no active member',
        { json: { sub: 'admin', username: 'admin' } },
        'upstream_invalid_response',
      ],
      ['a 10 MB answer', { raw: tenMegabytes }, 'upstream_too_large'],
      ['an answer after the timeout', { json: ACTIVE, delayMs: 3000 }, 'upstream_timeout'],
      [
        'a 302',
        { status: 302, headers: { location: '/elsewhere' }, json: ACTIVE },
        'upstream_redirect',
      ],
      ['a socket closed mid-answer', { json: ACTIVE, cutAfterBytes: 12 }, 'upstream_unreachable'],
      ['a 500', { status: 500, json: ACTIVE }, 'upstream_error'],
      ['a 404', { status: 404, raw: 'not here' }, 'upstream_error'],
      [
        'a 400 invalid_request',
        { status: 400, json: { error: 'invalid_request' } },
        'upstream_error',
      ],
    ])('%s', async (_label, answer, reason) => {
      reply(answer);
      const { app, decisions } = buildApp({ verifiers: [verifier()] });
      const before = upstream.count(PATH);
      for (let i = 0; i < 2; i++) {
        const res = await get(app, 't-bad')
          .expect(503)
          .expect('Retry-After', '5')
          .expect(seed(MESSAGES.unavailable));
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
      // Never cached: the second request asked again.
      expect(upstream.count(PATH) - before).toBe(2);
      expect(decisions.map((d) => [d.outcome, d.reason, d.verifier])).toEqual([
        ['unavailable', reason, 'introspection'],
        ['unavailable', reason, 'introspection'],
      ]);
      expect(upstream.count('/elsewhere')).toBe(0);
    });
  });

  describe('the cache', () => {
    it('keeps an accepted answer for ttlSeconds, then asks again', async () => {
      const time = clock();
      reply({ json: ACTIVE });
      const v = verifier({ now: time.now, cache: { ttlSeconds: 30 } });
      const before = upstream.count(PATH);
      await v.verify('t-ttl');
      time.advance(29_999);
      expect((await v.verify('t-ttl')).kind).toBe('accept');
      expect(upstream.count(PATH) - before).toBe(1);
      time.advance(1);
      await v.verify('t-ttl');
      expect(upstream.count(PATH) - before).toBe(2);
    });

    it('never keeps an accepted answer past its exp', async () => {
      const time = clock();
      reply(() => ({ json: { ...ACTIVE, exp: time.seconds() + 20 } }));
      const v = verifier({ now: time.now, cache: { ttlSeconds: 300 } });
      const before = upstream.count(PATH);
      await v.verify('t-exp');
      time.advance(19_000);
      expect((await v.verify('t-exp')).kind).toBe('accept');
      expect(upstream.count(PATH) - before).toBe(1);
      time.advance(1000);
      await v.verify('t-exp');
      expect(upstream.count(PATH) - before).toBe(2);
    });

    it('keeps an inactive answer for negativeTtlSeconds', async () => {
      const time = clock();
      reply({ json: { active: false } });
      const v = verifier({ now: time.now, cache: { negativeTtlSeconds: 10 } });
      const before = upstream.count(PATH);
      await v.verify('t-neg');
      time.advance(9_999);
      expect(await v.verify('t-neg')).toEqual({ kind: 'reject', reason: 'token_inactive' });
      expect(upstream.count(PATH) - before).toBe(1);
      time.advance(1);
      reply({ json: ACTIVE });
      expect((await v.verify('t-neg')).kind).toBe('accept');
      expect(upstream.count(PATH) - before).toBe(2);
    });

    it('keeps no inactive answer with negativeTtlSeconds 0, and nothing with cache: false', async () => {
      reply({ json: { active: false } });
      const noNegative = verifier({ cache: { negativeTtlSeconds: 0 } });
      const off = verifier({ cache: false });
      const before = upstream.count(PATH);
      await noNegative.verify('t-zero');
      await noNegative.verify('t-zero');
      reply({ json: ACTIVE });
      await off.verify('t-off');
      await off.verify('t-off');
      expect(upstream.count(PATH) - before).toBe(4);
    });

    it('forget() and clear() drop answers at once', async () => {
      reply({ json: ACTIVE });
      const v = verifier();
      const before = upstream.count(PATH);
      await v.verify('t-forget');
      await v.verify('t-forget');
      expect(upstream.count(PATH) - before).toBe(1);
      reply({ json: { active: false } });
      expect(v.forget('t-forget')).toBe(true);
      expect(v.forget('t-forget')).toBe(false);
      expect(await v.verify('t-forget')).toEqual({ kind: 'reject', reason: 'token_inactive' });
      v.clear();
      reply({ json: ACTIVE });
      expect((await v.verify('t-forget')).kind).toBe('accept');
      expect(upstream.count(PATH) - before).toBe(3);
    });

    it('shares one introspection between 200 concurrent requests, even with cache: false', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      reply(async () => {
        await gate;
        return { json: ACTIVE };
      });
      // The gate holds the one upstream call open until all 200 arrive; on a busy machine that can
      // take longer than the default timeout, which this test is not about.
      const inner = verifier({ cache: false, timeoutMs: 60_000 });
      let started = 0;
      // Holds the upstream answer until all 200 requests are inside the verifier.
      const counting: Verifier = {
        name: inner.name,
        verify(token, ctx) {
          if (++started === 200) release();
          return inner.verify(token, ctx);
        },
      };
      const { app, decisions } = buildApp({ verifiers: [counting] });
      const server: Server = app.listen(0, '127.0.0.1');
      try {
        const before = upstream.count(PATH);
        const answers = await Promise.all(
          Array.from({ length: 200 }, () => get(server, 't-concurrent')),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
        expect(upstream.count(PATH) - before).toBe(1);
        expect(decisions).toHaveLength(200);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }, 90_000);
  });
});
