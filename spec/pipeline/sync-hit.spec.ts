/**
 * The synchronous hit path: a token a built-in verifier already holds, with a directory in memory,
 * is decided before bearerAuth returns (no promise, no microtask); everything else waits as it
 * must and decides the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  bearerAuth,
  clientCredentialsVerifier,
  introspectionVerifier,
  jwtVerifier,
  memoryDirectory,
  memoryStore,
  oauthProviderVerifier,
  sharedCache,
  requireScopes,
  type AuthResult,
  type BearerAuthOptions,
  type Decision,
  type DirectoryUser,
  type UserDirectory,
  type Verifier,
} from '../../lib/index.js';
import { makeProof, proofKey } from '../helpers/dpop.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt, secondsFromNow } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const key = testKey('RS256');

interface Call {
  /** `next` ran before the middleware returned. */
  synchronous: boolean;
  /** What reached `next` (an error with errorHandling 'next'), once it did. */
  settled: Promise<unknown>;
  req: Request & { auth?: AuthResult };
}

/** Calls `middleware` with a bare request carrying `token`, as Express would. */
function call(middleware: RequestHandler, token: string, proof?: string): Call {
  const authorization = proof === undefined ? `Bearer ${token}` : `DPoP ${token}`;
  const rawHeaders = ['Host', 'api.test', 'Authorization', authorization];
  if (proof !== undefined) rawHeaders.push('DPoP', proof);
  const req = {
    headers: { host: 'api.test', authorization, ...(proof === undefined ? {} : { dpop: proof }) },
    rawHeaders,
    method: 'GET',
    url: '/rest/api/2/myself',
    originalUrl: '/rest/api/2/myself',
    query: {},
  } as unknown as Request & { auth?: AuthResult };
  const res = { once: () => res, setHeader: () => res } as unknown as Response;
  let returned = false;
  let synchronous = false;
  const settled = new Promise<unknown>((resolve) => {
    const next: NextFunction = (err?: unknown) => {
      synchronous = !returned;
      resolve(err);
    };
    void middleware(req, res, next);
  });
  returned = true;
  return { synchronous, settled, req };
}

function guard(
  verifiers: Verifier[],
  directory: UserDirectory = memoryDirectory(USERS),
  more: Partial<BearerAuthOptions> = {},
) {
  const decisions: Decision[] = [];
  const middleware = bearerAuth({
    verifiers,
    directory,
    errorHandling: 'next',
    onDecision: (d) => decisions.push(d),
    ...more,
  });
  return { middleware, decisions };
}

/** Asks twice: the first sight waits, the second is decided at once. */
async function twice(middleware: RequestHandler, token: string): Promise<[Call, Call]> {
  const first = call(middleware, token);
  expect(await first.settled).toBeUndefined();
  const second = call(middleware, token);
  expect(await second.settled).toBeUndefined();
  return [first, second];
}

