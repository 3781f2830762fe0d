import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import request from 'supertest';
import {
  clientCredentialsVerifier,
  MESSAGES,
  type Claims,
  type ClientCredentialsVerifierOptions,
  type Identity,
  type Verdict,
  type Verifier,
} from '../../lib/index.js';
import { buildApp, seed, getMyself as get } from '../helpers/app.js';
import { USERS } from '../helpers/users.js';

const ctx = { req: {} as Request, scheme: 'bearer' as const, signal: new AbortController().signal };
const EXP = 2_000_000_000;

/**
 * A verifier over a table of RFC 7662 answers, building identities the way an introspection
 * verifier does (claims = the answer, clientId = client_id, username = username, else sub).
 */
function introspectionShaped(answers: Record<string, Claims>): Verifier {
  return {
    name: 'introspection',
    async verify(token): Promise<Verdict> {
      const answer = answers[token];
      if (!answer) return { kind: 'pass', reason: 'token_unrecognized' };
      if (answer.active !== true) return { kind: 'reject', reason: 'token_inactive' };
      const text = (name: string) =>
        typeof answer[name] === 'string' ? (answer[name] as string) : undefined;
      const clientId = text('client_id');
      const identity: Identity = {
        subject: text('sub') ?? clientId ?? '',
        username: text('username') ?? text('sub'),
        email: text('email'),
        clientId,
        scopes: (text('scope') ?? '').split(' ').filter(Boolean),
        claims: answer,
        expiresAt: typeof answer.exp === 'number' ? answer.exp : undefined,
        serviceAccount: false,
        verifier: 'introspection',
      };
      return { kind: 'accept', identity };
    },
  };
}

/** A verifier that answers one fixed verdict (or throws). */
const fixed = (answer: Verdict | Error): Verifier => ({
  name: 'fixed',
  verify: async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  },
});

const ANSWERS: Record<string, Claims> = {
  'cc-reporting': {
    active: true,
    client_id: 'svc-reporting',
    scope: 'read write',
    exp: EXP,
    token_type: 'Bearer',
  },
  'cc-internal-sub': { active: true, client_id: 'svc-reporting', sub: '9f1c-77', scope: 'read' },
  'cc-with-email': {
    active: true,
    client_id: 'svc-reporting',
    scope: 'read',
    email: 'admin@gmail.com',
  },
  'cc-stranger': { active: true, client_id: 'svc-stranger', scope: 'read' },
  'cc-ghost': { active: true, client_id: 'svc-ghost', scope: 'read' },
  'user-jdoe': {
    active: true,
    client_id: 'web-app',
    sub: 'user-jdoe',
    username: 'jdoe',
    scope: 'read write',
  },
  'user-no-sub': { active: true, client_id: 'web-app', username: 'jdoe', scope: 'read' },
  'no-client': { active: true, sub: 'user-jdoe', username: 'jdoe' },
  inactive: { active: false },
};

const introspection = introspectionShaped(ANSWERS);
const verifierWith = (options: Partial<ClientCredentialsVerifierOptions> = {}) =>
  clientCredentialsVerifier({
    via: introspection,
    serviceAccounts: { 'svc-reporting': 'svc-reports', 'svc-ghost': 'svc-nobody' },
    ...options,
  });

describe('clientCredentialsVerifier over an introspection-shaped verifier', () => {
  it('accepts a client-credentials answer as the mapped service account', async () => {
    expect(await verifierWith().verify('cc-reporting', ctx)).toEqual({
      kind: 'accept',
      identity: {
        subject: 'svc-reporting',
        username: 'svc-reports',
        clientId: 'svc-reporting',
        scopes: ['read', 'write'],
        claims: ANSWERS['cc-reporting'],
        issuer: undefined,
        expiresAt: EXP,
        serviceAccount: true,
        verifier: 'client-credentials',
      },
    });
  });

  it('names itself in the identity when given a `name`', async () => {
    const verdict = await verifierWith({ name: 'svc' }).verify('cc-reporting', ctx);
    expect(verdict).toMatchObject({ kind: 'accept', identity: { verifier: 'svc' } });
  });

  it('passes an answer whose sub is not the client id: a resource owner, even with no username', async () => {
    expect(await verifierWith().verify('cc-internal-sub', ctx)).toEqual({
      kind: 'pass',
      reason: 'not_client_credentials',
    });
  });

  it('takes such a token as client credentials when isClientCredentials says so', async () => {
    const custom = verifierWith({
      isClientCredentials: (identity) => identity.claims.sub === '9f1c-77',
    });
    expect(await custom.verify('cc-internal-sub', ctx)).toMatchObject({
      kind: 'accept',
      identity: { subject: 'svc-reporting', username: 'svc-reports', serviceAccount: true },
    });
  });

  it('drops an e-mail address, so the directory finds the mapped user or nobody', async () => {
    const verdict = await verifierWith().verify('cc-with-email', ctx);
    expect(verdict.kind).toBe('accept');
    expect(verdict.kind === 'accept' && verdict.identity.email).toBeUndefined();
  });

  it.each(['user-jdoe', 'user-no-sub', 'no-client'])(
    'passes %s on: the token has an end user or no client',
    async (token) => {
      expect(await verifierWith().verify(token, ctx)).toEqual({
        kind: 'pass',
        reason: 'not_client_credentials',
      });
    },
  );

  it('rejects a client-credentials token of an unmapped client', async () => {
    expect(await verifierWith().verify('cc-stranger', ctx)).toEqual({
      kind: 'reject',
      reason: 'client_not_mapped',
    });
  });

  it("returns via's own refusal unchanged (inactive, unknown)", async () => {
    expect(await verifierWith().verify('inactive', ctx)).toEqual({
      kind: 'reject',
      reason: 'token_inactive',
    });
    expect(await verifierWith().verify('opaque-unknown', ctx)).toEqual({
      kind: 'pass',
      reason: 'token_unrecognized',
    });
  });

  it.each<Verdict>([
    { kind: 'reject', reason: 'token_expired', cause: new Error('exp') },
    { kind: 'unavailable', reason: 'upstream_timeout', cause: new Error('slow') },
    { kind: 'pass', reason: 'issuer_mismatch' },
  ])("returns via's $kind verdict ($reason) as it is", async (verdict) => {
    const verifier = clientCredentialsVerifier({ via: fixed(verdict), serviceAccounts: {} });
    expect(await verifier.verify('t', ctx)).toBe(verdict);
  });

  it('fails closed when via throws', async () => {
    const boom = new Error('bug');
    const verifier = clientCredentialsVerifier({ via: fixed(boom), serviceAccounts: {} });
    expect(await verifier.verify('t', ctx)).toEqual({
      kind: 'unavailable',
      reason: 'verifier_error',
      cause: boom,
    });
  });
});

