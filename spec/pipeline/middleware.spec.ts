/**
 * The 0.2 middleware wiring: error handling through next(err), token readers, the directory
 * stage's timeout and answer checks, isolation of req.auth at every depth, the bind stage's
 * refusal of bound tokens, strict options, and Node-only response writing.
 */
import { describe, expect, it, jest } from '@jest/globals';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import {
  BearerAuthError,
  bearerAuth,
  memoryDirectory,
  requireScopes,
  type BearerAuthOptions,
  type Decision,
  type Identity,
  type Verifier,
} from '../../lib/index.js';
import { USERS } from '../helpers/users.js';

const admin = USERS.find((u) => u.name === 'admin') as (typeof USERS)[number];

/** A verifier accepting one token with a fixed identity, counting its calls. */
function fixedVerifier(parts: Partial<Identity> = {}): Verifier & { calls: number } {
  const identity: Identity = {
    subject: 'user-1',
    username: 'admin',
    scopes: ['read'],
    claims: { sub: 'user-1', org: { role: 'member', teams: ['a'] }, groups: ['g1'] },
    serviceAccount: false,
    verifier: 'fixed',
    ...parts,
  };
  const verifier = {
    name: 'fixed',
    calls: 0,
    async verify(token: string) {
      verifier.calls++;
      return token === 'good-token'
        ? { kind: 'accept' as const, identity }
        : { kind: 'pass' as const, reason: 'token_unrecognized' as const };
    },
  };
  return verifier;
}

function appWith(options: Partial<BearerAuthOptions> = {}) {
  const decisions: Decision[] = [];
  const app = express();
  app.use(
    bearerAuth({
      verifiers: [fixedVerifier()],
      directory: memoryDirectory(USERS),
      onDecision: (decision) => decisions.push(decision),
      ...options,
    }),
  );
  app.get('/me', (req, res) => res.json(req.auth?.user ?? null));
  app.delete('/thing', requireScopes('write'), (_req, res) => res.status(204).end());
  return { app, decisions };
}

describe("errorHandling: 'next'", () => {
  const handled: unknown[] = [];
  const errorHandler: ErrorRequestHandler = (err: BearerAuthError, _req, res, _next) => {
    handled.push(err);
    res.status(err.status).set(err.headers).json({ mine: err.reason });
  };

  it('hands the rendered BearerAuthError to the error handler and writes nothing itself', async () => {
    const { app } = appWith({ errorHandling: 'next' });
    app.use(errorHandler);
    const res = await request(app).get('/me').set('Authorization', 'Bearer other-token');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ mine: 'token_unrecognized' });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    const err = handled.at(-1) as BearerAuthError;
    expect(err).toBeInstanceOf(BearerAuthError);
    expect(err.name).toBe('BearerAuthError');
    expect(err.statusCode).toBe(400);
    expect(err.headers).toEqual({
      'Cache-Control': 'no-store',
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"',
    });
    expect(err.body).toEqual({
      error: { status: 'ERROR', message: 'Token Invalid: Error while validating the token.' },
    });
  });

  it('a guard follows it too, with the format bearerAuth was given', async () => {
    const { app } = appWith({ errorHandling: 'next', errorFormat: 'rfc6750' });
    app.use(errorHandler);
    const res = await request(app).delete('/thing').set('Authorization', 'Bearer good-token');
    expect(res.status).toBe(403);
    const err = handled.at(-1) as BearerAuthError;
    expect(err.reason).toBe('insufficient_scope');
    expect(err.body).toMatchObject({ error: 'insufficient_scope', scope: 'write' });
    expect(err.headers?.['WWW-Authenticate']).toContain('scope="write"');
  });

  it('a 503 carries Retry-After in err.headers', async () => {
    const down: Verifier = {
      name: 'down',
      verify: async () => ({ kind: 'unavailable', reason: 'upstream_timeout' }),
    };
    const { app } = appWith({ errorHandling: 'next', verifiers: [down] });
    app.use(errorHandler);
    const res = await request(app).get('/me').set('Authorization', 'Bearer good-token');
    expect(res.status).toBe(503);
    expect((handled.at(-1) as BearerAuthError).headers).toMatchObject({ 'Retry-After': '5' });
  });
});

