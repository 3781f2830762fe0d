import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import request from 'supertest';
import { MESSAGES, oauthProviderVerifier, type Verdict } from '../../lib/index.js';
import { buildApp, seed } from '../helpers/app.js';
import { startJsonServer, type JsonServer, type Reply } from '../helpers/json-server.js';
import { GOOGLE_CLIENT } from './providers/provider-fixtures.js';

const ctx = () => ({
  req: {} as Request,
  scheme: 'bearer' as const,
  signal: new AbortController().signal,
});

describe('oauthProviderVerifier: what the provider answers', () => {
  let server: JsonServer;
  let reply: Reply = { json: {} };
  beforeAll(async () => {
    server = await startJsonServer(() => reply);
  });
  afterAll(() => server.close());

  const custom = (extra: Record<string, unknown> = {}) =>
    oauthProviderVerifier({
      provider: 'custom',
      userinfoEndpoint: `${server.url}/me`,
      usernameField: 'login',
      cache: false,
      ...extra,
    });

  it.each<[string, Reply, Verdict['kind'], string]>([
    ['a 500', { status: 500, json: { error: 'boom' } }, 'unavailable', 'upstream_error'],
    [
      'a 502 page',
      { status: 502, raw: '<html>Bad Gateway</html>' },
      'unavailable',
      'upstream_error',
    ],
    ['a 429', { status: 429, json: { message: 'slow down' } }, 'unavailable', 'upstream_error'],
    ['garbage', { raw: 'not json at all' }, 'unavailable', 'upstream_invalid_response'],
    ['a JSON array', { json: [{ login: 'admin' }] }, 'unavailable', 'upstream_invalid_response'],
    ['a JSON string', { json: 'admin' }, 'unavailable', 'upstream_invalid_response'],
    ['an empty 204', { status: 204, raw: '' }, 'unavailable', 'upstream_invalid_response'],
    [
      'a redirect',
      { status: 302, headers: { location: 'https://elsewhere.example/me' } },
      'unavailable',
      'upstream_redirect',
    ],
    [
      'a huge profile',
      { json: { login: 'admin', padding: 'x'.repeat(300 * 1024) } },
      'unavailable',
      'upstream_too_large',
    ],
    ['a numeric username', { json: { login: 12345 } }, 'reject', 'claim_invalid'],
    ['an object username', { json: { login: { name: 'admin' } } }, 'reject', 'claim_invalid'],
    ['an array username', { json: { login: ['admin', 'root'] } }, 'reject', 'claim_invalid'],
    ['a username of null', { json: { login: null } }, 'reject', 'username_missing'],
    ['an empty username', { json: { login: '' } }, 'reject', 'username_missing'],
    ['a 401', { status: 401, json: { error: 'invalid_token' } }, 'reject', 'provider_rejected'],
    [
      'a 403',
      { status: 403, json: { error: 'insufficient_scope' } },
      'reject',
      'provider_rejected',
    ],
  ])('turns %s into %s (%s), never an accept', async (_what, answer, kind, reason) => {
    reply = answer;
    const verdict = await custom().verify('opaque-token-1', ctx());
    expect(verdict).toMatchObject({ kind, reason });
  });

  it('answers 503 when the provider does not answer in time', async () => {
    reply = { json: { login: 'admin' }, delayMs: 1000 };
    const verdict = await custom({ timeoutMs: 100 }).verify('opaque-token-2', ctx());
    expect(verdict.kind).toBe('unavailable');
    // Under jest's VM realm undici's DOMException is not `instanceof Error`, so lib/http/client.ts
    // classifies the abort as unreachable; in Node itself it is upstream_timeout.
    expect(['upstream_timeout', 'upstream_unreachable']).toContain(
      (verdict as { reason: string }).reason,
    );
  });

  it('passes a token that does not match tokenPattern on without asking the provider', async () => {
    reply = { json: { login: 'admin' } };
    const verifier = custom({ tokenPattern: /^acme_/ });
    const before = server.count();
    expect(await verifier.verify('opaque-of-another-server', ctx())).toEqual({
      kind: 'pass',
      reason: 'token_unrecognized',
    });
    expect(server.count()).toBe(before);
    expect((await verifier.verify('acme_abc', ctx())).kind).toBe('accept');
    expect(server.count()).toBe(before + 1);
  });

  it('never puts the token in a verdict', async () => {
    reply = { status: 500, json: { echo: 'secret-token-value' } };
    const verdict = await custom().verify('secret-token-value', ctx());
    expect(JSON.stringify(verdict)).not.toContain('secret-token-value');
    expect(String((verdict as { cause?: Error }).cause)).not.toContain('secret-token-value');
  });

  it('does not follow prototype keys of the profile', async () => {
    reply = {
      raw: '{"__proto__":{"login":"admin"},"constructor":{"login":"admin"}}',
      headers: { 'content-type': 'application/json' },
    };
    const verdict = await custom({ usernameField: ['constructor', 'login'] }).verify(
      'opaque-token-3',
      ctx(),
    );
    expect(verdict).toMatchObject({ kind: 'reject', reason: 'username_missing' });
  });

  it('reads the username with a function and the subject from "sub", then "id"', async () => {
    reply = { json: { id: 42, user: { name: 'admin' } } };
    const verdict = await custom({
      usernameField: (p: Record<string, unknown>) => (p.user as { name?: string }).name,
    }).verify('opaque-token-4', ctx());
    expect(verdict).toMatchObject({
      kind: 'accept',
      identity: { subject: '42', username: 'admin', verifier: 'oauth-provider:custom' },
    });
  });

  it('keeps an answer ttlSeconds: asked again once the entry is older', async () => {
    let clock = 1_000_000;
    const verifier = custom({ cache: {}, ttlSeconds: 30, now: () => clock });
    reply = { json: { login: 'admin' } };
    const before = server.count();
    await verifier.verify('opaque-ttl', ctx());
    clock += 29_000;
    await verifier.verify('opaque-ttl', ctx());
    expect(server.count() - before).toBe(1);
    clock += 2_000;
    await verifier.verify('opaque-ttl', ctx());
    expect(server.count() - before).toBe(2);
  });

  it('keeps a refusal cache.negativeTtlSeconds, never an outage', async () => {
    const verifier = custom({ cache: { negativeTtlSeconds: 60 } });
    const before = server.count();
    reply = { status: 503, json: {} };
    await verifier.verify('opaque-neg', ctx());
    reply = { status: 401, json: {} };
    await verifier.verify('opaque-neg', ctx());
    await verifier.verify('opaque-neg', ctx());
    expect(server.count() - before).toBe(2);
  });

  it('asks every time with cache: false', async () => {
    reply = { json: { login: 'admin' } };
    const verifier = custom();
    const before = server.count();
    await verifier.verify('opaque-nocache', ctx());
    await verifier.verify('opaque-nocache', ctx());
    expect(server.count() - before).toBe(2);
  });
});