describe('a reused token is decided synchronously', () => {
  let upstream: JsonServer;
  beforeAll(async () => {
    upstream = await startJsonServer((req) =>
      req.path === '/introspect'
        ? {
            json: new URLSearchParams(req.body).get('token')?.startsWith('opaque-')
              ? {
                  active: true,
                  token_type: 'access_token',
                  sub: 'u-2',
                  username: 'jdoe',
                  scope: 'read',
                  exp: secondsFromNow(600),
                }
              : { active: false },
          }
        : req.path === '/me' && req.headers.authorization === 'Bearer profile-token'
          ? { json: { login: 'admin' } }
          : { status: 401, json: {} },
    );
  });
  afterAll(() => upstream.close());

  const jwt = () => jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE });
  const introspection = () =>
    introspectionVerifier({
      endpoint: `${upstream.url}/introspect`,
      clientId: 'api',
      clientSecret: 'secret',
      audience: false,
    });

  it('for a JWT: the first sight waits, the reuse does not, and both are accepted alike', async () => {
    const { middleware, decisions } = guard([jwt()]);
    const token = await mintJwt({ key });
    const [first, second] = await twice(middleware, token);
    expect([first.synchronous, second.synchronous]).toEqual([false, true]);
    expect(second.req.auth?.user).toEqual(first.req.auth?.user);
    expect(second.req.auth?.claims).toEqual(first.req.auth?.claims);
    expect(decisions.map((d) => [d.outcome, d.reason, d.verifier])).toEqual([
      ['accept', 'accepted', 'jwt'],
      ['accept', 'accepted', 'jwt'],
    ]);
  });

  it('for an introspected token behind a JWT verifier that passes it at a glance', async () => {
    const { middleware, decisions } = guard([jwt(), introspection()]);
    const [first, second] = await twice(middleware, 'opaque-1');
    expect([first.synchronous, second.synchronous]).toEqual([false, true]);
    expect(second.req.auth?.identity.username).toBe('jdoe');
    expect(decisions.map((d) => d.verifier)).toEqual(['introspection', 'introspection']);
    expect(upstream.count('/introspect')).toBeGreaterThanOrEqual(1);
  });

  it('for a provider profile token, and refuses an unknown one after asking', async () => {
    const provider = oauthProviderVerifier({
      provider: 'custom',
      userinfoEndpoint: `${upstream.url}/me`,
      usernameField: 'login',
    });
    const { middleware, decisions } = guard([provider]);
    const [first, second] = await twice(middleware, 'profile-token');
    expect([first.synchronous, second.synchronous]).toEqual([false, true]);
    expect(second.req.auth?.identity.username).toBe('admin');
    const refused = call(middleware, 'other-token');
    expect(refused.synchronous).toBe(false);
    expect(await refused.settled).toMatchObject({ reason: 'provider_rejected' });
    expect(decisions.map((d) => d.outcome)).toEqual(['accept', 'accept', 'reject']);
  });

  it('through a client-credentials verifier: a user token passes it at once, a client token is mapped', async () => {
    const shared = jwt();
    const cc = clientCredentialsVerifier({
      via: shared,
      serviceAccounts: { 'svc-reporting': 'svc-reports' },
    });
    const { middleware, decisions } = guard([cc, shared]);
    const user = await mintJwt({ key });
    const [, userAgain] = await twice(middleware, user);
    expect(userAgain.synchronous).toBe(true);
    expect(userAgain.req.auth?.identity.serviceAccount).toBe(false);

    const client = await mintJwt({
      key,
      claims: { sub: 'svc-reporting', client_id: 'svc-reporting', preferred_username: undefined },
    });
    const [, clientAgain] = await twice(middleware, client);
    expect(clientAgain.req.auth?.identity).toMatchObject({
      serviceAccount: true,
      username: 'svc-reports',
    });
    expect(decisions.map((d) => [d.outcome, d.verifier])).toEqual([
      ['accept', 'jwt'],
      ['accept', 'jwt'],
      ['accept', 'client-credentials'],
      ['accept', 'client-credentials'],
    ]);
  });

  it('waits for an application directory and for a verifier of the application, and decides alike', async () => {
    const application: UserDirectory = {
      find: async (): Promise<DirectoryUser | null> => ({ name: 'from-app' }),
    };
    const { middleware } = guard([jwt()], application);
    const token = await mintJwt({ key });
    const [, again] = await twice(middleware, token);
    expect(again.synchronous).toBe(false);
    expect(again.req.auth?.user).toEqual({ name: 'from-app' });

    const own: Verifier = {
      name: 'own',
      verify: async () => ({
        kind: 'accept',
        identity: {
          subject: 's',
          username: 'admin',
          scopes: [],
          claims: {},
          serviceAccount: false,
          verifier: 'own',
        },
      }),
    };
    const [, ownAgain] = await twice(guard([own]).middleware, 'anything');
    expect(ownAgain.synchronous).toBe(false);
    expect(ownAgain.req.auth?.identity.username).toBe('admin');
  });

  it('refuses an expired cached token on reuse, at once', async () => {
    let now = Date.now();
    const verifier = jwtVerifier({
      publicKey: key.publicPem,
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => now,
    });
    const { middleware } = guard([verifier]);
    const token = await mintJwt({ key, claims: { exp: secondsFromNow(120) } });
    await twice(middleware, token);
    now += 10 * 60 * 1000;
    const late = call(middleware, token);
    expect(await late.settled).toMatchObject({ reason: 'token_expired' });
  });

  it('writes one property on an accepted request, and req.auth is a plain object of six members', async () => {
    const { middleware } = guard([jwt()]);
    const token = await mintJwt({ key });
    await twice(middleware, token);
    const again = call(middleware, token);
    const before = Reflect.ownKeys({
      headers: {},
      rawHeaders: [],
      method: '',
      url: '',
      originalUrl: '',
      query: {},
    });
    expect(again.synchronous).toBe(true);
    expect(Reflect.ownKeys(again.req).filter((k) => !before.includes(k))).toEqual(['auth']);
    const auth = again.req.auth as AuthResult;
    expect(Object.getPrototypeOf(auth)).toBe(Object.prototype);
    expect(auth).toStrictEqual({
      token,
      user: auth.user,
      identity: auth.identity,
      scopes: ['read', 'write'],
      claims: auth.claims,
      binding: 'bearer',
    });
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ ...auth });
  });

  it('runs a scope guard in the same tick, and refuses with the settings bearerAuth left', async () => {
    const { middleware } = guard([jwt()]);
    const token = await mintJwt({ key });
    await twice(middleware, token);
    const accepted = call(middleware, token);
    const allowed: unknown[] = [];
    requireScopes('read')(accepted.req, {} as Response, (err?: unknown) => allowed.push(err));
    expect(allowed).toEqual([undefined]);

    const refused: unknown[] = [];
    requireScopes('admin')(accepted.req, {} as Response, (err?: unknown) => refused.push(err));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 403, reason: 'insufficient_scope' });

    // Changed in place, req.auth keeps what the guards need.
    Object.assign(accepted.req.auth as object, { tenant: 't-1' });
    const afterChange: unknown[] = [];
    requireScopes('admin')(accepted.req, {} as Response, (err?: unknown) => afterChange.push(err));
    expect(afterChange[0]).toMatchObject({ status: 403, reason: 'insufficient_scope' });
  });

  it('for a DPoP-bound token: a new proof of a known key is decided at once, a replayed one too', async () => {
    const { middleware, decisions } = guard([jwt()], undefined, { dpop: {} });
    const holder = await proofKey('ES256');
    const token = await mintJwt({ key, claims: { cnf: { jkt: holder.jkt } } });
    const url = 'http://api.test/rest/api/2/myself';
    const first = call(middleware, token, await makeProof({ key: holder, url, token }));
    expect(first.synchronous).toBe(false); // the key and the token are new
    expect(await first.settled).toBeUndefined();
    const proof = await makeProof({ key: holder, url, token });
    const second = call(middleware, token, proof);
    expect(second.synchronous).toBe(true);
    expect(await second.settled).toBeUndefined();
    expect(second.req.auth?.binding).toBe('dpop');
    const replayed = call(middleware, token, proof);
    expect(replayed.synchronous).toBe(true);
    expect(await replayed.settled).toMatchObject({ reason: 'dpop_proof_replayed' });
    expect(decisions.map((d) => [d.outcome, d.reason])).toEqual([
      ['accept', 'accepted'],
      ['accept', 'accepted'],
      ['reject', 'dpop_proof_replayed'],
    ]);
  });
});

