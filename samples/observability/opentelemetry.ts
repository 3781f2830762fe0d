/**
 * Sample: OpenTelemetry spans from bearer-guard's diagnostics channels — one span per verifier
 * run, one client span per upstream call, and the decision as an event on the request's span.
 *
 * How the spans are placed, honestly:
 * - A message is published when its operation has ended, carrying `durationMs`. The span is
 *   recorded after the fact with explicit times: it ends at the moment of the message and starts
 *   `durationMs` earlier.
 * - Channels carry no trace context of their own. A subscriber runs synchronously inside the
 *   publishing request's async context, so the span's parent is whatever span is active there —
 *   the request's server span when HTTP instrumentation and a context manager are installed
 *   (`@opentelemetry/sdk-node` does both), the root otherwise.
 * - Because every span is recorded after the fact, an upstream call's span is a sibling of the
 *   verifier run that made it, not its child.
 *
 * Run it: npx tsx samples/observability/opentelemetry.ts   (PORT overrides 3000)
 */
// #region recipe
import { SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import type { DecisionMessage, UpstreamCallMessage, VerifierRunMessage } from '../../lib/index.js';

/** Now, in milliseconds since the epoch, with sub-millisecond precision. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Records a span that ended now and lasted `durationMs`. */
function recordSpan(
  tracer: Tracer,
  name: string,
  kind: SpanKind,
  durationMs: number,
  attributes: Attributes,
  error?: string,
): void {
  const end = now();
  const span = tracer.startSpan(name, { kind, startTime: end - durationMs, attributes });
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end(end);
}

/**
 * Turns bearer-guard's channel messages into spans of `tracer`. Returns a function that stops.
 * Attributes are names, reason codes and statuses: never a token, a proof, a subject or a query.
 */
export function traceBearerGuard(tracer: Tracer): () => void {
  const onVerifier = (message: unknown) => {
    const run = message as VerifierRunMessage;
    const failed = run.outcome === 'unavailable' || run.outcome === 'error';
    recordSpan(
      tracer,
      'bearer-guard.verify',
      SpanKind.INTERNAL,
      run.durationMs,
      {
        'bearer_guard.verifier': run.verifier,
        'bearer_guard.outcome': run.outcome,
        'bearer_guard.reason': run.reason,
      },
      failed ? run.reason : undefined,
    );
  };

  const onUpstream = (message: unknown) => {
    const call = message as UpstreamCallMessage;
    const url = new URL(call.url); // origin and path: bearer-guard never publishes the query
    const attributes: Attributes = {
      'http.request.method': call.method,
      'url.full': call.url,
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    };
    if (call.status !== undefined) attributes['http.response.status_code'] = call.status;
    const error =
      call.failure ?? (call.status !== undefined && call.status >= 400 ? String(call.status) : '');
    if (error) attributes['error.type'] = error;
    // HTTP client span naming: the method alone.
    recordSpan(
      tracer,
      call.method,
      SpanKind.CLIENT,
      call.durationMs,
      attributes,
      error || undefined,
    );
  };

  const onDecision = (message: unknown) => {
    const decision = message as DecisionMessage;
    const attributes: Attributes = {
      'bearer_guard.outcome': decision.outcome,
      'bearer_guard.reason': decision.reason,
      'bearer_guard.status': decision.status,
    };
    if (decision.verifier !== undefined) attributes['bearer_guard.verifier'] = decision.verifier;
    if (decision.binding !== undefined) attributes['bearer_guard.binding'] = decision.binding;
    const failed = decision.outcome === 'unavailable' || decision.outcome === 'error';
    const active = trace.getActiveSpan();
    if (active?.isRecording()) {
      // The request's span: a guard's refusal after an accept adds a second event.
      active.addEvent('bearer-guard.decision', attributes);
      active.setAttributes(attributes);
      if (failed) active.setStatus({ code: SpanStatusCode.ERROR, message: decision.reason });
      return;
    }
    recordSpan(
      tracer,
      'bearer-guard.decision',
      SpanKind.INTERNAL,
      decision.durationMs,
      attributes,
      failed ? decision.reason : undefined,
    );
  };

  const subscriptions: Array<[string, (message: unknown) => void]> = [
    ['bearer-guard:verifier', onVerifier],
    ['bearer-guard:upstream', onUpstream],
    ['bearer-guard:decision', onDecision],
  ];
  for (const [name, listener] of subscriptions) subscribe(name, listener);
  return () => {
    for (const [name, listener] of subscriptions) unsubscribe(name, listener);
  };
}

// #endregion recipe

import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';
import { bearerAuth, jwtVerifier, type Verifier } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

/** An API whose verifications are traced. */
export function createApp(verifiers: Verifier[]): Express {
  const app = express();
  app.use('/api', bearerAuth({ verifiers, directory: (identity) => identity }));
  app.get('/api/issues', (_req, res) => res.json([]));
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // With @opentelemetry/sdk-node started first, its tracer provider is the global one.
  traceBearerGuard(trace.getTracer('bearer-guard'));
  const issuer = createTestIssuer();
  const port = Number(process.env.PORT ?? 3000);
  createApp([jwtVerifier(issuer.verifierOptions())]).listen(port, '127.0.0.1', async () => {
    const base = `http://127.0.0.1:${port}/api`;
    console.log(`opentelemetry sample on ${base}`);
    console.log(`curl -H "Authorization: Bearer ${await issuer.token()}" ${base}/issues`);
  });
}
