import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDemo, type Demo } from './demo.js';
import { runFlow, toCurl } from './flows.js';

// `npm start` prints these flows; this replays every one of them against the running demo.
describe('the npm start demo', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(() => demo.close());

  it('shows every verifier kind and every error body', () => {
    expect(demo.flows.map((f) => f.expectStatus).sort()).toEqual(
      expect.arrayContaining([200, 204, 400, 401, 403]),
    );
  });

  it('answers every printed flow as expected', async () => {
    for (const flow of demo.flows) {
      const answer = await runFlow(flow);
      expect({ title: flow.title, status: answer.status }).toEqual({
        title: flow.title,
        status: flow.expectStatus,
      });
      if (flow.expectBody !== undefined) expect(answer.body).toEqual(flow.expectBody);
    }
  });

  it('prints commands that can be pasted into a shell', () => {
    const curl = toCurl(demo.flows[2]!);
    expect(curl).toMatch(
      /^curl -s -i -H 'Authorization: Bearer [A-Za-z0-9._-]+' 'http:\/\/127\.0\.0\.1:\d+\/rest\/api\/2\/myself'$/,
    );
  });
});
