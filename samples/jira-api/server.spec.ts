import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Decision } from '../../lib/index.js';
import { mintDemoToken } from './mint-token.js';
import { start } from './server.js';

// The REST API document's success body of GET /rest/api/2/myself.
const ADMIN = {
  self: 'http://localhost:8080/rest/api/2/user?username=admin',
  key: 'JIRAUSER10000',
  name: 'admin',
  emailAddress: 'admin@gmail.com',
  displayName: 'admin',
  active: true,
  deleted: false,
  timeZone: 'Asia/Calcutta',
};

describe('samples/jira-api', () => {
  let api: Awaited<ReturnType<typeof start>>;
  const decisions: Decision[] = [];
  beforeAll(async () => {
    api = await start(0, { onDecision: (d) => decisions.push(d) });
  });
  afterAll(() => api.close());

  const myself = (headers: Record<string, string> = {}) =>
    fetch(`${api.url}/rest/api/2/myself`, { headers });

  it('answers the directory entry for a minted token', async () => {
    const res = await myself({ Authorization: `Bearer ${await mintDemoToken()}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(ADMIN);
    expect(decisions.at(-1)).toMatchObject({ outcome: 'accept', username: 'admin' });
  });

  it('answers 401 without a token', async () => {
    const res = await myself();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(await res.json()).toEqual({
      error: {
        status: 'ERROR',
        message: 'Token Missing: A bearer token is required to access this resource.',
      },
    });
  });

  it('guards DELETE with the write scope', async () => {
    const url = `${api.url}/rest/api/2/issue/DEMO-1`;
    const reader = await mintDemoToken({ scope: 'read' });
    const writer = await mintDemoToken({ scope: 'read write' });
    const refused = await fetch(url, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${reader}` },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="write"',
    );
    const allowed = await fetch(url, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${writer}` },
    });
    expect(allowed.status).toBe(204);
  });

  it('answers 400 for a user the directory does not have', async () => {
    const res = await myself({
      Authorization: `Bearer ${await mintDemoToken({ username: 'ghost' })}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { status: 'ERROR', message: 'No user found with this username/email address' },
    });
  });
});
