/**
 * What an active introspection answer must also say (RFC 7662 §2.2) before its token is accepted:
 * an access token's type, this API's audience, a valid time, a verified e-mail address. Each
 * attack is a real answer from a local server, through bearerAuth end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, type Dispatcher } from 'undici';
import {
  introspectionVerifier,
  MESSAGES,
  type IntrospectionVerifierOptions,
} from '../../lib/index.js';
import { buildApp, getMyself as get, seed } from '../helpers/app.js';
import { startJsonServer, type JsonServer, type Reply } from '../helpers/json-server.js';
import { USERS } from '../helpers/users.js';

const API = 'https://jira.example.com/rest/api';
const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';
const now = () => Math.floor(Date.now() / 1000);
const ANSWER = {
  active: true,
  token_type: 'Bearer',
  sub: 'user-1',
  username: 'admin',
  client_id: 'web',
  scope: 'read',
  aud: API,
};

let upstream: JsonServer;
beforeAll(async () => {
  upstream = await startJsonServer();
});
afterAll(() => upstream.close());

const answer = (reply: Reply): void => upstream.setHandler(() => reply);
const verifier = (extra: Partial<IntrospectionVerifierOptions> = {}) =>
  introspectionVerifier({
    endpoint: `${upstream.url}/introspect`,
    clientId: 'jira-api',
    clientSecret: 'api-secret-0123456789',
    audience: API,
    cache: false,
    ...extra,
  });

async function call(
  json: Record<string, unknown>,
  extra: Partial<IntrospectionVerifierOptions> = {},
) {
  answer({ json });
  const { app, decisions } = buildApp({ verifiers: [verifier(extra)] });
  const response = await get(app, 'opaque-token-0123456789');
  return { response, decision: decisions[0] };
}

async function expectInactive(
  json: Record<string, unknown>,
  reason: string,
  extra: Partial<IntrospectionVerifierOptions> = {},
) {
  const { response, decision } = await call(json, extra);
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe(INVALID_TOKEN);
  expect(response.body).toEqual(seed(MESSAGES.expiredOrInvalidClient));
  expect(decision).toMatchObject({ outcome: 'reject', reason, verifier: 'introspection' });
}

async function expectAccepted(
  json: Record<string, unknown>,
  extra: Partial<IntrospectionVerifierOptions> = {},
) {
  const { response, decision } = await call(json, extra);
  expect(response.status).toBe(200);
  expect(response.body).toEqual(USERS[0]);
  expect(decision).toMatchObject({ outcome: 'accept' });
}

describe('token type confusion through introspection answers', () => {
  it('refuses an answer with token_type refresh_token (401 Expired Token / invalid_client_ID)', () =>
    expectInactive({ ...ANSWER, token_type: 'refresh_token' }, 'token_type_not_access'));

  it('refuses an answer with token_type N_A (a token exchange non-access token)', () =>
    expectInactive({ ...ANSWER, token_type: 'N_A' }, 'token_type_not_access'));

  it('refuses an answer with a non-string token_type', () =>
    expectInactive({ ...ANSWER, token_type: ['Bearer'] }, 'token_type_not_access'));

  it('accepts token_type bearer in lower case, and access_token', async () => {
    await expectAccepted({ ...ANSWER, token_type: 'bearer' });
    await expectAccepted({ ...ANSWER, token_type: 'ACCESS_TOKEN' });
  });

  it('refuses an answer without token_type by default', () =>
    expectInactive({ ...ANSWER, token_type: undefined }, 'token_type_not_access'));

  it('accepts an answer without token_type with requireTokenType: false, never a wrong one', async () => {
    await expectAccepted({ ...ANSWER, token_type: undefined }, { requireTokenType: false });
    await expectInactive({ ...ANSWER, token_type: 'refresh_token' }, 'token_type_not_access', {
      requireTokenType: false,
    });
  });

  it('refuses an answer with token_use refresh_token', () =>
    expectInactive({ ...ANSWER, token_use: 'refresh_token' }, 'token_type_not_access'));

  it('accepts token_use access_token', () =>
    expectAccepted({ ...ANSWER, token_use: 'access_token' }));

  it('refuses a DPoP answer that names no key (no cnf.jkt)', () =>
    expectInactive({ ...ANSWER, token_type: 'DPoP' }, 'token_type_not_access'));

  it('reads a DPoP answer with cnf.jkt as a bound token (the bind stage decides on it)', async () => {
    answer({ json: { ...ANSWER, token_type: 'DPoP', cnf: { jkt: 'thumbprint-of-the-key' } } });
    const verdict = await verifier().verify('dpop-bound-token');
    expect(verdict).toMatchObject({
      kind: 'accept',
      identity: { confirmation: { jkt: 'thumbprint-of-the-key' } },
    });
  });
});

describe('foreign audience through introspection answers', () => {
  it('refuses an answer for another API (401 Expired Token / invalid_client_ID)', () =>
    expectInactive(
      { ...ANSWER, aud: 'https://another-api.example.com' },
      'answer_audience_mismatch',
    ));

  it('accepts an aud list that contains this API', () =>
    expectAccepted({ ...ANSWER, aud: ['https://another-api.example.com', API] }));

  it('accepts any of several configured audiences', () =>
    expectAccepted({ ...ANSWER, aud: 'urn:b' }, { audience: ['urn:a', 'urn:b'] }));

  it('refuses an answer without aud while an audience is configured', () =>
    expectInactive({ ...ANSWER, aud: undefined }, 'answer_audience_mismatch'));

  it('accepts an answer without aud with requireAudienceInAnswer: false, never a foreign one', async () => {
    await expectAccepted({ ...ANSWER, aud: undefined }, { requireAudienceInAnswer: false });
    await expectInactive({ ...ANSWER, aud: 'urn:other' }, 'answer_audience_mismatch', {
      requireAudienceInAnswer: false,
    });
  });

  it('accepts any audience, or none, with audience: false', async () => {
    await expectAccepted({ ...ANSWER, aud: 'urn:other' }, { audience: false });
    await expectAccepted({ ...ANSWER, aud: undefined }, { audience: false });
  });

  it('refuses an answer from another issuer when issuer is configured (400)', async () => {
    const { response, decision } = await call(
      { ...ANSWER, iss: 'https://evil.example' },
      { issuer: 'https://id.example.com' },
    );
    expect(response.status).toBe(400);
    expect(response.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decision).toMatchObject({ reason: 'issuer_mismatch' });
  });

  it('throws at construction without an audience decision', () => {
    expect(() =>
      introspectionVerifier({
        endpoint: `${upstream.url}/introspect`,
        clientId: 'jira-api',
        clientSecret: 'api-secret-0123456789',
      } as IntrospectionVerifierOptions),
    ).toThrow(/introspectionVerifier: "audience" option is required/);
  });
});

describe('time in introspection answers', () => {
  it('refuses an answer whose nbf is in the future (400)', async () => {
    const { response, decision } = await call({ ...ANSWER, nbf: now() + 3600 });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decision).toMatchObject({ reason: 'token_not_yet_valid' });
  });

  it('refuses an answer whose iat is in the future (400)', async () => {
    const { response, decision } = await call({ ...ANSWER, iat: now() + 3600 });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decision).toMatchObject({ reason: 'token_issued_in_future' });
  });

  it('accepts nbf and iat within clockTolerance', async () => {
    await expectAccepted({ ...ANSWER, nbf: now() + 3, iat: now() + 3 });
    await expectAccepted({ ...ANSWER, iat: now() + 50 }, { clockTolerance: 60 });
  });

  it('refuses a token older than maxTokenAge (401 Token Expired)', async () => {
    const { response, decision } = await call(
      { ...ANSWER, iat: now() - 600 },
      { maxTokenAge: 300 },
    );
    expect(response.status).toBe(401);
    expect(response.body).toEqual(seed(MESSAGES.tokenExpired));
    expect(decision).toMatchObject({ reason: 'token_too_old' });
    await expectAccepted({ ...ANSWER, iat: now() - 60 }, { maxTokenAge: 300 });
  });

  it('refuses an answer without iat when maxTokenAge is set (400)', async () => {
    const { response, decision } = await call(ANSWER, { maxTokenAge: 300 });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decision).toMatchObject({ reason: 'claim_missing' });
  });

  it('re-checks maxTokenAge and nbf on cache hits', async () => {
    let clock = Date.UTC(2030, 0, 1);
    const at = Math.floor(clock / 1000);
    answer({ json: { ...ANSWER, iat: at, exp: at + 3600 } });
    const v = verifier({ maxTokenAge: 300, cache: { ttlSeconds: 3600 }, now: () => clock });
    expect((await v.verify('aging-token')).kind).toBe('accept');
    const calls = upstream.count('/introspect');
    clock += 200_000;
    expect((await v.verify('aging-token')).kind).toBe('accept');
    expect(upstream.count('/introspect')).toBe(calls); // a hit
    clock += 200_000;
    expect(await v.verify('aging-token')).toMatchObject({
      kind: 'reject',
      reason: 'token_too_old',
    });
  });
});

describe('e-mail addresses in introspection answers', () => {
  const stranger = { ...ANSWER, username: 'attacker', email: 'admin@gmail.com' };

  it.each<[string, unknown]>([
    ['false', false],
    ['"false"', 'false'],
    ['0', 0],
    ['missing', undefined],
  ])(
    'does not let an e-mail with email_verified %s find its owner (400 No user found)',
    async (_l, flag) => {
      const { response, decision } = await call({ ...stranger, email_verified: flag });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(seed(MESSAGES.userNotFound));
      expect(decision).toMatchObject({ reason: 'user_not_found' });
    },
  );

  it('trusts email_verified true or "true"', async () => {
    await expectAccepted({ ...stranger, email_verified: true });
    await expectAccepted({ ...stranger, email_verified: 'true' });
  });

  it('trusts an unflagged address with trustEmail, never one flagged false (or 0)', async () => {
    await expectAccepted(stranger, { trustEmail: true });
    for (const flag of [false, 'false', 0]) {
      const { response } = await call({ ...stranger, email_verified: flag }, { trustEmail: true });
      expect(response.status).toBe(400);
    }
  });
});

describe('what an introspection answer adds to the identity', () => {
  it('fills issuedAt, confirmation, acr and authTime', async () => {
    const iat = now() - 10;
    answer({
      json: {
        ...ANSWER,
        iat,
        acr: 'urn:mfa',
        auth_time: iat - 5,
        cnf: { 'x5t#S256': 'cert-thumbprint' },
      },
    });
    const verdict = await verifier().verify('rich-token');
    expect(verdict).toMatchObject({
      kind: 'accept',
      identity: {
        issuedAt: iat,
        acr: 'urn:mfa',
        authTime: iat - 5,
        confirmation: { x5tS256: 'cert-thumbprint' },
      },
    });
  });

  it('refuses an answer bound by a method it cannot prove (cnf.kid): never a bearer token', async () => {
    const { response, decision } = await call({ ...ANSWER, cnf: { kid: 'key-1' } });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(INVALID_TOKEN);
    expect(decision).toMatchObject({ outcome: 'reject', reason: 'token_binding_unsupported' });
  });

  it('refuses an answer with a malformed cnf (400)', async () => {
    const { response, decision } = await call({ ...ANSWER, cnf: 'jkt' });
    expect(response.status).toBe(400);
    expect(decision).toMatchObject({ reason: 'claim_invalid' });
  });
});

describe('introspection transport', () => {
  it('answers 503 for an answer that is not application/json', async () => {
    answer({ raw: JSON.stringify(ANSWER), headers: { 'content-type': 'text/html' } });
    const { app, decisions } = buildApp({ verifiers: [verifier()] });
    await get(app, 'token-with-html-answer').expect(503);
    expect(decisions[0]).toMatchObject({
      outcome: 'unavailable',
      reason: 'upstream_invalid_response',
    });
  });

  it('accepts an application/token-introspection+json style media type', () => {
    answer({
      raw: JSON.stringify(ANSWER),
      headers: { 'content-type': 'application/token-introspection+json; charset=utf-8' },
    });
    return verifier()
      .verify('plus-json-token')
      .then((verdict) => expect(verdict.kind).toBe('accept'));
  });

  it('sends its calls through the given dispatcher', async () => {
    let dispatched = 0;
    class CountingAgent extends Agent {
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
        dispatched++;
        return super.dispatch(options, handler);
      }
    }
    const dispatcher = new CountingAgent();
    try {
      answer({ json: ANSWER });
      expect((await verifier({ dispatcher }).verify('dispatched-token')).kind).toBe('accept');
      expect(dispatched).toBe(1);
    } finally {
      await dispatcher.close();
    }
  });
});
