/**
 * What bearer-guard tells its observers: the exact message of each diagnostics channel, the
 * decision `onDecision` and `bearer-guard:decision` share, causes reduced to summaries, and the
 * one-time warning when nobody observes an outage.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import express, { type ErrorRequestHandler } from 'express';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import request from 'supertest';
import {
  CHANNELS,
  bearerAuth,
  introspectionVerifier,
  requireClaims,
  type Decision,
  type Identity,
  type Verifier,
} from '../../lib/index.js';
import { summarizeCause } from '../../lib/observe/cause.js';
import { startJsonServer } from '../helpers/json-server.js';

const IDENTITY: Identity = {
  subject: 'user-1',
  username: 'jane@example.com',
  email: 'jane@example.com',
  scopes: ['read'],
  claims: { sub: 'user-1', email: 'jane@example.com', tenant: 'acme' },
  serviceAccount: false,
  verifier: 'fixed',
};

const accepting: Verifier = {
  name: 'fixed',
  verify: async (token) =>
    token === 'good-token'
      ? { kind: 'accept', identity: IDENTITY }
      : { kind: 'pass', reason: 'token_unrecognized' },
};

/** Records every message of the named channels until `done()`. */
function record(...names: string[]): { messages: Record<string, unknown[]>; done(): void } {
  const messages: Record<string, unknown[]> = {};
  const listeners = names.map((name) => {
    messages[name] = [];
    const listener = (message: unknown) => messages[name]?.push(message);
    subscribe(name, listener);
    return [name, listener] as const;
  });
  return {
    messages,
    done: () => listeners.forEach(([name, listener]) => unsubscribe(name, listener)),
  };
}

describe('channel names', () => {
  it('are the pinned bearer-guard:* names', () => {
    expect(CHANNELS).toEqual({
      decision: 'bearer-guard:decision',
      verifier: 'bearer-guard:verifier',
      cache: 'bearer-guard:cache',
      upstream: 'bearer-guard:upstream',
      replay: 'bearer-guard:replay',
    });
  });
});

describe('bearer-guard:decision', () => {
  it('carries the very object onDecision receives, its cause already a summary', async () => {
    const seen: Array<{ decision: Decision; path: string }> = [];
    const failing: Verifier = {
      name: 'broken',
      verify: async () => {
        const err = Object.assign(new Error('database said no'), {
          code: 'E_BROKEN',
          payload: { email: 'jane@example.com' },
        });
        throw err;
      },
    };
    const app = express();
    app.use(
      bearerAuth({
        verifiers: [failing],
        directory: () => null,
        onDecision: (decision, req) => seen.push({ decision, path: req.path }),
      }),
    );
    const channel = record(CHANNELS.decision);
    try {
      await request(app).get('/x').set('Authorization', 'Bearer some-token').expect(503);
    } finally {
      channel.done();
    }
    expect(seen).toHaveLength(1);
    expect(channel.messages[CHANNELS.decision]).toHaveLength(1);
    expect(channel.messages[CHANNELS.decision]?.[0]).toBe(seen[0]?.decision);
    expect(seen[0]?.path).toBe('/x');
    expect(seen[0]?.decision).toEqual({
      outcome: 'error',
      reason: 'verifier_error',
      verifier: 'broken',
      status: 503,
      durationMs: expect.any(Number),
      cause: { name: 'Error', message: 'database said no', code: 'E_BROKEN' },
    });
    expect(JSON.stringify(seen[0]?.decision)).not.toContain('jane@example.com');
    expect(JSON.stringify(seen[0]?.decision)).not.toContain('some-token');
  });

  it('reports an accept with subject, username and binding, and a claims refusal after it', async () => {
    const app = express();
    app.use(bearerAuth({ verifiers: [accepting], directory: (identity) => identity }));
    app.get('/billing', requireClaims({ tenant: 'other' }), (_req, res) => res.end());
    const channel = record(CHANNELS.decision);
    try {
      await request(app).get('/billing').set('Authorization', 'Bearer good-token').expect(403);
    } finally {
      channel.done();
    }
    expect(channel.messages[CHANNELS.decision]).toEqual([
      {
        outcome: 'accept',
        reason: 'accepted',
        verifier: 'fixed',
        status: 200,
        durationMs: expect.any(Number),
        subject: 'user-1',
        username: 'jane@example.com',
        binding: 'bearer',
      },
      expect.objectContaining({
        outcome: 'reject',
        reason: 'claims_mismatch',
        status: 403,
        verifier: 'fixed',
        subject: 'user-1',
        binding: 'bearer',
      }),
    ]);
  });

  it("a listener that throws changes nothing, and errorHandling 'next' still reports", async () => {
    const seen: Decision[] = [];
    const app = express();
    app.use(
      bearerAuth({
        verifiers: [accepting],
        directory: (identity) => identity,
        errorHandling: 'next',
        onDecision: (decision) => {
          seen.push(decision);
          throw new Error('logger down');
        },
      }),
    );
    app.get('/me', (_req, res) => res.json({ ok: true }));
    const handler: ErrorRequestHandler = (err: { status: number }, _req, res, _next) => {
      res.status(err.status).json({ handled: true });
    };
    app.use(handler);
    await request(app).get('/me').set('Authorization', 'Bearer good-token').expect(200);
    await request(app).get('/me').expect(401, { handled: true });
    expect(seen.map((d) => [d.outcome, d.reason, d.status])).toEqual([
      ['accept', 'accepted', 200],
      ['reject', 'token_missing', 401],
    ]);
  });
});