describe('tokenLocations: functions', () => {
  const fromCookie = (req: express.Request) =>
    /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];

  it('reads a token from a cookie', async () => {
    const { app } = appWith({ tokenLocations: [fromCookie] });
    await request(app)
      .get('/me')
      .set('Cookie', 'theme=dark; session=good-token')
      .expect(200, admin);
  });

  it('beside the header: a token in both places is a 400', async () => {
    const { app } = appWith({ tokenLocations: ['header', fromCookie] });
    await request(app).get('/me').set('Authorization', 'Bearer good-token').expect(200);
    const res = await request(app)
      .get('/me')
      .set('Authorization', 'Bearer good-token')
      .set('Cookie', 'session=good-token');
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_request"');
  });

  it('a reader that throws or answers a non-token is a 400, never a 500', async () => {
    const { app } = appWith({
      tokenLocations: [
        () => {
          throw new Error('cookie parser bug');
        },
      ],
    });
    await request(app).get('/me').expect(400);
    const { app: app2 } = appWith({ tokenLocations: [() => 'not a token!'] });
    await request(app2).get('/me').expect(400);
  });

  it('a reader answering nothing is "no token"', async () => {
    const { app } = appWith({ tokenLocations: [() => undefined], optional: true });
    await request(app).get('/me').expect(200, 'null');
  });
});

describe('directory stage', () => {
  it('a directory that never settles answers 503 after directoryTimeoutMs and aborts ctx.signal', async () => {
    let signal: AbortSignal | undefined;
    const { app, decisions } = appWith({
      directoryTimeoutMs: 50,
      directory: (_identity, _req, ctx) => {
        signal = ctx.signal;
        return new Promise<never>(() => undefined);
      },
    });
    const res = await request(app).get('/me').set('Authorization', 'Bearer good-token');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(signal?.aborted).toBe(true);
    expect(decisions.at(-1)).toMatchObject({ outcome: 'error', reason: 'directory_error' });
  });

  it('a directory that answers after the timeout: its late answer is ignored', async () => {
    let answered = false;
    const { app } = appWith({
      directoryTimeoutMs: 20,
      directory: () =>
        new Promise((resolve) =>
          setTimeout(() => {
            answered = true;
            resolve(admin);
          }, 80),
        ),
    });
    await request(app).get('/me').set('Authorization', 'Bearer good-token').expect(503);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(answered).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an array', []],
    ['a string', 'admin'],
    ['a number', 42],
    ['a boxed string', new String('admin')],
    ['true', true],
  ])('a directory answering %s is a 503 directory_error, not an accept', async (_name, answer) => {
    const { app, decisions } = appWith({ directory: () => answer as object });
    await request(app).get('/me').set('Authorization', 'Bearer good-token').expect(503);
    expect(decisions.at(-1)).toMatchObject({ reason: 'directory_error' });
  });

  it('unknown directoryTimeoutMs values throw at construction', () => {
    expect(() => appWith({ directoryTimeoutMs: 0 })).toThrow('"directoryTimeoutMs"');
    expect(() => appWith({ directoryTimeoutMs: 1.5 })).toThrow('"directoryTimeoutMs"');
  });
});

