import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { channel } from 'node:diagnostics_channel';
import { Registry } from 'prom-client';
import { introspectionVerifier, jwtVerifier } from '../../lib/index.js';
import { createTestIssuer, type ServedJwks } from '../../lib/testing/index.js';
import { startJsonServer, type JsonServer } from '../../spec/helpers/json-server.js';
import { listen, type Listening } from '../../spec/helpers/listen.js';
import { collectBearerGuardMetrics, createApp } from './prometheus.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus' text format, samples only. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = value as string;
    }
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels` (0 when none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match`);
  return found[0]?.value ?? 0;
}

describe('sample: Prometheus metrics from the diagnostics channels', () => {
  const issuer = createTestIssuer();
  const registry = new Registry();
  let jwks: ServedJwks;
  let introspection: JsonServer;
  let api: Listening;
  let stop: () => void;

  beforeAll(async () => {
    jwks = await issuer.serveJwks();
    // A stand-in authorization server: one opaque token is active, another finds it down.
    introspection = await startJsonServer((req) => {
      const token = new URLSearchParams(req.body).get('token');
      if (token === 'opaque-while-down') return { status: 503, json: {} };
      if (token !== 'opaque-good') return { json: { active: false } };
      return {
        json: {
          active: true,
          sub: 'svc-1',
          username: 'svc-1',
          aud: issuer.audience,
          token_type: 'Bearer',
        },
      };
    });
    stop = collectBearerGuardMetrics(registry);
    const verifiers = [
      jwtVerifier({ jwksUri: jwks.jwksUri, issuer: issuer.issuer, audience: issuer.audience }),
      introspectionVerifier({
        endpoint: `${introspection.url}/introspect`,
        clientId: 'api',
        clientSecret: 'api-secret',
        audience: issuer.audience,
      }),
    ];
    api = await listen(createApp(verifiers, registry));
  });
  afterAll(async () => {
    stop();
    await Promise.all([api.close(), introspection.close(), jwks.close()]);
  });

  const call = (token?: string) =>
    fetch(`${api.url}/api/issues`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    }).then((res) => res.status);

  it('counts decisions, verifier runs and upstream calls of real requests, scraped from /metrics', async () => {
    const jwt = await issuer.token();
    expect(await call(jwt)).toBe(200);
    expect(await call(jwt)).toBe(200); // from the JWT verifier's cache: no upstream call
    expect(await call(await issuer.expiredToken())).toBe(401);
    expect(await call('opaque-good')).toBe(200);
    expect(await call('opaque-while-down')).toBe(503);
    expect(await call()).toBe(401);

    const res = await fetch(`${api.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const metrics = parseMetrics(text);

    const decisions = 'bearer_guard_decisions_total';
    expect(
      valueOf(metrics, decisions, { outcome: 'accept', reason: 'accepted', status: '200' }),
    ).toBe(3);
    expect(
      valueOf(metrics, decisions, { outcome: 'reject', reason: 'token_expired', status: '401' }),
    ).toBe(1);
    expect(
      valueOf(metrics, decisions, { outcome: 'reject', reason: 'token_missing', status: '401' }),
    ).toBe(1);
    expect(
      valueOf(metrics, decisions, {
        outcome: 'unavailable',
        reason: 'upstream_error',
        status: '503',
      }),
    ).toBe(1);
    expect(
      valueOf(metrics, 'bearer_guard_decision_duration_seconds_count', { outcome: 'accept' }),
    ).toBe(3);

    const runs = 'bearer_guard_verifier_runs_total';
    expect(valueOf(metrics, runs, { verifier: 'jwt', outcome: 'accept' })).toBe(2);
    expect(valueOf(metrics, runs, { verifier: 'jwt', outcome: 'reject' })).toBe(1);
    expect(valueOf(metrics, runs, { verifier: 'jwt', outcome: 'pass' })).toBe(2);
    expect(valueOf(metrics, runs, { verifier: 'introspection', outcome: 'accept' })).toBe(1);
    expect(valueOf(metrics, runs, { verifier: 'introspection', outcome: 'unavailable' })).toBe(1);
    expect(
      valueOf(metrics, 'bearer_guard_verifier_duration_seconds_count', {
        verifier: 'jwt',
        outcome: 'accept',
      }),
    ).toBe(2);
    expect(
      valueOf(metrics, 'bearer_guard_verifier_duration_seconds_bucket', {
        verifier: 'jwt',
        outcome: 'accept',
        le: '+Inf',
      }),
    ).toBe(2);

    const upstream = 'bearer_guard_upstream_calls_total';
    expect(valueOf(metrics, upstream, { origin: jwks.url, status: '200' })).toBe(1);
    expect(valueOf(metrics, upstream, { origin: introspection.url, status: '200' })).toBe(1);
    expect(valueOf(metrics, upstream, { origin: introspection.url, status: '503' })).toBe(1);
    expect(
      valueOf(metrics, 'bearer_guard_upstream_duration_seconds_count', {
        origin: introspection.url,
      }),
    ).toBe(2);

    // No token and no query ever becomes a label.
    expect(text).not.toContain(jwt.split('.')[1]);
    expect(text).not.toContain('opaque-good');
  });

  it('counts an upstream that cannot be reached as a failure, with no status', async () => {
    const gone = await startJsonServer();
    const url = gone.url;
    await gone.close();
    const app = createApp(
      [
        introspectionVerifier({
          endpoint: `${url}/introspect`,
          clientId: 'api',
          clientSecret: 'api-secret',
          audience: issuer.audience,
        }),
      ],
      registry,
    );
    const down = await listen(app);
    try {
      const res = await fetch(`${down.url}/api/issues`, {
        headers: { authorization: 'Bearer opaque-good' },
      });
      expect(res.status).toBe(503);
    } finally {
      await down.close();
    }
    const metrics = parseMetrics(await registry.metrics());
    expect(
      valueOf(metrics, 'bearer_guard_upstream_calls_total', {
        origin: url,
        status: '',
        failure: 'upstream_unreachable',
      }),
    ).toBe(1);
  });

  it('counts cache lookups and DPoP replay claims from messages of their documented shape', async () => {
    channel('bearer-guard:cache').publish({ cache: 'jwt', hit: true });
    channel('bearer-guard:cache').publish({ cache: 'jwt', hit: false });
    channel('bearer-guard:cache').publish({ cache: 'jwt', hit: true });
    channel('bearer-guard:replay').publish({ outcome: 'replay', durationMs: 0.2 });
    const metrics = parseMetrics(await registry.metrics());
    expect(
      valueOf(metrics, 'bearer_guard_cache_lookups_total', { cache: 'jwt', hit: 'true' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      valueOf(metrics, 'bearer_guard_cache_lookups_total', { cache: 'jwt', hit: 'false' }),
    ).toBeGreaterThanOrEqual(1);
    expect(valueOf(metrics, 'bearer_guard_replay_claims_total', { outcome: 'replay' })).toBe(1);
  });

  it('stops counting once unsubscribed', async () => {
    const own = new Registry();
    const stopOwn = collectBearerGuardMetrics(own);
    channel('bearer-guard:replay').publish({ outcome: 'first', durationMs: 0.1 });
    stopOwn();
    channel('bearer-guard:replay').publish({ outcome: 'first', durationMs: 0.1 });
    const metrics = parseMetrics(await own.metrics());
    expect(valueOf(metrics, 'bearer_guard_replay_claims_total', { outcome: 'first' })).toBe(1);
  });
});
