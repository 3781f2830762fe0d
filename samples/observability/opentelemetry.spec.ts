import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type ContextManager,
} from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import express, { type RequestHandler } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { introspectionVerifier, jwtVerifier } from '../../lib/index.js';
import { createTestIssuer, type ServedJwks } from '../../lib/testing/index.js';
import { startJsonServer, type JsonServer } from '../../spec/helpers/json-server.js';
import { listen } from '../../spec/helpers/listen.js';
import { createApp, traceBearerGuard } from './opentelemetry.js';

/**
 * The smallest real context manager (what @opentelemetry/context-async-hooks provides): the
 * active context follows the request through awaits.
 */
class AsyncLocalStorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

describe('sample: OpenTelemetry spans from the diagnostics channels', () => {
  const issuer = createTestIssuer();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bearer-guard-sample');
  let jwks: ServedJwks;
  let introspection: JsonServer;
  let stop: () => void;

  const verifiers = () => [
    jwtVerifier({ jwksUri: jwks.jwksUri, issuer: issuer.issuer, audience: issuer.audience }),
    introspectionVerifier({
      endpoint: `${introspection.url}/introspect?tenant=t-secret`,
      clientId: 'api',
      clientSecret: 'api-secret',
      audience: issuer.audience,
    }),
  ];

  beforeAll(async () => {
    jwks = await issuer.serveJwks();
    introspection = await startJsonServer(() => ({ status: 503, json: {} }));
    stop = traceBearerGuard(tracer);
  });
  afterEach(() => exporter.reset());
  afterAll(async () => {
    stop();
    await provider.shutdown();
    await Promise.all([introspection.close(), jwks.close()]);
  });

  const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

  it('records a span per upstream call and per verifier run, and one for the decision', async () => {
    const api = await listen(createApp(verifiers()));
    const token = await issuer.token();
    try {
      const res = await fetch(`${api.url}/api/issues`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await api.close();
    }
    const spans = exporter.getFinishedSpans();
    // Each span ends when its message is published: the call, then the run, then the decision.
    expect(spans.map((s) => s.name)).toEqual([
      'GET',
      'bearer-guard.verify',
      'bearer-guard.decision',
    ]);
    const [call, run, decision] = spans as [ReadableSpan, ReadableSpan, ReadableSpan];
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': jwks.jwksUri,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(jwks.url).port),
      'http.response.status_code': 200,
    });
    expect(run.kind).toBe(SpanKind.INTERNAL);
    expect(run.attributes).toEqual({
      'bearer_guard.verifier': 'jwt',
      'bearer_guard.outcome': 'accept',
      'bearer_guard.reason': 'accepted',
    });
    expect(run.status.code).toBe(SpanStatusCode.UNSET);
    expect(decision.attributes).toEqual({
      'bearer_guard.outcome': 'accept',
      'bearer_guard.reason': 'accepted',
      'bearer_guard.status': 200,
      'bearer_guard.verifier': 'jwt',
      'bearer_guard.binding': 'bearer',
    });
    // Without a context manager nothing is active: every span is a root.
    expect(spans.every((s) => s.parentSpanContext === undefined)).toBe(true);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(token.split('.')[1]);
  });

  describe('with a context manager and a server span per request', () => {
    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager());
    });
    afterAll(() => {
      context.disable();
    });

    /** What HTTP instrumentation does: a server span, active for the rest of the request. */
    const serverSpan: RequestHandler = (req, res, next) => {
      const span = tracer.startSpan(`${req.method} /api/issues`, { kind: SpanKind.SERVER });
      res.on('finish', () => span.end());
      context.with(trace.setSpan(context.active(), span), next);
    };

    it("parents the spans to the request's span and adds the decision to it as an event", async () => {
      const app = express();
      app.use(serverSpan);
      app.use(createApp(verifiers()));
      const api = await listen(app);
      try {
        const res = await fetch(`${api.url}/api/issues`, {
          headers: { authorization: 'Bearer opaque-token-1' },
        });
        expect(res.status).toBe(503);
      } finally {
        await api.close();
      }
      const spans = exporter.getFinishedSpans();
      const [server] = byName(spans, 'GET /api/issues');
      expect(server).toBeDefined();
      const serverId = server?.spanContext().spanId;

      const runs = byName(spans, 'bearer-guard.verify');
      expect(runs.map((s) => s.attributes)).toEqual([
        {
          'bearer_guard.verifier': 'jwt',
          'bearer_guard.outcome': 'pass',
          'bearer_guard.reason': 'token_not_jwt',
        },
        {
          'bearer_guard.verifier': 'introspection',
          'bearer_guard.outcome': 'unavailable',
          'bearer_guard.reason': 'upstream_error',
        },
      ]);
      expect(runs[1]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream_error' });

      const [call] = byName(spans, 'POST');
      expect(call?.attributes).toMatchObject({
        'url.full': `${introspection.url}/introspect`,
        'http.response.status_code': 503,
        'error.type': '503',
      });
      // Recorded after the fact: the call is the verifier run's sibling, not its child.
      for (const span of [...runs, call]) {
        expect(span?.parentSpanContext?.spanId).toBe(serverId);
      }

      expect(byName(spans, 'bearer-guard.decision')).toEqual([]);
      expect(server?.events.map((e) => [e.name, e.attributes])).toEqual([
        [
          'bearer-guard.decision',
          {
            'bearer_guard.outcome': 'unavailable',
            'bearer_guard.reason': 'upstream_error',
            'bearer_guard.status': 503,
            'bearer_guard.verifier': 'introspection',
          },
        ],
      ]);
      expect(server?.status.code).toBe(SpanStatusCode.ERROR);

      const text = JSON.stringify(spans.map((s) => [s.attributes, s.events]));
      expect(text).not.toContain('opaque-token-1');
      expect(text).not.toContain('t-secret');
    });
  });
});