describe("isolation: req.auth is the request's own at every depth", () => {
  it('10 000 requests mutating nested claims, scopes, identity and the user of one cached token leak nothing', async () => {
    const middleware = bearerAuth({
      verifiers: [fixedVerifier()],
      directory: memoryDirectory(USERS),
    });
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const req = {
        method: 'GET',
        headers: { authorization: 'Bearer good-token' },
        rawHeaders: ['Authorization', 'Bearer good-token'],
        query: {},
      } as unknown as express.Request;
      const res = { once: () => undefined } as unknown as express.Response;
      await new Promise<void>((resolve, reject) => {
        middleware(req, res, (err?: unknown) => {
          if (err) return reject(err as Error);
          const auth = req.auth as NonNullable<typeof req.auth>;
          const org = auth.claims.org as { role: string; teams: string[] };
          const user = auth.user as { displayName?: string };
          seen.add(
            `${org.role}/${org.teams.length}/${(auth.claims.groups as string[]).length}/${auth.scopes.length}/${auth.identity.scopes.length}/${user.displayName}`,
          );
          org.role = 'admin';
          org.teams.push('root');
          (auth.claims.groups as string[]).push('admins');
          auth.scopes.push('write');
          auth.identity.scopes.push('delete');
          user.displayName = 'changed';
          resolve();
        });
      });
    }
    expect([...seen]).toEqual([`member/1/1/1/1/${admin.displayName}`]);
    expect(admin.displayName).not.toBe('changed');
  });
});

describe('bind stage: bound tokens are never downgraded', () => {
  it.each<[string, Identity['confirmation']]>([
    ['a DPoP-bound token (cnf.jkt)', { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }],
    [
      'a certificate-bound token (cnf.x5t#S256)',
      { x5tS256: 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
    ],
  ])(
    '%s sent as Bearer while the binding is not configured → 401 invalid_token',
    async (_n, cnf) => {
      const { app, decisions } = appWith({ verifiers: [fixedVerifier({ confirmation: cnf })] });
      const res = await request(app).get('/me').set('Authorization', 'Bearer good-token');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
      expect(decisions.at(-1)).toMatchObject({
        outcome: 'reject',
        reason: 'token_binding_unsupported',
        binding: cnf?.jkt ? 'dpop' : 'mtls',
      });
    },
  );
});

describe('bearerAuth options are strict', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a typo', { optinal: true }, 'unknown option "optinal" (did you mean "optional"?)'],
    [
      'a verifier option',
      { audience: 'api' },
      'unknown option "audience": audience is checked by each verifier',
    ],
    ['express-jwt getToken', { getToken: () => 'x' }, 'tokenLocations'],
    ['express-oauth2-jwt-bearer issuerBaseURL', { issuerBaseURL: 'https://id' }, 'discovery'],
    ['passport-jwt secretOrKey', { secretOrKey: 'k' }, 'unknown option "secretOrKey"'],
  ])('%s throws a TypeError naming the key', (_name, extra, message) => {
    expect(() => appWith(extra as Partial<BearerAuthOptions>)).toThrow(TypeError);
    expect(() => appWith(extra as Partial<BearerAuthOptions>)).toThrow(message);
  });

  it('an option set to undefined is absent', () => {
    expect(() => appWith({ realm: undefined })).not.toThrow();
  });
});