describe('a token never seen is decided synchronously when its keys are at hand', () => {
  const other = testKey('RS256', 'rs256-2');
  let jwks: JsonServer;
  beforeAll(async () => {
    jwks = await startJsonServer((req) =>
      req.path === '/jwks'
        ? { json: jwksOf(key, other) }
        : req.path === '/.well-known/openid-configuration'
          ? { json: { issuer: jwks.url, jwks_uri: `${jwks.url}/jwks` } }
          : { status: 404, json: {} },
    );
  });
  afterAll(() => jwks.close());

  /** The first token waits for the key's import (or the set's fetch); every later one does not. */
  async function warm(middleware: RequestHandler): Promise<void> {
    const first = call(middleware, await mintJwt({ key }));
    expect(first.synchronous).toBe(false);
    expect(await first.settled).toBeUndefined();
  }

  const byKey = () => jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE });
  const bySet = () =>
    jwtVerifier({ jwksUri: `${jwks.url}/jwks`, issuer: ISSUER, audience: AUDIENCE });

  it.each([
    ['a public key', byKey],
    [
      'a JWK Set given in the options',
      () => jwtVerifier({ jwks: jwksOf(key, other), issuer: ISSUER, audience: AUDIENCE }),
    ],
    ['a remote JWK Set already fetched', bySet],
  ])(
    'with %s: new tokens are accepted, forged and expired ones refused, at once',
    async (_, verifier) => {
      const { middleware, decisions } = guard([verifier()]);
      await warm(middleware);
      // Minted once: a second mint in the next second would be another token (its `iat`).
      const newToken = await mintJwt({ key, claims: { jti: 'new-1' } });
      const fresh = call(middleware, newToken);
      expect(fresh.synchronous).toBe(true);
      expect(await fresh.settled).toBeUndefined();
      expect(fresh.req.auth?.claims.jti).toBe('new-1');
      const [header, payload] = (await mintJwt({ key })).split('.');
      const forged = call(middleware, `${header}.${payload}.${'A'.repeat(342)}`);
      expect(forged.synchronous).toBe(true);
      expect(await forged.settled).toMatchObject({ reason: 'signature_invalid' });
      const expired = call(
        middleware,
        await mintJwt({ key, claims: { exp: secondsFromNow(-600) } }),
      );
      expect(expired.synchronous).toBe(true);
      expect(await expired.settled).toMatchObject({ reason: 'token_expired' });
      // The accepted token is cached as verify would cache it: its reuse is a hit.
      const again = call(middleware, newToken);
      expect(again.synchronous).toBe(true);
      expect(decisions.map((d) => d.outcome)).toEqual([
        'accept',
        'accept',
        'reject',
        'reject',
        'accept',
      ]);
    },
  );

  it('fetches the set once, and a second key of it waits only for its own first selection', async () => {
    const { middleware } = guard([bySet()]);
    await warm(middleware);
    const fetched = jwks.count('/jwks');
    const second = call(middleware, await mintJwt({ key: other }));
    expect(second.synchronous).toBe(false);
    expect(await second.settled).toBeUndefined();
    const secondAgain = call(middleware, await mintJwt({ key: other, claims: { jti: 'x' } }));
    expect(secondAgain.synchronous).toBe(true);
    expect(await secondAgain.settled).toBeUndefined();
    expect(jwks.count('/jwks')).toBe(fetched);
  });

  it('waits for a kid the set does not hold (it may have rotated), and refuses it after asking', async () => {
    const { middleware } = guard([bySet()]);
    await warm(middleware);
    const stranger = testKey('RS256', 'not-in-the-set');
    const unknown = call(middleware, await mintJwt({ key: stranger }));
    expect(unknown.synchronous).toBe(false);
    expect(await unknown.settled).toMatchObject({ reason: 'key_not_found' });
  });

  it('waits for the issuer when it is discovered', async () => {
    const { middleware } = guard([jwtVerifier({ discovery: jwks.url, audience: AUDIENCE })]);
    const claims = { iss: jwks.url };
    const first = call(middleware, await mintJwt({ key, claims }));
    expect(await first.settled).toBeUndefined();
    const fresh = call(middleware, await mintJwt({ key, claims: { ...claims, jti: 'd-1' } }));
    expect(fresh.synchronous).toBe(false);
    expect(await fresh.settled).toBeUndefined();
  });

  it('waits for a shared cache level, which only the asynchronous path reads', async () => {
    const shared = sharedCache({
      store: memoryStore(),
      secret: 'a-shared-cache-secret-of-at-least-32-bytes',
      namespace: 'sync-first-sight',
    });
    const { middleware } = guard([
      jwtVerifier({
        publicKey: key.publicPem,
        issuer: ISSUER,
        audience: AUDIENCE,
        cache: { shared },
      }),
    ]);
    await warm(middleware);
    const sharedToken = await mintJwt({ key, claims: { jti: 'shared-1' } });
    const fresh = call(middleware, sharedToken);
    expect(fresh.synchronous).toBe(false);
    expect(await fresh.settled).toBeUndefined();
    const reused = call(middleware, sharedToken);
    expect(reused.synchronous).toBe(true);
  });
});
