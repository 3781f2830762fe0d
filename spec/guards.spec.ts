import { afterEach, describe, expect, it, jest } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import {
  bearerAuth,
  memoryDirectory,
  requireAnyScope,
  requireClaims,
  requireScopes,
  type BearerAuthOptions,
  type Claims,
  type Verifier,
} from '../lib/index.js';
import { USERS } from './helpers/users.js';
import { seed } from './helpers/app.js';

/** Accepts `admin-<scope>-<scope>…` tokens for the user admin with those scopes. */
const scoped: Verifier = {
  name: 'scoped',
  async verify(token) {
    const [user, ...scopes] = token.split('-');
    if (user !== 'admin') return { kind: 'pass', reason: 'token_unrecognized' };
    const claims: Claims = {
      sub: 'u1',
      tenant: 'acme',
      roles: ['dev', 'ops'],
      org: { id: 1, name: 'acme' },
      realm_access: { roles: ['offline_access', 'admin'] },
      'cognito:groups': ['editors'],
      scope: scopes.join(' '),
    };
    return {
      kind: 'accept',
      identity: {
        subject: 'u1',
        username: 'admin',
        scopes,
        claims,
        serviceAccount: false,
        verifier: 'scoped',
      },
    };
  },
};

function appWith(guard: RequestHandler, options: Partial<BearerAuthOptions> = {}) {
  const app = express();
  app.use(bearerAuth({ verifiers: [scoped], directory: memoryDirectory(USERS), ...options }));
  app.get('/r', guard, (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

const FORBIDDEN = seed('Forbidden: The token does not allow this request.');

describe('requireScopes / requireAnyScope', () => {
  it.each<[string, RequestHandler, string, number, unknown, string | undefined]>([
    [
      'all present',
      requireScopes('read', 'write'),
      'admin-read-write-x',
      200,
      { ok: true },
      undefined,
    ],
    [
      'one missing',
      requireScopes('read', 'write'),
      'admin-read',
      403,
      seed('Insufficient Scope: This request requires the scope(s): read write.'),
      'Bearer realm="api", error="insufficient_scope", scope="read write"',
    ],
    [
      'none granted',
      requireScopes('write'),
      'admin',
      403,
      seed('Insufficient Scope: This request requires the scope(s): write.'),
      'Bearer realm="api", error="insufficient_scope", scope="write"',
    ],
    [
      'any: one present',
      requireAnyScope('admin', 'read'),
      'admin-read',
      200,
      { ok: true },
      undefined,
    ],
    [
      'any: none present',
      requireAnyScope('admin', 'write'),
      'admin-read',
      403,
      seed('Insufficient Scope: This request requires one of the scope(s): admin write.'),
      'Bearer realm="api", error="insufficient_scope", scope="admin write"',
    ],
  ])('%s', async (_name, guard, token, status, body, challenge) => {
    const res = await request(appWith(guard)).get('/r').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
    expect(res.headers['www-authenticate']).toBe(challenge);
  });

  it('is case-sensitive (RFC 6749 §3.3)', async () => {
    await request(appWith(requireScopes('Read')))
      .get('/r')
      .set('Authorization', 'Bearer admin-read')
      .expect(403);
  });

  it('uses the realm and error format of the bearerAuth in front', async () => {
    await request(appWith(requireScopes('write'), { realm: 'jira', errorFormat: 'rfc6750' }))
      .get('/r')
      .set('Authorization', 'Bearer admin-read')
      .expect(403)
      .expect(
        'WWW-Authenticate',
        'Bearer realm="jira", error="insufficient_scope", error_description="Insufficient Scope: This request requires the scope(s): write.", scope="write"',
      )
      .expect({
        error: 'insufficient_scope',
        error_description: 'Insufficient Scope: This request requires the scope(s): write.',
        scope: 'write',
      });
  });

  it.each<[string, () => unknown, string]>([
    ['no scope', () => requireScopes(), 'requireScopes: at least one scope is required'],
    [
      'an empty scope',
      () => requireAnyScope(''),
      'requireAnyScope: "" is not a valid scope (RFC 6749 §3.3)',
    ],
    [
      'a scope with a space',
      () => requireScopes('a b'),
      'requireScopes: "a b" is not a valid scope (RFC 6749 §3.3)',
    ],
    [
      'a scope with a quote',
      () => requireScopes('a"b'),
      'requireScopes: "a\\"b" is not a valid scope (RFC 6749 §3.3)',
    ],
  ])('refuses %s at construction', (_name, build, message) => {
    expect(build).toThrow(new TypeError(message));
  });
});

describe('requireClaims: typed claims', () => {
  interface EntraClaims {
    roles: string[];
    tid: string;
  }

  it('gives the predicate the claims type the application names', async () => {
    const guard = requireClaims<EntraClaims>((claims) => {
      // @ts-expect-error `tid` is a string: a typo or a wrong type does not compile
      const wrong: number = claims.tid;
      void wrong;
      return claims.roles.includes('dev');
    });
    await request(appWith(guard)).get('/r').set('Authorization', 'Bearer admin-read').expect(200);
  });
});

describe('requireClaims', () => {
  it.each<[string, RequestHandler, number]>([
    ['an object that matches', requireClaims({ tenant: 'acme' }), 200],
    ['an object matching deeply', requireClaims({ roles: ['dev', 'ops'] }), 200],
    [
      'an object matching in another key order',
      requireClaims({ org: { name: 'acme', id: 1 } }),
      200,
    ],
    ['an object with a partial nested value', requireClaims({ org: { id: 1 } }), 403],
    ['a scalar contained in an array claim (Entra roles)', requireClaims({ roles: 'ops' }), 200],
    ['a scalar missing from an array claim', requireClaims({ roles: 'admin' }), 403],
    ['a name with a colon (cognito:groups)', requireClaims({ 'cognito:groups': 'editors' }), 200],
    [
      'a dotted path into nested claims (Keycloak realm_access.roles)',
      requireClaims({ 'realm_access.roles': 'admin' }),
      200,
    ],
    ['a dotted path to a missing role', requireClaims({ 'realm_access.roles': 'root' }), 403],
    ['a dotted path through a missing object', requireClaims({ 'resource_access.api': 'x' }), 403],
    ['a dotted path to a scalar', requireClaims({ 'org.name': 'acme' }), 200],
    ['a scalar never matches an object claim', requireClaims({ org: 'acme' }), 403],
    ['an array in another order', requireClaims({ roles: ['ops', 'dev'] }), 403],
    ['an object with another value', requireClaims({ tenant: 'other' }), 403],
    ['an object naming a missing claim', requireClaims({ tenant: 'acme', org: 'x' }), 403],
    ['a predicate returning true', requireClaims((claims) => claims.tenant === 'acme'), 200],
    [
      'an async predicate returning true',
      requireClaims(async (_c, auth) => auth.user !== undefined),
      200,
    ],
    ['a predicate returning false', requireClaims(() => false), 403],
    ['a predicate returning a truthy non-boolean', requireClaims(() => 'yes' as never), 403],
    [
      'a predicate that throws',
      requireClaims(() => {
        throw new Error('bug');
      }),
      403,
    ],
    ['a predicate that rejects', requireClaims(async () => Promise.reject(new Error('bug'))), 403],
  ])('%s', async (_name, guard, status) => {
    const res = await request(appWith(guard)).get('/r').set('Authorization', 'Bearer admin-read');
    expect(res.status).toBe(status);
    if (status === 403) {
      expect(res.body).toEqual(FORBIDDEN);
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope"',
      );
    } else {
      expect(res.body).toEqual({ ok: true });
    }
  });

  it('gives a predicate the claims and req.auth', async () => {
    const seen: unknown[] = [];
    await request(
      appWith(
        requireClaims((claims, auth) => {
          seen.push(claims.tenant, auth.user, auth.scopes);
          return true;
        }),
      ),
    )
      .get('/r')
      .set('Authorization', 'Bearer admin-read')
      .expect(200);
    expect(seen).toEqual(['acme', USERS[0], ['read']]);
  });

  it('snapshots the expected object', async () => {
    const expected: Record<string, unknown> = { tenant: 'acme' };
    const app = appWith(requireClaims(expected));
    expected.tenant = 'other';
    await request(app).get('/r').set('Authorization', 'Bearer admin-read').expect(200);
  });

  it('refuses expected values that are not plain data', () => {
    let thrown: unknown;
    try {
      requireClaims({ check: () => true });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toBe(
      'requireClaims: expected claim values must be plain data (JSON values)',
    );
  });

  it('does not match an inherited property', async () => {
    await request(appWith(requireClaims({ hasOwnProperty: 'x' })))
      .get('/r')
      .set('Authorization', 'Bearer admin-read')
      .expect(403);
  });

  it.each([[{}], [null], ['tenant'], [42]])('refuses %j at construction', (requirement) => {
    expect(() => requireClaims(requirement as never)).toThrow(
      new TypeError('requireClaims: expected a predicate or a non-empty object of claim values'),
    );
  });
});

describe('guards in optional mode and without bearerAuth', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('answers 401 at the guard when optional bearerAuth saw no token', async () => {
    await request(appWith(requireScopes('read'), { optional: true }))
      .get('/r')
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="api"')
      .expect(seed('Token Missing: A bearer token is required to access this resource.'));
  });

  it('lets a token through in optional mode', async () => {
    await request(appWith(requireScopes('read'), { optional: true }))
      .get('/r')
      .set('Authorization', 'Bearer admin-read')
      .expect(200, { ok: true });
  });

  it('answers 500 and warns the operator (once) when no bearerAuth runs in front', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const app = express();
    app.get('/a', requireScopes('read'), (_req, res) => {
      res.json({ reached: true });
    });
    app.get('/b', requireClaims({ tenant: 'acme' }), (_req, res) => {
      res.json({ reached: true });
    });
    for (const path of ['/a', '/b', '/a']) {
      const res = await request(app).get(path).set('Authorization', 'Bearer admin-read');
      expect(res.status).toBe(500);
      expect(res.body).toEqual(
        seed('Internal Server Error: Authentication is not configured for this route.'),
      );
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      'requireScopes is used on a route that bearerAuth does not protect; answering 500',
      { code: 'BEARER_GUARD_NO_AUTH' },
    );
  });
});
