/**
 * A sender-constrained client-credentials token stays bound when it is mapped to a service
 * account: the real introspection verifier over a local server, then clientCredentialsVerifier.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { clientCredentialsVerifier, introspectionVerifier } from '../../lib/index.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';

const ctx = { req: {} as Request, scheme: 'bearer' as const, signal: new AbortController().signal };

describe('client-credentials binding downgrade', () => {
  let server: JsonServer;
  beforeAll(async () => {
    server = await startJsonServer(() => ({
      json: {
        active: true,
        token_type: 'Bearer',
        client_id: 'svc-reporting',
        scope: 'read',
        iat: Math.floor(Date.now() / 1000) - 5,
        cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
      },
    }));
  });
  afterAll(() => server.close());

  it('keeps the confirmation of a certificate-bound client token on the service-account identity', async () => {
    const via = introspectionVerifier({
      endpoint: `${server.url}/introspect`,
      clientId: 'api',
      clientSecret: 'api-secret-0123456789',
      audience: false,
    });
    const verifier = clientCredentialsVerifier({
      via,
      serviceAccounts: { 'svc-reporting': 'svc-reports' },
    });
    const verdict = await verifier.verify('bound-client-token', ctx);
    expect(verdict).toMatchObject({
      kind: 'accept',
      identity: {
        serviceAccount: true,
        username: 'svc-reports',
        confirmation: { x5tS256: 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
      },
    });
    expect(verdict.kind === 'accept' && typeof verdict.identity.issuedAt).toBe('number');
  });
});