describe('oauthProviderVerifier: GitHub scopes and Google client checks', () => {
  let server: JsonServer;
  let reply: Reply = { json: {} };
  beforeAll(async () => {
    server = await startJsonServer(() => reply);
  });
  afterAll(() => server.close());
  const now = Math.floor(Date.now() / 1000);
  const tokeninfo = (extra: Record<string, unknown> = {}) => ({
    json: {
      azp: GOOGLE_CLIENT,
      aud: GOOGLE_CLIENT,
      sub: '1101',
      email: 'admin@gmail.com',
      email_verified: 'true',
      scope: 'openid email',
      exp: String(now + 3600),
      ...extra,
    },
  });

  it('reads GitHub scopes from X-OAuth-Scopes, so scope guards work', async () => {
    reply = {
      json: { login: 'admin', id: 1 },
      headers: { 'x-oauth-scopes': 'write, delete, repo' },
    };
    const { app } = buildApp({
      verifiers: [oauthProviderVerifier({ provider: 'github', baseUrl: server.url })],
    });
    await request(app)
      .delete('/rest/api/2/issue/1')
      .set('Authorization', 'Bearer gho_1')
      .expect(204);
    reply = { json: { login: 'admin', id: 1 }, headers: { 'x-oauth-scopes': 'read:user' } };
    await request(app)
      .delete('/rest/api/2/issue/1')
      .set('Authorization', 'Bearer gho_2')
      .expect(403);
  });

  it('refuses a Google token issued to another client (401) and one for another audience (400)', async () => {
    reply = tokeninfo({
      azp: 'other.apps.googleusercontent.com',
      aud: 'other.apps.googleusercontent.com',
    });
    const byClient = buildApp({
      verifiers: [
        oauthProviderVerifier({ provider: 'google', baseUrl: server.url, clientId: GOOGLE_CLIENT }),
      ],
    });
    await request(byClient.app)
      .get('/rest/api/2/myself')
      .set('Authorization', 'Bearer ya29.other')
      .expect(401, seed(MESSAGES.expiredOrInvalidClient));
    expect(byClient.decisions[0]).toMatchObject({ reason: 'client_mismatch' });

    const byAudience = buildApp({
      verifiers: [
        oauthProviderVerifier({
          provider: 'google',
          baseUrl: server.url,
          expectedAudience: GOOGLE_CLIENT,
        }),
      ],
    });
    await request(byAudience.app)
      .get('/rest/api/2/myself')
      .set('Authorization', 'Bearer ya29.other')
      .expect(400, seed(MESSAGES.tokenInvalid));
    expect(byAudience.decisions[0]).toMatchObject({ reason: 'audience_mismatch' });
  });

  it('accepts a Google token of the configured client, with its scopes, expiry and client id', async () => {
    reply = tokeninfo();
    const verdict = await oauthProviderVerifier({
      provider: 'google',
      baseUrl: server.url,
      clientId: ['other-client', GOOGLE_CLIENT],
    }).verify('ya29.good', ctx());
    expect(verdict).toMatchObject({
      kind: 'accept',
      identity: {
        subject: '1101',
        username: 'admin@gmail.com',
        email: 'admin@gmail.com',
        clientId: GOOGLE_CLIENT,
        scopes: ['openid', 'email'],
        expiresAt: now + 3600,
      },
    });
    expect(server.requests.at(-1)?.query.get('access_token')).toBe('ya29.good');
  });

  it('never keeps a Google answer past its exp', async () => {
    let clock = now * 1000;
    reply = tokeninfo({ exp: String(now + 10) });
    const verifier = oauthProviderVerifier({
      provider: 'google',
      baseUrl: server.url,
      now: () => clock,
    });
    const before = server.count();
    await verifier.verify('ya29.short', ctx());
    await verifier.verify('ya29.short', ctx());
    expect(server.count() - before).toBe(1);
    clock += 11_000;
    await verifier.verify('ya29.short', ctx());
    expect(server.count() - before).toBe(2);
  });
});
