import { describe, expect, it } from '@jest/globals';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import {
  bearerAuth,
  jwtVerifier,
  memoryDirectory,
  MESSAGES,
  type DirectoryInput,
  type Identity,
  type Verdict,
  type Verifier,
} from '../../lib/index.js';
import { buildApp, seed } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt, secondsFromNow } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const key = testKey('RS256');
const jwt = () => jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE });
const [admin] = USERS;
const MYSELF = '/rest/api/2/myself';

const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';
const INVALID_REQUEST = 'Bearer realm="api", error="invalid_request"';

/** A verifier that answers a fixed verdict (or throws it). */
const fixed = (answer: Verdict | Error | unknown, name = 'fixed'): Verifier => ({
  name,
  async verify() {
    if (answer instanceof Error) throw answer;
    return answer as Verdict;
  },
});
const identityOf = (parts: Partial<Identity> = {}): Identity => ({
  subject: 'user-1',
  username: 'admin',
  scopes: ['read'],
  claims: { sub: 'user-1', scope: 'read' },
  serviceAccount: false,
  verifier: 'fixed',
  ...parts,
});

describe('bearerAuth: the error table through HTTP (seed format)', () => {
  it('answers the directory entry for a valid token, and onDecision sees one accept', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwt()] });
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(200, admin);
    expect(decisions).toEqual([
      {
        outcome: 'accept',
        reason: 'accepted',
        verifier: 'jwt',
        status: 200,
        durationMs: expect.any(Number),
        subject: 'user-1',
        username: 'admin',
        binding: 'bearer',
      },
    ]);
    expect(JSON.stringify(decisions)).not.toContain('eyJ');
  });

  type Row = {
    name: string;
    verifiers?: Verifier[];
    directory?: DirectoryInput;
    headers: () => Promise<Record<string, string>>;
    status: number;
    message: string;
    challenge: string | undefined;
    outcome: string;
    reason: string;
  };
  const bearer = (token: string) => async () => ({ Authorization: `Bearer ${token}` });
  const rows: Row[] = [
    {
      name: 'no Authorization header',
      headers: async () => ({}),
      status: 401,
      message: MESSAGES.tokenMissing,
      challenge: 'Bearer realm="api"',
      outcome: 'reject',
      reason: 'token_missing',
    },
    {
      name: 'another scheme (Basic)',
      headers: async () => ({ Authorization: 'Basic YWRtaW46YWRtaW4=' }),
      status: 401,
      message: MESSAGES.tokenMissing,
      challenge: 'Bearer realm="api"',
      outcome: 'reject',
      reason: 'token_missing',
    },
    {
      name: 'Bearer with no token',
      headers: async () => ({ Authorization: 'Bearer' }),
      status: 400,
      message: MESSAGES.requestMalformed,
      challenge: INVALID_REQUEST,
      outcome: 'reject',
      reason: 'token_malformed',
    },
    {
      name: 'a token over maxTokenLength',
      headers: bearer('a'.repeat(8193)),
      status: 400,
      message: MESSAGES.tokenTooLong,
      challenge: INVALID_REQUEST,
      outcome: 'reject',
      reason: 'token_too_long',
    },
    {
      name: 'a bad signature',
      headers: async () => ({
        Authorization: `Bearer ${await mintJwt({ key: testKey('RS256', 'other') })}`,
      }),
      status: 400,
      message: MESSAGES.tokenInvalid,
      challenge: INVALID_TOKEN,
      outcome: 'reject',
      reason: 'signature_invalid',
    },
    {
      name: 'an opaque token no verifier recognises',
      headers: bearer('opaque-token-123'),
      status: 400,
      message: MESSAGES.tokenInvalid,
      challenge: INVALID_TOKEN,
      outcome: 'reject',
      reason: 'token_unrecognized',
    },
    {
      name: 'an expired JWT',
      headers: async () => ({
        Authorization: `Bearer ${await mintJwt({ claims: { exp: secondsFromNow(-120) } })}`,
      }),
      status: 401,
      message: MESSAGES.tokenExpired,
      challenge: INVALID_TOKEN,
      outcome: 'reject',
      reason: 'token_expired',
    },
    {
      name: 'an inactive token',
      verifiers: [fixed({ kind: 'reject', reason: 'token_inactive' })],
      headers: bearer('abc'),
      status: 401,
      message: MESSAGES.expiredOrInvalidClient,
      challenge: INVALID_TOKEN,
      outcome: 'reject',
      reason: 'token_inactive',
    },
    {
      name: 'a valid token whose user is not in the directory',
      headers: async () => ({
        Authorization: `Bearer ${await mintJwt({ claims: { preferred_username: 'ghost' } })}`,
      }),
      status: 400,
      message: MESSAGES.userNotFound,
      challenge: INVALID_TOKEN,
      outcome: 'reject',
      reason: 'user_not_found',
    },
    {
      name: 'a valid token with no username or e-mail at all',
      verifiers: [fixed({ kind: 'accept', identity: identityOf({ username: undefined }) })],
      headers: bearer('abc'),
      status: 400,
      message: MESSAGES.userNotFound,
      challenge: INVALID_TOKEN,
      outcome: 'reject',
      reason: 'username_missing',
    },
    {
      name: 'an upstream that is down',
      verifiers: [fixed({ kind: 'unavailable', reason: 'upstream_timeout' })],
      headers: bearer('abc'),
      status: 503,
      message: MESSAGES.unavailable,
      challenge: undefined,
      outcome: 'unavailable',
      reason: 'upstream_timeout',
    },
    {
      name: 'a verifier that throws',
      verifiers: [fixed(new Error('bug'))],
      headers: bearer('abc'),
      status: 503,
      message: MESSAGES.unavailable,
      challenge: undefined,
      outcome: 'error',
      reason: 'verifier_error',
    },
    {
      name: 'a verifier with a malformed verdict',
      verifiers: [fixed({ kind: 'accept', identity: { subject: 'x' } })],
      headers: bearer('abc'),
      status: 503,
      message: MESSAGES.unavailable,
      challenge: undefined,
      outcome: 'error',
      reason: 'verifier_error',
    },
    {
      name: 'a custom verifier "unavailable" whose reason is not an outage code',
      verifiers: [fixed({ kind: 'unavailable', reason: 'database_down' } as unknown as Verdict)],
      headers: bearer('abc'),
      status: 503,
      message: MESSAGES.unavailable,
      challenge: undefined,
      outcome: 'error',
      reason: 'verifier_error',
    },
    {
      name: 'a custom verifier "unavailable" with a token reason code',
      verifiers: [fixed({ kind: 'unavailable', reason: 'token_expired' })],
      headers: bearer('abc'),
      status: 503,
      message: MESSAGES.unavailable,
      challenge: undefined,
      outcome: 'error',
      reason: 'verifier_error',
    },
    {
      name: 'a custom verifier rejecting with a reason named like an Object method',
      verifiers: [fixed({ kind: 'reject', reason: 'constructor' } as unknown as Verdict)],
      headers: bearer('abc'),
      status: 400,
      message: MESSAGES.tokenInvalid,
      challenge: INVALID_TOKEN,
      outcome: 'reject',
      reason: 'constructor',
    },
    {
      name: 'a directory lookup that throws',
      verifiers: [fixed({ kind: 'accept', identity: identityOf() })],
      directory: () => {
        throw new Error('db down');
      },
      headers: bearer('abc'),
      status: 503,
      message: MESSAGES.unavailable,
      challenge: undefined,
      outcome: 'error',
      reason: 'directory_error',
    },
    {
      name: 'a directory { find } that rejects',
      verifiers: [fixed({ kind: 'accept', identity: identityOf() })],
      directory: { find: async () => Promise.reject(new Error('db down')) },
      headers: bearer('abc'),
      status: 503,
      message: MESSAGES.unavailable,
      challenge: undefined,
      outcome: 'error',
      reason: 'directory_error',
    },
    {
      name: 'a directory answering something other than an object',
      verifiers: [fixed({ kind: 'accept', identity: identityOf() })],
      directory: async () => 'admin' as never,
      headers: bearer('abc'),
      status: 503,
      message: MESSAGES.unavailable,
      challenge: undefined,
      outcome: 'error',
      reason: 'directory_error',
    },
  ];

  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const { app, decisions } = buildApp({
      verifiers: row.verifiers ?? [jwt()],
      ...(row.directory ? { directory: row.directory } : {}),
    });
    const res = await request(app)
      .get(MYSELF)
      .set(await row.headers());
    expect(res.status).toBe(row.status);
    expect(res.body).toEqual(seed(row.message));
    expect(res.headers['www-authenticate']).toBe(row.challenge);
    expect(res.headers['retry-after']).toBe(row.status === 503 ? '5' : undefined);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      outcome: row.outcome,
      reason: row.reason,
      status: row.status,
    });
    expect(res.text).not.toMatch(/bug|db down|stack/);
  });

  it('a guard refusal is a 403 naming the scopes, reported as a decision after the accept', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwt()] });
    await request(app)
      .delete('/rest/api/2/issue/1')
      .set('Authorization', `Bearer ${await mintJwt({ claims: { scope: 'read write' } })}`)
      .expect(403)
      .expect(
        'WWW-Authenticate',
        'Bearer realm="api", error="insufficient_scope", scope="write delete"',
      )
      .expect(seed('Insufficient Scope: This request requires the scope(s): write delete.'));
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toMatchObject({ outcome: 'accept', status: 200 });
    expect(decisions[1]).toMatchObject({
      outcome: 'reject',
      reason: 'insufficient_scope',
      status: 403,
      subject: 'user-1',
      verifier: 'jwt',
      binding: 'bearer',
    });
  });

  it('a guard lets a token with every scope through', async () => {
    const { app } = buildApp({ verifiers: [jwt()] });
    await request(app)
      .delete('/rest/api/2/issue/1')
      .set('Authorization', `Bearer ${await mintJwt({ claims: { scope: 'write delete' } })}`)
      .expect(204);
  });

  it('two Authorization header lines are malformed', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwt()] });
    const token = await mintJwt();
    await request(app)
      .get(MYSELF)
      // superagent sends one header line per array element; its types only allow that for Cookie.
      .set('Authorization', [`Bearer ${token}`, `Bearer ${token}`] as unknown as string)
      .expect(400)
      .expect('WWW-Authenticate', INVALID_REQUEST)
      .expect(seed(MESSAGES.requestMalformed));
    expect(decisions).toMatchObject([{ reason: 'token_malformed' }]);
  });

  it('uses the realm option in every challenge', async () => {
    const { app } = buildApp({ verifiers: [jwt()], realm: 'jira' });
    await request(app).get(MYSELF).expect(401).expect('WWW-Authenticate', 'Bearer realm="jira"');
  });

  it('an onDecision that throws does not change the answer', async () => {
    const { app } = buildApp({
      verifiers: [jwt()],
      onDecision: () => {
        throw new Error('observer bug');
      },
    });
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(200, admin);
    await request(app).get(MYSELF).expect(401);
  });

  it('never puts the token into a decision, also on refusals', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwt()] });
    const token = await mintJwt({ claims: { exp: secondsFromNow(-120) } });
    await request(app).get(MYSELF).set('Authorization', `Bearer ${token}`).expect(401);
    const seen = JSON.stringify(decisions, (_k, v: unknown) =>
      v instanceof Error ? { message: v.message } : v,
    );
    expect(seen).not.toContain(token);
    expect(seen).not.toContain(token.split('.')[2]);
  });
});

