/**
 * startJsonServer(): a tiny real HTTP server on 127.0.0.1 for upstreams (JWKS, userinfo,
 * introspection, provider APIs). Each request is answered by `handle`, which can return JSON, raw
 * text, any status, headers and a delay, or take the socket down. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Reply {
  status?: number;
  /** Serialised as JSON with `content-type: application/json`. */
  json?: unknown;
  /** Sent as is (takes precedence over `json`). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
  /** Destroy the socket after sending the headers and this many bytes of the body. */
  cutAfterBytes?: number;
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface JsonServer {
  url: string;
  port: number;
  /** Every request seen, oldest first. */
  requests: RecordedRequest[];
  /** Requests seen for `path` (all paths when omitted). */
  count(path?: string): number;
  /** Replace the handler. */
  setHandler(handle: Handler): void;
  close(): Promise<void>;
}

export async function startJsonServer(handle: Handler = () => ({ json: {} })): Promise<JsonServer> {
  let current = handle;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      let reply: Reply;
      try {
        reply = await current(recorded);
      } catch {
        reply = { status: 500, raw: 'handler failed' };
      }
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
      const body =
        reply.raw !== undefined
          ? Buffer.from(reply.raw)
          : Buffer.from(JSON.stringify(reply.json ?? {}));
      const headers: Record<string, string> = {
        'content-type': reply.raw !== undefined ? 'text/plain' : 'application/json',
        ...reply.headers,
      };
      if (reply.cutAfterBytes !== undefined) {
        res.writeHead(reply.status ?? 200, { ...headers, 'content-length': String(body.length) });
        res.write(body.subarray(0, reply.cutAfterBytes));
        setImmediate(() => res.socket?.destroy());
        return;
      }
      res.writeHead(reply.status ?? 200, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: (path) =>
      path === undefined ? requests.length : requests.filter((r) => r.path === path).length,
    setHandler(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
