import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/cli/config.js';
import { explainChain } from '../../lib/cli/run.js';
import * as api from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';

const factories = api as unknown as Record<string, unknown>;

describe('the explainer with every exported verifier kind', () => {
  const issuer = createTestIssuer({ audience: 'api' });
  let introspection: JsonServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bearer-guard-verifiers-'));
    introspection = await startJsonServer(() => ({
      json: {
        active: true,
        token_type: 'Bearer',
        aud: 'api',
        sub: 'u-9',
        username: 'jdoe',
        scope: 'read',
        exp: 4_000_000_000,
      },
    }));
  });
  afterAll(async () => {
    await introspection.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds nested factories from JSON and follows an opaque token to introspection', async () => {
    const path = join(dir, 'chain.json');
    await writeFile(
      path,
      JSON.stringify({
        verifiers: [
          {
            clientCredentialsVerifier: {
              via: { jwtVerifier: issuer.verifierOptions() },
              serviceAccounts: { 'svc-reporting': 'svc-reports' },
            },
          },
          { jwtVerifier: issuer.verifierOptions() },
          {
            introspectionVerifier: {
              endpoint: `${introspection.url}/introspect`,
              clientId: 'api',
              clientSecret: 'api-secret-0123456789',
              audience: 'api',
            },
          },
        ],
      }),
    );
    const config = await loadConfig(path, factories);
    expect(config.verifiers.map((v) => v.name)).toEqual([
      'client-credentials',
      'jwt',
      'introspection',
    ]);
    const report = await explainChain(config, 'opaque-access-token-value', {
      signal: new AbortController().signal,
    });
    expect(report.steps.map((s) => [s.verifier, s.kind, s.reason])).toEqual([
      ['client-credentials', 'pass', 'token_not_jwt'],
      ['jwt', 'pass', 'token_not_jwt'],
      ['introspection', 'accept', undefined],
    ]);
    expect(report).toMatchObject({
      outcome: 'accept',
      verifier: 'introspection',
      identity: { subject: 'u-9', username: 'jdoe', scopes: ['read'] },
    });
    expect(introspection.count('/introspect')).toBe(1);
  });
});