describe('bearerAuth: req.auth', () => {
  it('is { token, user, identity, scopes, claims, binding }', async () => {
    const { app } = buildApp({ verifiers: [jwt()] });
    app.get('/rest/api/2/auth', (req, res) => {
      res.json({ keys: Object.keys(req.auth ?? {}), auth: req.auth });
    });
    const token = await mintJwt({
      claims: { email: 'admin@gmail.com', email_verified: true, jti: 'j1' },
    });
    const res = await request(app)
      .get('/rest/api/2/auth')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body.keys).toEqual(['token', 'user', 'identity', 'scopes', 'claims', 'binding']);
    expect(res.body.auth).toEqual({
      token,
      user: admin,
      identity: {
        subject: 'user-1',
        username: 'admin',
        email: 'admin@gmail.com',
        scopes: ['read', 'write'],
        claims: res.body.auth.claims,
        issuer: ISSUER,
        expiresAt: expect.any(Number),
        issuedAt: expect.any(Number),
        serviceAccount: false,
        verifier: 'jwt',
      },
      scopes: ['read', 'write'],
      claims: expect.objectContaining({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', jti: 'j1' }),
      binding: 'bearer',
    });
  });

  it("is the request's own: changing it does not reach the next request with the cached token", async () => {
    const { app } = buildApp({ verifiers: [jwt()] });
    app.get('/rest/api/2/enrich', (req, res) => {
      const auth = req.auth as NonNullable<typeof req.auth>;
      auth.scopes.push('admin');
      auth.claims.tenant = 'acme';
      auth.identity.scopes.push('delete');
      auth.identity.claims.role = 'root';
      res.status(204).end();
    });
    app.get('/rest/api/2/auth', (req, res) => res.json(req.auth));
    const token = await mintJwt();
    await request(app)
      .get('/rest/api/2/enrich')
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    const { body } = await request(app)
      .get('/rest/api/2/auth')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(body.scopes).toEqual(['read', 'write']);
    expect(body.identity.scopes).toEqual(['read', 'write']);
    expect(body.claims).not.toHaveProperty('tenant');
    expect(body.claims).not.toHaveProperty('role');
    expect(body.identity.claims).not.toHaveProperty('tenant');
    await request(app)
      .delete('/rest/api/2/issue/1')
      .set('Authorization', `Bearer ${token}`)
      .expect(403);
  });

  it.each<[string, DirectoryInput]>([
    ['a plain function', (identity) => (identity.username === 'admin' ? admin : null)],
    ['an async function', async (identity) => (identity.username === 'admin' ? admin : null)],
    [
      'a { find } object',
      { find: async (identity) => (identity.username === 'admin' ? admin : null) },
    ],
  ])('resolves the user through %s', async (_name, directory) => {
    const { app } = buildApp({ verifiers: [jwt()], directory });
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(200, admin);
  });

  it('gives the directory the identity and the request', async () => {
    const seen: unknown[] = [];
    const { app } = buildApp({
      verifiers: [jwt()],
      directory: (identity, req) => {
        seen.push(identity.username, req.path);
        return admin;
      },
    });
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(200);
    expect(seen).toEqual(['admin', '/2/myself']);
  });
});

describe('bearerAuth: optional', () => {
  it('lets a request without a token through without req.auth', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwt()], optional: true });
    await request(app).get(MYSELF).expect(200, { anonymous: true });
    expect(decisions).toEqual([
      { outcome: 'accept', reason: 'token_missing', status: 200, durationMs: expect.any(Number) },
    ]);
  });

  it('treats another scheme as no token', async () => {
    const { app } = buildApp({ verifiers: [jwt()], optional: true });
    await request(app)
      .get(MYSELF)
      .set('Authorization', 'Basic YWRtaW46YWRtaW4=')
      .expect(200, { anonymous: true });
  });

  it('signs in a request with a good token', async () => {
    const { app } = buildApp({ verifiers: [jwt()], optional: true });
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(200, admin);
  });

  it.each<[string, () => Promise<string>, number, string]>([
    [
      'a bad signature',
      () => mintJwt({ key: testKey('RS256', 'other') }),
      400,
      MESSAGES.tokenInvalid,
    ],
    [
      'an expired token',
      () => mintJwt({ claims: { exp: secondsFromNow(-120) } }),
      401,
      MESSAGES.tokenExpired,
    ],
    [
      'an unknown user',
      () => mintJwt({ claims: { preferred_username: 'ghost' } }),
      400,
      MESSAGES.userNotFound,
    ],
    ['a malformed header', async () => '', 400, MESSAGES.requestMalformed],
  ])('still refuses %s (no downgrade to anonymous)', async (_name, mint, status, message) => {
    const { app } = buildApp({ verifiers: [jwt()], optional: true });
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mint()}`.trimEnd())
      .expect(status)
      .expect(seed(message));
  });
});

describe('bearerAuth: tokenLocations', () => {
  it('reads a form-body token on POST when enabled', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwt()], tokenLocations: ['header', 'body'] });
    await request(app)
      .post(MYSELF)
      .type('form')
      .send({ access_token: await mintJwt() })
      .expect(200, admin);
    expect(decisions).toMatchObject([{ outcome: 'accept' }]);
  });

  it('reads a query token when enabled', async () => {
    const { app } = buildApp({ verifiers: [jwt()], tokenLocations: ['query'] });
    await request(app)
      .get(MYSELF)
      .query({ access_token: await mintJwt() })
      .expect(200, admin);
  });

  it.each<[string, Parameters<typeof buildApp>[0]['tokenLocations'], 'query' | 'form' | 'json']>([
    ['a query token by default', undefined, 'query'],
    ['a form-body token by default', undefined, 'form'],
    ['a JSON-body token', ['body'], 'json'],
  ])('ignores %s (401, no token)', async (_name, tokenLocations, where) => {
    const { app } = buildApp({ verifiers: [jwt()], ...(tokenLocations ? { tokenLocations } : {}) });
    const token = await mintJwt();
    const req =
      where === 'query'
        ? request(app).get(MYSELF).query({ access_token: token })
        : request(app).post(MYSELF).type(where).send({ access_token: token });
    await req.expect(401).expect(seed(MESSAGES.tokenMissing));
  });

  it('ignores a form-body token on GET', async () => {
    const { app } = buildApp({ verifiers: [jwt()], tokenLocations: ['body'] });
    await request(app)
      .get(MYSELF)
      .type('form')
      .send(`access_token=${await mintJwt()}`)
      .expect(401);
  });

  it.each<[string, (token: string) => request.Test]>([
    [
      'header and query',
      (t) =>
        request(appAll()).get(`${MYSELF}?access_token=${t}`).set('Authorization', `Bearer ${t}`),
    ],
    [
      'header and body',
      (t) =>
        request(appAll())
          .post(MYSELF)
          .set('Authorization', `Bearer ${t}`)
          .type('form')
          .send({ access_token: t }),
    ],
    [
      'body and query',
      (t) =>
        request(appAll())
          .post(`${MYSELF}?access_token=${t}`)
          .type('form')
          .send({ access_token: t }),
    ],
  ])('refuses a token in two places (%s) with 400', async (_name, send) => {
    await send(await mintJwt())
      .expect(400)
      .expect('WWW-Authenticate', INVALID_REQUEST)
      .expect(seed(MESSAGES.tokenInTwoPlaces));
  });

  it('refuses a repeated query parameter as malformed', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwt()], tokenLocations: ['query'] });
    const token = await mintJwt();
    await request(app)
      .get(`${MYSELF}?access_token=${token}&access_token=${token}`)
      .expect(400)
      .expect(seed(MESSAGES.requestMalformed));
    expect(decisions).toMatchObject([{ reason: 'token_malformed' }]);
  });
});

function appAll() {
  return buildApp({ verifiers: [jwt()], tokenLocations: ['header', 'body', 'query'] }).app;
}

describe('bearerAuth: errorFormat', () => {
  it("'rfc6750' answers an invalid token with 401 and the RFC's body", async () => {
    const { app } = buildApp({ verifiers: [jwt()], errorFormat: 'rfc6750' });
    await request(app)
      .get(MYSELF)
      .set('Authorization', 'Bearer opaque')
      .expect(401)
      .expect(
        'WWW-Authenticate',
        'Bearer realm="api", error="invalid_token", error_description="Token Invalid: Error while validating the token."',
      )
      .expect({ error: 'invalid_token', error_description: MESSAGES.tokenInvalid });
  });

  it("'rfc6750' answers no token with a bare challenge", async () => {
    const { app } = buildApp({ verifiers: [jwt()], errorFormat: 'rfc6750' });
    await request(app)
      .get(MYSELF)
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="api"')
      .expect({ error_description: MESSAGES.tokenMissing });
  });

  it("'rfc6750' answers a malformed request with 400 invalid_request", async () => {
    const { app } = buildApp({ verifiers: [jwt()], errorFormat: 'rfc6750' });
    await request(app)
      .get(MYSELF)
      .set('Authorization', 'Bearer a b')
      .expect(400)
      .expect({ error: 'invalid_request', error_description: MESSAGES.requestMalformed });
  });

  it('a function renders every refusal, with the request', async () => {
    const { app, decisions } = buildApp({
      verifiers: [jwt()],
      errorFormat: (err, req) => ({
        status: err.status === 400 ? 422 : err.status,
        body: { problem: err.reason, path: req.path },
        headers: { 'X-Auth-Error': err.oauthError ?? 'none' },
      }),
    });
    await request(app)
      .get(MYSELF)
      .set('Authorization', 'Bearer opaque')
      .expect(422)
      .expect('X-Auth-Error', 'invalid_token')
      .expect({ problem: 'token_unrecognized', path: '/2/myself' });
    expect(decisions).toMatchObject([{ status: 422, reason: 'token_unrecognized' }]);
  });

  it('a function that throws falls back to the seed body', async () => {
    const { app } = buildApp({
      verifiers: [jwt()],
      errorFormat: () => {
        throw new Error('formatter bug');
      },
    });
    await request(app)
      .get(MYSELF)
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="api"')
      .expect(seed(MESSAGES.tokenMissing));
  });
});

describe('bearerAuth under a router that ignores returned promises (Express 4)', () => {
  it('hands a failure while writing the answer to next(err), not to an unhandled rejection', async () => {
    const auth = bearerAuth({
      verifiers: [jwt()],
      directory: memoryDirectory(USERS),
      // Node refuses a header value with a newline: writing this answer throws.
      errorFormat: () => ({ status: 401, body: {}, headers: { 'X-Bad': 'a\nb' } }),
    });
    const seen: unknown[] = [];
    const app = express();
    app.use((req, res, next) => {
      void (auth(req, res, next) as unknown); // what Express 4 does with a returned promise
    });
    const onError: ErrorRequestHandler = (err, _req, res, _next) => {
      seen.push(err);
      res.status(500).json({ handled: true });
    };
    app.use(onError);
    await request(app).get(MYSELF).expect(500, { handled: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ code: 'ERR_INVALID_CHAR' });
  });
});
