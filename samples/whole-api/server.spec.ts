import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { Decision } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';
import { createApp, PEOPLE } from './server.js';

describe('sample: whole-api', () => {
  const issuer = createTestIssuer({ claims: { preferred_username: 'jdoe' } });
  const decisions: Decision[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = createApp({ jwt: issuer.verifierOptions(), onDecision: (d) => decisions.push(d) });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers /myself for a valid token', async () => {
    const res = await fetch(`${base}/rest/api/2/myself`, {
      headers: { authorization: `Bearer ${await issuer.token()}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(PEOPLE[1]);
    expect(decisions).toMatchObject([{ outcome: 'accept', reason: 'accepted', verifier: 'jwt' }]);
  });
});