describe('bearer-guard:verifier and bearer-guard:upstream', () => {
  it('carry exactly the documented fields', async () => {
    const upstream = await startJsonServer(() => ({ status: 502, json: {} }));
    const throwing: Verifier = {
      name: 'throws',
      verify: async () => {
        throw new Error('bug');
      },
    };
    const channel = record(CHANNELS.verifier, CHANNELS.upstream);
    try {
      const app = express();
      const introspection = introspectionVerifier({
        endpoint: `${upstream.url}/introspect?key=k-secret`,
        clientId: 'api',
        clientSecret: 'api-secret',
        audience: 'api',
      });
      app.use('/a', bearerAuth({ verifiers: [accepting, introspection], directory: () => null }));
      app.use('/b', bearerAuth({ verifiers: [throwing], directory: () => null }));
      await request(app).get('/a').set('Authorization', 'Bearer opaque-1').expect(503);
      await request(app).get('/b').set('Authorization', 'Bearer opaque-1').expect(503);
    } finally {
      channel.done();
      await upstream.close();
    }
    expect(channel.messages[CHANNELS.verifier]).toEqual([
      {
        verifier: 'fixed',
        outcome: 'pass',
        reason: 'token_unrecognized',
        durationMs: expect.any(Number),
      },
      {
        verifier: 'introspection',
        outcome: 'unavailable',
        reason: 'upstream_error',
        durationMs: expect.any(Number),
      },
      {
        verifier: 'throws',
        outcome: 'error',
        reason: 'verifier_error',
        durationMs: expect.any(Number),
      },
    ]);
    expect(channel.messages[CHANNELS.upstream]).toEqual([
      {
        url: `${upstream.url}/introspect`,
        method: 'POST',
        status: 502,
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('an upstream that cannot be reached is a failure instead of a status', async () => {
    const gone = await startJsonServer();
    const url = gone.url;
    await gone.close();
    const channel = record(CHANNELS.upstream);
    try {
      const app = express();
      const introspection = introspectionVerifier({
        endpoint: `${url}/introspect`,
        clientId: 'api',
        clientSecret: 'api-secret',
        audience: 'api',
      });
      app.use(bearerAuth({ verifiers: [introspection], directory: () => null }));
      await request(app).get('/').set('Authorization', 'Bearer opaque-1').expect(503);
    } finally {
      channel.done();
    }
    expect(channel.messages[CHANNELS.upstream]).toEqual([
      {
        url: `${url}/introspect`,
        method: 'POST',
        failure: 'upstream_unreachable',
        durationMs: expect.any(Number),
      },
    ]);
  });
});

describe('the one-time warning', () => {
  const warnings = () =>
    jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined) as jest.Mock<
      (message: string | Error, options?: unknown) => void
    >;
  const ours = (emit: jest.Mock<(message: string | Error, options?: unknown) => void>) =>
    emit.mock.calls.filter(
      ([, options]) =>
        (options as { code?: string } | undefined)?.code === 'BEARER_GUARD_UNAVAILABLE',
    );
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('is given for a directory failure too, once per bearerAuth, never naming the token', async () => {
    const emit = warnings();
    const failingDirectory = async () => {
      throw new Error('directory down');
    };
    const app = express();
    app.use('/a', bearerAuth({ verifiers: [accepting], directory: failingDirectory }));
    app.use('/b', bearerAuth({ verifiers: [accepting], directory: failingDirectory }));
    for (const path of ['/a', '/a', '/b']) {
      await request(app).get(path).set('Authorization', 'Bearer good-token').expect(503);
    }
    const calls = ours(emit);
    expect(calls).toHaveLength(2);
    expect(String(calls[0]?.[0])).toBe(
      'bearer-guard answered 503 (directory_error, verifier "fixed"): directory down. Set onDecision or subscribe to the "bearer-guard:decision" channel to see every decision; this warning is given once.',
    );
    expect(JSON.stringify(calls)).not.toContain('good-token');
  });

  it('is not given while someone subscribes to bearer-guard:decision, nor for refusals', async () => {
    const emit = warnings();
    const down: Verifier = {
      name: 'down',
      verify: async () => ({ kind: 'unavailable', reason: 'upstream_timeout' }),
    };
    const app = express();
    app.use('/down', bearerAuth({ verifiers: [down], directory: () => null }));
    app.use('/ok', bearerAuth({ verifiers: [accepting], directory: () => null }));
    const channel = record(CHANNELS.decision);
    try {
      await request(app).get('/down').set('Authorization', 'Bearer t').expect(503);
    } finally {
      channel.done();
    }
    await request(app).get('/ok').set('Authorization', 'Bearer good-token').expect(400);
    await request(app).get('/ok').expect(401);
    expect(ours(emit)).toHaveLength(0);
    // Once nobody listens any more, the next outage is said.
    await request(app).get('/down').set('Authorization', 'Bearer t').expect(503);
    expect(ours(emit)).toHaveLength(1);
  });
});

describe('summarizeCause', () => {
  it('keeps name, message and a string code of an error, and nothing else', () => {
    const err = Object.assign(new RangeError('"exp" claim timestamp check failed'), {
      code: 'ERR_JWT_EXPIRED',
      claim: 'exp',
      payload: { sub: 'u', email: 'jane@example.com' },
    });
    expect(summarizeCause(err)).toEqual({
      name: 'RangeError',
      message: '"exp" claim timestamp check failed',
      code: 'ERR_JWT_EXPIRED',
    });
    expect(JSON.parse(JSON.stringify(summarizeCause(err)))).toEqual(summarizeCause(err));
  });

  it("keeps the verifiers' reasons of an all-pass chain, and reduces anything else", () => {
    expect(
      summarizeCause([
        { verifier: 'jwt', reason: 'token_not_jwt', extra: 'x' },
        { verifier: 'introspection', reason: 'token_inactive' },
      ]),
    ).toEqual([
      { verifier: 'jwt', reason: 'token_not_jwt' },
      { verifier: 'introspection', reason: 'token_inactive' },
    ]);
    expect(summarizeCause('plain text')).toEqual({ name: 'string', message: 'plain text' });
    expect(summarizeCause({ secret: 'x' })).toEqual({ name: 'object', message: '' });
    expect(summarizeCause(undefined)).toBeUndefined();
  });
});