describe('serviceAccounts mapping forms', () => {
  it.each<[string, ClientCredentialsVerifierOptions['serviceAccounts']]>([
    ['an object of usernames', { 'svc-reporting': 'svc-reports' }],
    ['an object of { user }', { 'svc-reporting': { user: 'svc-reports' } }],
    ['a sync function', (clientId) => (clientId === 'svc-reporting' ? 'svc-reports' : null)],
    [
      'an async function answering { user }',
      async (clientId) => (clientId === 'svc-reporting' ? { user: 'svc-reports' } : null),
    ],
  ])('maps through %s', async (_name, serviceAccounts) => {
    const verifier = verifierWith({ serviceAccounts });
    expect(await verifier.verify('cc-reporting', ctx)).toMatchObject({
      kind: 'accept',
      identity: { username: 'svc-reports', scopes: ['read', 'write'], serviceAccount: true },
    });
    expect(await verifier.verify('cc-stranger', ctx)).toEqual({
      kind: 'reject',
      reason: 'client_not_mapped',
    });
  });

  it('gives a mapping function the client id and the identity via accepted', async () => {
    const calls: Array<[string, Identity]> = [];
    const verifier = verifierWith({
      serviceAccounts: (clientId, identity) => {
        calls.push([clientId, identity]);
        return undefined;
      },
    });
    expect(await verifier.verify('cc-reporting', ctx)).toEqual({
      kind: 'reject',
      reason: 'client_not_mapped',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe('svc-reporting');
    expect(calls[0]?.[1]).toMatchObject({
      verifier: 'introspection',
      claims: ANSWERS['cc-reporting'],
    });
  });

  it.each<[string, string[], string[]]>([
    ['keeps only pinned scopes', ['read'], ['read']],
    ['never adds a pinned scope the token lacks', ['read', 'admin'], ['read']],
    ['drops every scope when the pin is empty', [], []],
  ])('scope pinning %s', async (_name, pinned, expected) => {
    const verifier = verifierWith({
      serviceAccounts: { 'svc-reporting': { user: 'svc-reports', scopes: pinned } },
    });
    expect(await verifier.verify('cc-reporting', ctx)).toMatchObject({
      kind: 'accept',
      identity: { scopes: expected },
    });
  });

  it('pins scopes from a mapping function too', async () => {
    const verifier = verifierWith({
      serviceAccounts: async () => ({ user: 'svc-reports', scopes: ['write'] }),
    });
    expect(await verifier.verify('cc-reporting', ctx)).toMatchObject({
      kind: 'accept',
      identity: { scopes: ['write'] },
    });
  });

  it.each<[string, ClientCredentialsVerifierOptions['serviceAccounts']]>([
    [
      'throws',
      () => {
        throw new Error('directory down');
      },
    ],
    ['rejects', async () => Promise.reject(new Error('directory down'))],
    ['answers a number', (() => 42) as unknown as () => string],
    ['answers an empty username', () => ''],
    ['answers { user } with a misspelt key', () => ({ user: 'u', scope: ['read'] }) as never],
    ['never settles', () => new Promise<string>(() => undefined)],
  ])('fails closed (mapping_error, never an accept) when the function %s', async (_n, fn) => {
    const verdict = await verifierWith({ serviceAccounts: fn, mappingTimeoutMs: 25 }).verify(
      'cc-reporting',
      ctx,
    );
    expect(verdict).toMatchObject({ kind: 'unavailable', reason: 'mapping_error' });
    expect(verdict.kind === 'unavailable' && verdict.cause).toBeInstanceOf(Error);
  });
});

describe('isClientCredentials override', () => {
  // Keycloak-style: sub is the service-account user's id, username "service-account-<client>".
  const keycloak = introspectionShaped({
    t: {
      active: true,
      client_id: 'svc-reporting',
      sub: 'a1b2',
      username: 'service-account-svc-reporting',
      scope: 'read',
    },
  });

  it('replaces the default rule', async () => {
    const byDefault = clientCredentialsVerifier({
      via: keycloak,
      serviceAccounts: { 'svc-reporting': 'svc-reports' },
    });
    expect(await byDefault.verify('t', ctx)).toEqual({
      kind: 'pass',
      reason: 'not_client_credentials',
    });
    const overridden = clientCredentialsVerifier({
      via: keycloak,
      serviceAccounts: { 'svc-reporting': 'svc-reports' },
      isClientCredentials: (identity) =>
        identity.username === `service-account-${identity.clientId}`,
    });
    expect(await overridden.verify('t', ctx)).toMatchObject({
      kind: 'accept',
      identity: { subject: 'svc-reporting', username: 'svc-reports', serviceAccount: true },
    });
  });

  it('can call a token with an end user a user token even when the default would not', async () => {
    const verifier = verifierWith({ isClientCredentials: () => false });
    expect(await verifier.verify('cc-reporting', ctx)).toEqual({
      kind: 'pass',
      reason: 'not_client_credentials',
    });
  });

  it('rejects a token the rule calls client credentials when it names no client', async () => {
    const verifier = verifierWith({ isClientCredentials: () => true });
    expect(await verifier.verify('no-client', ctx)).toEqual({
      kind: 'reject',
      reason: 'client_not_mapped',
    });
  });

  it('fails closed when the rule throws', async () => {
    const verifier = verifierWith({
      isClientCredentials: () => {
        throw new Error('bug');
      },
    });
    expect(await verifier.verify('cc-reporting', ctx)).toMatchObject({
      kind: 'unavailable',
      reason: 'verifier_error',
    });
  });
});

describe('clientCredentialsVerifier in bearerAuth', () => {
  it('answers as the service account', async () => {
    const { app, decisions } = buildApp({ verifiers: [verifierWith()] });
    await get(app, 'cc-reporting').expect(200, USERS[2]);
    expect(decisions[0]).toMatchObject({
      outcome: 'accept',
      verifier: 'client-credentials',
      subject: 'svc-reporting',
      username: 'svc-reports',
    });
  });

  it('answers 401 Expired Token / invalid_client_ID for an unmapped client', async () => {
    const { app, decisions } = buildApp({ verifiers: [verifierWith()] });
    await get(app, 'cc-stranger')
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
      .expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions[0]).toMatchObject({
      outcome: 'reject',
      reason: 'client_not_mapped',
      verifier: 'client-credentials',
    });
  });

  it('answers 400 No user found when the mapped user is not in the directory', async () => {
    const { app, decisions } = buildApp({ verifiers: [verifierWith()] });
    await get(app, 'cc-ghost')
      .expect(400)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
      .expect(seed(MESSAGES.userNotFound));
    expect(decisions[0]).toMatchObject({
      outcome: 'reject',
      reason: 'user_not_found',
      verifier: 'client-credentials',
    });
  });

  it('answers 503 with Retry-After when the mapping function fails', async () => {
    const verifier = verifierWith({
      serviceAccounts: async () => {
        throw new Error('directory down');
      },
    });
    const { app, decisions } = buildApp({ verifiers: [verifier] });
    const res = await get(app, 'cc-reporting')
      .expect(503)
      .expect('Retry-After', '5')
      .expect(seed(MESSAGES.unavailable));
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(decisions[0]).toMatchObject({
      outcome: 'unavailable',
      reason: 'mapping_error',
      verifier: 'client-credentials',
    });
  });

  it('passes a user token to the next verifier', async () => {
    const { app, decisions } = buildApp({ verifiers: [verifierWith(), introspection] });
    await get(app, 'user-jdoe').expect(200, USERS[1]);
    expect(decisions[0]).toMatchObject({ outcome: 'accept', verifier: 'introspection' });
  });

  it('answers 403 for a scope the administrator did not pin, though the token has it', async () => {
    const verifier = verifierWith({
      serviceAccounts: { 'svc-reporting': { user: 'svc-reports', scopes: ['read', 'delete'] } },
    });
    const { app } = buildApp({ verifiers: [verifier] });
    await request(app)
      .delete('/rest/api/2/issue/1')
      .set('Authorization', 'Bearer cc-reporting')
      .expect(403)
      .expect(
        'WWW-Authenticate',
        'Bearer realm="api", error="insufficient_scope", scope="write delete"',
      )
      .expect(seed('Insufficient Scope: This request requires the scope(s): write delete.'));
  });
});
