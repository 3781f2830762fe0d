import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callUpstream } from '../../lib/http/client.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';

describe('callUpstream', () => {
  let upstream: JsonServer;
  beforeAll(async () => {
    upstream = await startJsonServer();
  });
  afterAll(() => upstream.close());

  const url = (path: string) => new URL(`${upstream.url}${path}`);

  it('sends a form as application/x-www-form-urlencoded and parses the JSON answer', async () => {
    upstream.setHandler(() => ({
      raw: '{"ok":true,"__proto__":{"polluted":true}}',
      headers: { 'content-type': 'application/json' },
    }));
    const answer = await callUpstream({
      url: url('/form'),
      form: new URLSearchParams({ a: 'b c' }),
      headers: { authorization: 'Basic x' },
    });
    expect(answer).toMatchObject({ kind: 'answer', status: 200 });
    expect(answer.kind === 'answer' && answer.json).toEqual({ ok: true });
    const seen = upstream.requests.at(-1);
    expect(seen).toMatchObject({ method: 'POST', body: 'a=b+c' });
    expect(seen?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen?.headers.authorization).toBe('Basic x');
  });

  it.each([1500.5, 2 ** 32])(
    'answers with a timeout of %d ms (not an integer timer delay)',
    async (timeoutMs) => {
      upstream.setHandler(() => ({ json: { ok: true } }));
      const answer = await callUpstream({ url: url('/timeout-option'), timeoutMs });
      expect(answer).toMatchObject({ kind: 'answer', status: 200, json: { ok: true } });
    },
  );

  it('reads a body as JSON only when its content-type says JSON', async () => {
    upstream.setHandler((req) =>
      req.path === '/text'
        ? { raw: '{"active":true}' }
        : {
            raw: '{"active":true}',
            headers: { 'content-type': 'application/token-introspection+json; charset=utf-8' },
          },
    );
    expect(await callUpstream({ url: url('/text') })).toMatchObject({
      kind: 'answer',
      json: undefined,
    });
    expect(await callUpstream({ url: url('/plus-json') })).toMatchObject({
      kind: 'answer',
      json: { active: true },
    });
  });

  it('sends through the dispatcher it is given', async () => {
    const { Agent } = await import('undici');
    const dispatcher = new Agent();
    const seen: string[] = [];
    const spying = dispatcher.compose((dispatch) => (opts, handler) => {
      seen.push(String(opts.path));
      return dispatch(opts, handler);
    });
    upstream.setHandler(() => ({ json: { ok: 1 } }));
    const answer = await callUpstream({ url: url('/via-dispatcher'), dispatcher: spying });
    expect(answer).toMatchObject({ kind: 'answer', json: { ok: 1 } });
    expect(seen).toEqual(['/via-dispatcher']);
    await dispatcher.close();
  });

  it('does not follow a redirect', async () => {
    upstream.setHandler((req) =>
      req.path === '/moved' ? { status: 302, headers: { location: '/target' } } : { json: {} },
    );
    const before = upstream.count('/target');
    const answer = await callUpstream({ url: url('/moved') });
    expect(answer).toMatchObject({ kind: 'failure', reason: 'upstream_redirect' });
    expect(upstream.count('/target')).toBe(before);
  });

  it('cuts off a chunked answer past the size cap', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 64 && res.write(chunk)) sent++;
        if (sent < 64) res.once('drain', pump);
        else res.end('{}');
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const answer = await callUpstream({
        url: new URL(`http://127.0.0.1:${port}/big`),
        maxResponseBytes: 32 * 1024,
      });
      expect(answer).toMatchObject({ kind: 'failure', reason: 'upstream_too_large' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('names a connection closed mid-answer', async () => {
    upstream.setHandler(() => ({
      json: { active: true, sub: 'x'.repeat(100) },
      cutAfterBytes: 10,
    }));
    const answer = await callUpstream({ url: url('/cut') });
    expect(answer).toMatchObject({ kind: 'failure', reason: 'upstream_unreachable' });
    expect(answer.kind === 'failure' && answer.cause.message).toMatch(/mid-answer/);
  });

  it('reports a refused connection as unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const answer = await callUpstream({ url: new URL(`http://127.0.0.1:${port}/gone`) });
    expect(answer).toMatchObject({ kind: 'failure', reason: 'upstream_unreachable' });
    expect(answer.kind === 'failure' && answer.cause.message).toMatch(/ECONNREFUSED/);
  });

  it('gives up at timeoutMs', async () => {
    upstream.setHandler(() => ({ json: {}, delayMs: 1000 }));
    const answer = await callUpstream({ url: url('/slow'), timeoutMs: 100 });
    expect(answer).toMatchObject({ kind: 'failure', reason: 'upstream_timeout' });
  });
});
