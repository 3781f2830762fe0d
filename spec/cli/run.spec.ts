import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toExplainConfig } from '../../lib/cli/config.js';
import { describeCause, explainChain } from '../../lib/cli/run.js';
import { jwtVerifier, memoryDirectory, MESSAGES, type Verifier } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { seed } from '../helpers/app.js';

const run = (options: Record<string, unknown>, token: string) =>
  explainChain(toExplainConfig(options), token, { signal: new AbortController().signal });

describe('explainChain', () => {
  const first = createTestIssuer({ issuer: 'https://first.test', audience: 'api' });
  const second = createTestIssuer({ issuer: 'https://second.test', audience: 'api', alg: 'ES256' });
  const chain = [
    jwtVerifier({ ...first.verifierOptions(), name: 'first' }),
    jwtVerifier({ ...second.verifierOptions(), name: 'second' }),
  ];
  let down: JsonServer;

  beforeAll(async () => {
    down = await startJsonServer(() => ({ status: 500, json: {} }));
  });
  afterAll(() => down.close());

  it('records a pass, then the accept, and answers 200 without a directory', async () => {
    const report = await run({ verifiers: chain }, await second.token());
    expect(report.steps).toEqual([
      { verifier: 'first', kind: 'pass', reason: 'issuer_mismatch', cause: undefined },
      { verifier: 'second', kind: 'accept', reason: undefined, cause: undefined },
    ]);
    expect(report).toMatchObject({
      outcome: 'accept',
      reason: 'accepted',
      verifier: 'second',
      identity: { subject: 'test-user', issuer: 'https://second.test', verifier: 'second' },
      response: { status: 200 },
    });
    expect(report.user).toBeUndefined();
  });

  it('stops at a rejection and renders the pinned 401', async () => {
    const report = await run({ verifiers: chain }, await first.expiredToken());
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({
      verifier: 'first',
      kind: 'reject',
      reason: 'token_expired',
    });
    expect(report.steps[0]?.cause).toMatch(/^JWTExpired: /);
    expect(report).toMatchObject({ outcome: 'reject', reason: 'token_expired', verifier: 'first' });
    expect(report.response).toEqual({
      status: 401,
      headers: {
        'Cache-Control': 'no-store',
        'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"',
      },
      body: seed(MESSAGES.tokenExpired),
    });
  });

  it('answers 400 when every verifier passes', async () => {
    const report = await run({ verifiers: chain, realm: 'jira' }, 'opaque-token-value');
    expect(report.steps.map((s) => s.reason)).toEqual(['token_not_jwt', 'token_not_jwt']);
    expect(report).toMatchObject({ outcome: 'reject', reason: 'token_unrecognized' });
    expect(report.response).toMatchObject({
      status: 400,
      headers: { 'WWW-Authenticate': 'Bearer realm="jira", error="invalid_token"' },
      body: seed(MESSAGES.tokenInvalid),
    });
  });

  it('fails closed with 503 when a key set cannot be fetched', async () => {
    const remote = jwtVerifier({
      jwksUri: `${down.url}/jwks`,
      issuer: first.issuer,
      audience: 'api',
    });
    const report = await run({ verifiers: [remote] }, await first.token());
    expect(report).toMatchObject({
      outcome: 'unavailable',
      reason: 'upstream_error',
      verifier: 'jwt',
    });
    expect(report.response).toEqual({
      status: 503,
      headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' },
      body: seed(MESSAGES.unavailable),
    });
  });

  it('records a verifier that throws, with the token masked in the cause', async () => {
    const broken: Verifier = {
      name: 'broken',
      verify: async (token) => {
        throw new Error(`cannot handle ${token}`);
      },
    };
    const report = await run({ verifiers: [broken] }, 'secret-token');
    expect(report.steps).toEqual([
      {
        verifier: 'broken',
        kind: 'error',
        reason: 'verifier_error',
        cause: 'Error: cannot handle <token>',
      },
    ]);
    expect(report).toMatchObject({
      outcome: 'error',
      reason: 'verifier_error',
      verifier: 'broken',
    });
    expect(report.response.status).toBe(503);
  });

  it('looks the user up in the configured directory', async () => {
    const users = [{ name: 'alice' }];
    const directory = memoryDirectory(users);
    const found = await run(
      { verifiers: chain, directory },
      await first.token({ preferred_username: 'alice' }),
    );
    expect(found).toMatchObject({ outcome: 'accept', user: { name: 'alice' } });
    const missing = await run({ verifiers: chain, directory }, await first.token());
    expect(missing).toMatchObject({
      outcome: 'reject',
      reason: 'user_not_found',
      verifier: 'first',
      identity: { username: 'test-user' },
      response: { status: 400, body: seed(MESSAGES.userNotFound) },
    });
  });

  it('answers 503 when the directory fails', async () => {
    const directory = async () => {
      throw new Error('database down');
    };
    const report = await run({ verifiers: chain, directory }, await first.token());
    expect(report).toMatchObject({
      outcome: 'error',
      reason: 'directory_error',
      directoryError: 'Error: database down',
      response: { status: 503 },
    });
  });

  it('refuses what the middleware refuses before any verifier runs', async () => {
    const report = await run({ verifiers: chain, maxTokenLength: 10 }, 'a'.repeat(11));
    expect(report.steps).toEqual([]);
    expect(report).toMatchObject({ outcome: 'reject', reason: 'token_too_long' });
    expect(report.response).toMatchObject({ status: 400 });
    const spaced = await run({ verifiers: chain }, 'has space');
    expect(spaced).toMatchObject({ reason: 'token_malformed', response: { status: 400 } });
  });

  it('renders in the configured error format', async () => {
    const report = await run(
      { verifiers: chain, errorFormat: 'rfc6750' },
      await first.expiredToken(),
    );
    expect(report.response).toMatchObject({
      status: 401,
      body: { error: 'invalid_token', error_description: MESSAGES.tokenExpired },
    });
  });
});

describe('describeCause', () => {
  it.each([
    [undefined, undefined],
    ['plain tok', 'plain <token>'],
    [new TypeError('bad tok'), 'TypeError: bad <token>'],
    [{ code: 'x' }, '{"code":"x"}'],
  ])('writes %p as %p', (cause, text) => {
    expect(describeCause(cause, 'tok')).toBe(text);
  });
});
