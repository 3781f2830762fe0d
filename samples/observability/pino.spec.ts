import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DestinationStream } from 'pino';
import { createTestIssuer } from '../../lib/testing/index.js';
import { listen, type Listening } from '../../spec/helpers/listen.js';
import { createApp, createLogger } from './pino.js';

/** pino writes each line here instead of stdout. */
function memoryDestination(): DestinationStream & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, write: (chunk: string) => void lines.push(JSON.parse(chunk)) };
}

const EMAIL = 'jane.doe@example.com';

describe('sample: observability with pino', () => {
  const issuer = createTestIssuer();
  const logs = memoryDestination();
  let api: Listening;

  beforeAll(async () => {
    api = await listen(createApp(issuer.verifierOptions(), createLogger(logs)));
  });
  afterAll(() => api.close());

  /** Log lines written while `run` ran. */
  async function linesOf(run: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
    const before = logs.lines.length;
    await run();
    return logs.lines.slice(before);
  }

  it('logs an accepted request with its request id, method and route, not the token or the e-mail', async () => {
    const token = await issuer.token({ preferred_username: EMAIL, email: EMAIL });
    let res: Response | undefined;
    const lines = await linesOf(async () => {
      res = await fetch(`${api.url}/api/issues`, {
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-42' },
      });
    });
    expect(res?.status).toBe(200);
    expect(res?.headers.get('x-request-id')).toBe('req-42');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'bearer-guard decision',
        requestId: 'req-42',
        method: 'GET',
        route: '/api/issues',
        outcome: 'accept',
        reason: 'accepted',
        status: 200,
        verifier: 'jwt',
        subject: 'test-user',
      }),
    ]);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain(EMAIL);
  });

  it('logs an expired token as a warning whose cause is a summary, without the payload', async () => {
    const token = await issuer.expiredToken({ preferred_username: EMAIL, email: EMAIL });
    const lines = await linesOf(() =>
      fetch(`${api.url}/api/issues`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        outcome: 'reject',
        reason: 'token_expired',
        status: 401,
        verifier: 'jwt',
        cause: expect.objectContaining({ name: expect.any(String), message: expect.any(String) }),
      }),
    ]);
    for (const key of Object.keys(lines[0]?.cause as object)) {
      expect(['name', 'message', 'code']).toContain(key);
    }
    expect(lines[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain(EMAIL);
  });

  it('logs the route without its query string, where a token may travel', async () => {
    const token = await issuer.token();
    const lines = await linesOf(() => fetch(`${api.url}/api/issues?access_token=${token}`));
    expect(lines).toEqual([
      expect.objectContaining({ route: '/api/issues', reason: 'token_missing', status: 401 }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it("logs a guard's refusal as a decision of its own, with the route's pattern", async () => {
    const token = await issuer.tokenWithScopes('issues:read');
    const lines = await linesOf(() =>
      fetch(`${api.url}/api/issues/SEED-1`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-43' },
      }),
    );
    expect(lines).toEqual([
      expect.objectContaining({ requestId: 'req-43', outcome: 'accept', status: 200 }),
      expect.objectContaining({
        level: 40,
        requestId: 'req-43',
        method: 'DELETE',
        route: '/api/issues/:key',
        outcome: 'reject',
        reason: 'insufficient_scope',
        status: 403,
      }),
    ]);
  });

  it('redacts credentials when something else logs the request', () => {
    const out = memoryDestination();
    createLogger(out).info({
      req: { headers: { authorization: 'Bearer abc.def.ghi', dpop: 'proof', accept: '*/*' } },
    });
    expect(out.lines[0]?.req).toEqual({
      headers: { authorization: '[redacted]', dpop: '[redacted]', accept: '*/*' },
    });
  });
});