describe('decisions', () => {
  it('onDecision receives the request, and causes are plain, serialisable summaries', async () => {
    const seen: Array<{ decision: Decision; id: unknown }> = [];
    const failing: Verifier = {
      name: 'failing',
      verify: async () => {
        const cause = Object.assign(new Error('JWKS fetch failed'), {
          code: 'ECONNREFUSED',
          payload: { email: 'victim@example.com' },
        });
        return { kind: 'unavailable', reason: 'upstream_unreachable', cause };
      },
    };
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { id: string }).id = 'req-42';
      next();
    });
    app.use(
      bearerAuth({
        verifiers: [failing],
        directory: memoryDirectory(USERS),
        onDecision: (decision, req) =>
          seen.push({ decision, id: (req as unknown as { id: string }).id }),
      }),
    );
    await request(app).get('/').set('Authorization', 'Bearer good-token').expect(503);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.id).toBe('req-42');
    expect(seen[0]?.decision.cause).toEqual({
      name: 'Error',
      message: 'JWKS fetch failed',
      code: 'ECONNREFUSED',
    });
    expect(JSON.stringify(seen[0]?.decision)).not.toContain('victim');
  });

  it('publishes every decision on the bearer-guard:decision channel', async () => {
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    subscribe('bearer-guard:decision', listener);
    try {
      const app = express();
      app.use(bearerAuth({ verifiers: [fixedVerifier()], directory: memoryDirectory(USERS) }));
      app.delete('/thing', requireScopes('write'), (_req, res) => res.end());
      await request(app).delete('/thing').set('Authorization', 'Bearer good-token').expect(403);
      await request(app).delete('/thing').expect(401);
    } finally {
      unsubscribe('bearer-guard:decision', listener);
    }
    expect(published).toMatchObject([
      { outcome: 'accept', reason: 'accepted' },
      { outcome: 'reject', reason: 'insufficient_scope', status: 403 },
      { outcome: 'reject', reason: 'token_missing', status: 401 },
    ]);
  });

  it('with nobody observing, the first upstream failure is a process warning, given once', async () => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const down: Verifier = {
        name: 'down',
        verify: async () => ({ kind: 'unavailable', reason: 'upstream_timeout' }),
      };
      const app = express();
      app.use(bearerAuth({ verifiers: [down], directory: memoryDirectory(USERS) }));
      await request(app).get('/').set('Authorization', 'Bearer t0ken').expect(503);
      await request(app).get('/').set('Authorization', 'Bearer t0ken').expect(503);
      const ours = emit.mock.calls.filter(
        ([, options]) =>
          (options as { code?: string } | undefined)?.code === 'BEARER_GUARD_UNAVAILABLE',
      );
      expect(ours).toHaveLength(1);
      expect(String(ours[0]?.[0])).toContain('upstream_timeout');
      expect(String(ours[0]?.[0])).not.toContain('t0ken');
    } finally {
      emit.mockRestore();
    }
  });
});

describe('diagnostics channels', () => {
  it('bearer-guard:verifier reports each verifier run and bearer-guard:upstream each upstream call, without the token', async () => {
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const { startJsonServer } = await import('../helpers/json-server.js');
    const { introspectionVerifier } = await import('../../lib/index.js');
    const upstream = await startJsonServer(() => ({
      json: { active: true, sub: 'user-1', username: 'admin', aud: 'api', token_type: 'Bearer' },
    }));
    const runs: unknown[] = [];
    const calls: unknown[] = [];
    const onRun = (m: unknown) => runs.push(m);
    const onCall = (m: unknown) => calls.push(m);
    subscribe('bearer-guard:verifier', onRun);
    subscribe('bearer-guard:upstream', onCall);
    try {
      const app = express();
      app.use(
        bearerAuth({
          verifiers: [
            fixedVerifier(),
            introspectionVerifier({
              endpoint: `${upstream.url}/introspect?tenant=secret-query`,
              clientId: 'rs',
              clientSecret: 'rs-secret',
              audience: 'api',
            } as Parameters<typeof introspectionVerifier>[0]),
          ],
          directory: memoryDirectory(USERS),
        }),
      );
      app.get('/me', (req, res) => res.json(req.auth?.user));
      await request(app).get('/me').set('Authorization', 'Bearer opaque-abc').expect(200);
    } finally {
      unsubscribe('bearer-guard:verifier', onRun);
      unsubscribe('bearer-guard:upstream', onCall);
      await upstream.close();
    }
    expect(runs).toMatchObject([
      { verifier: 'fixed', outcome: 'pass', reason: 'token_unrecognized' },
      { verifier: 'introspection', outcome: 'accept', reason: 'accepted' },
    ]);
    expect(calls).toMatchObject([
      { url: `${upstream.url}/introspect`, method: 'POST', status: 200 },
    ]);
    const text = JSON.stringify([runs, calls]);
    expect(text).not.toContain('opaque-abc');
    expect(text).not.toContain('secret-query');
  });
});
