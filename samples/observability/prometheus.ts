/**
 * Sample: Prometheus metrics (prom-client) fed from bearer-guard's diagnostics channels, served on
 * `/metrics`. Nothing is passed to `bearerAuth`: subscribing is enough, and while nobody subscribes
 * the channels cost nothing. Labels are reason codes, verifier names and statuses — a bounded set
 * — never a token, a subject or a URL's query.
 *
 * Run it: npx tsx samples/observability/prometheus.ts   (PORT overrides 3000)
 */
// #region recipe
import type { RequestHandler } from 'express';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, Histogram, Registry } from 'prom-client';
import type {
  CacheLookupMessage,
  DecisionMessage,
  ReplayClaimMessage,
  UpstreamCallMessage,
  VerifierRunMessage,
} from '../../lib/index.js';

/** Seconds: most verifications take well under a millisecond, upstream calls tens of them. */
const BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Registers bearer-guard's metrics on `registry` and feeds them from the channels. Returns a
 * function that stops feeding them.
 */
export function collectBearerGuardMetrics(registry: Registry): () => void {
  const registers = [registry];
  const decisions = new Counter({
    name: 'bearer_guard_decisions_total',
    help: 'Decisions of bearerAuth and its guards, by outcome, reason code and HTTP status.',
    labelNames: ['outcome', 'reason', 'status'] as const,
    registers,
  });
  const decisionSeconds = new Histogram({
    name: 'bearer_guard_decision_duration_seconds',
    help: 'Time from the request reaching bearerAuth (or a guard) to its decision.',
    labelNames: ['outcome'] as const,
    buckets: BUCKETS,
    registers,
  });
  const runs = new Counter({
    name: 'bearer_guard_verifier_runs_total',
    help: 'Verifier runs, by verifier and verdict.',
    labelNames: ['verifier', 'outcome'] as const,
    registers,
  });
  const runSeconds = new Histogram({
    name: 'bearer_guard_verifier_duration_seconds',
    help: 'Duration of verifier runs.',
    labelNames: ['verifier', 'outcome'] as const,
    buckets: BUCKETS,
    registers,
  });
  const upstreamCalls = new Counter({
    name: 'bearer_guard_upstream_calls_total',
    help: 'HTTP calls to JWKS, discovery, introspection and provider endpoints, by status or failure.',
    labelNames: ['origin', 'status', 'failure'] as const,
    registers,
  });
  const upstreamSeconds = new Histogram({
    name: 'bearer_guard_upstream_duration_seconds',
    help: 'Duration of upstream calls.',
    labelNames: ['origin'] as const,
    buckets: BUCKETS,
    registers,
  });
  const cacheLookups = new Counter({
    name: 'bearer_guard_cache_lookups_total',
    help: 'Token cache lookups, by cache and hit.',
    labelNames: ['cache', 'hit'] as const,
    registers,
  });
  const replayClaims = new Counter({
    name: 'bearer_guard_replay_claims_total',
    help: 'DPoP proof jti claims, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });

  const onDecision = (message: unknown) => {
    const d = message as DecisionMessage;
    decisions.inc({ outcome: d.outcome, reason: d.reason, status: String(d.status) });
    decisionSeconds.observe({ outcome: d.outcome }, d.durationMs / 1000);
  };
  const onVerifier = (message: unknown) => {
    const run = message as VerifierRunMessage;
    const labels = { verifier: run.verifier, outcome: run.outcome };
    runs.inc(labels);
    runSeconds.observe(labels, run.durationMs / 1000);
  };
  const onUpstream = (message: unknown) => {
    const call = message as UpstreamCallMessage;
    const origin = new URL(call.url).origin;
    upstreamCalls.inc({
      origin,
      status: call.status === undefined ? '' : String(call.status),
      failure: call.failure ?? '',
    });
    upstreamSeconds.observe({ origin }, call.durationMs / 1000);
  };
  const onCache = (message: unknown) => {
    const lookup = message as CacheLookupMessage;
    cacheLookups.inc({ cache: lookup.cache, hit: String(lookup.hit) });
  };
  const onReplay = (message: unknown) => {
    replayClaims.inc({ outcome: (message as ReplayClaimMessage).outcome });
  };

  const subscriptions: Array<[string, (message: unknown) => void]> = [
    ['bearer-guard:decision', onDecision],
    ['bearer-guard:verifier', onVerifier],
    ['bearer-guard:upstream', onUpstream],
    ['bearer-guard:cache', onCache],
    ['bearer-guard:replay', onReplay],
  ];
  for (const [name, listener] of subscriptions) subscribe(name, listener);
  return () => {
    for (const [name, listener] of subscriptions) unsubscribe(name, listener);
  };
}

/** `GET /metrics` in Prometheus' text format. Keep it off the public network, or protect it. */
export function metricsHandler(registry: Registry): RequestHandler {
  return (_req, res, next) => {
    registry.metrics().then((text) => {
      res.setHeader('content-type', registry.contentType);
      res.end(text);
    }, next);
  };
}

// #endregion recipe

import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';
import { bearerAuth, jwtVerifier, type Verifier } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

/** An API whose decisions, verifier runs and upstream calls are counted. */
export function createApp(verifiers: Verifier[], registry: Registry): Express {
  const app = express();
  app.get('/metrics', metricsHandler(registry));
  app.use('/api', bearerAuth({ verifiers, directory: (identity) => identity }));
  app.get('/api/issues', (_req, res) => res.json([]));
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const issuer = createTestIssuer();
  const registry = new Registry();
  collectBearerGuardMetrics(registry); // once, at start-up
  const port = Number(process.env.PORT ?? 3000);
  const app = createApp([jwtVerifier(issuer.verifierOptions())], registry);
  app.listen(port, '127.0.0.1', async () => {
    const base = `http://127.0.0.1:${port}`;
    console.log(`prometheus sample on ${base}`);
    console.log(`curl -H "Authorization: Bearer ${await issuer.token()}" ${base}/api/issues`);
    console.log(`curl ${base}/metrics`);
  });
}
