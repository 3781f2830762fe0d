import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import request from 'supertest';
import { jwtVerifier, type BearerAuthOptions, type Decision } from '../../lib/index.js';
import { buildApp, type TestApp } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import {
  expectRefusal,
  INVALID,
  MALFORMED,
  MISSING,
  ROUTE,
  TOO_LONG,
  TWO_PLACES,
  type Refusal,
} from './harness.js';

const key = testKey('RS256');
const testApp = (options: Partial<BearerAuthOptions> = {}): TestApp =>
  buildApp({
    verifiers: [jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE })],
    ...options,
  });

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Sends bytes exactly as given (node:http and supertest would refuse or normalise them). */
function rawRequest(server: Server, headerLines: string[]): Promise<RawAnswer> {
  const { port } = server.address() as AddressInfo;
  const text = [
    `GET ${ROUTE} HTTP/1.1`,
    'Host: 127.0.0.1',
    ...headerLines,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: body ? (JSON.parse(body) as unknown) : undefined,
      });
    });
  });
}

function expectRawRefusal(
  answer: RawAnswer,
  refusal: Refusal,
  decisions: Decision[],
  reason: string,
) {
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: refusal.status,
    body: refusal.body,
  });
  expect(answer.headers['www-authenticate']).toBe(refusal.challenge);
  expect(decisions.map((d) => [d.outcome, d.reason])).toEqual([['reject', reason]]);
}

describe('header injection and repeated Authorization headers', () => {
  let app: TestApp;
  let server: Server;
  let valid: string;
  beforeAll(async () => {
    app = testApp();
    server = createServer(app.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    valid = await mintJwt({ key });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const fresh = () => {
    app.decisions.length = 0;
    return app.decisions;
  };

  // CWE-113 / RFC 9112 §2.2: a CR LF inside a value smuggling a second Authorization line.
  it('refuses a CR LF that smuggles a second Authorization header', async () => {
    const decisions = fresh();
    const answer = await rawRequest(server, [
      `Authorization: Bearer garbage\r\nAuthorization: Bearer ${valid}`,
    ]);
    expectRawRefusal(answer, MALFORMED, decisions, 'token_malformed');
  });

  // RFC 9112 §2.2, §5.2 / RFC 9110 §5.5: bare CR, bare LF, obs-fold, NUL and a space before the
  // colon are refused by Node's parser (400, connection closed) before the middleware runs.
  it.each([
    ['bare CR', (t: string) => `Authorization: Bearer ${t}\rX-Injected: 1`],
    ['bare LF', (t: string) => `Authorization: Bearer ${t}\nAuthorization: Bearer ${t}`],
    ['obs-fold continuation', (t: string) => `Authorization: Bearer\r\n ${t}`],
    ['NUL', (t: string) => `Authorization: Bearer ${t}\u0000`],
    ['space before the colon', (t: string) => `Authorization : Bearer ${t}`],
  ])('never lets a request with a %s in Authorization reach a route', async (_, line) => {
    const decisions = fresh();
    const answer = await rawRequest(server, [line(valid)]);
    expect(answer.status).toBe(400);
    expect(answer.body).toBeUndefined();
    expect(decisions).toEqual([]);
  });

  // RFC 6750 §2 (one method only) / RFC 9110 §11.6.2 (Authorization is not a list): two lines.
  it.each([
    [
      'two valid Bearer lines',
      (t: string) => [`Authorization: Bearer ${t}`, `Authorization: Bearer ${t}`],
    ],
    [
      'Basic then Bearer',
      (t: string) => ['Authorization: Basic YWRtaW46YWRtaW4=', `Authorization: Bearer ${t}`],
    ],
    [
      'Bearer then Basic',
      (t: string) => [`Authorization: Bearer ${t}`, 'Authorization: Basic YWRtaW46YWRtaW4='],
    ],
    [
      'different name casing',
      (t: string) => [`authorization: Bearer ${t}`, `AUTHORIZATION: Bearer ${t}`],
    ],
    ['an empty second line', (t: string) => [`Authorization: Bearer ${t}`, 'Authorization: ']],
  ])('refuses multiple Authorization headers (%s)', async (_, lines) => {
    const decisions = fresh();
    expectRawRefusal(
      await rawRequest(server, lines(valid)),
      MALFORMED,
      decisions,
      'token_malformed',
    );
  });

  // RFC 6750 §2.1 (b64token after exactly one space): a tab is not the Bearer scheme at all.
  // RFC 6750 §2.1 puts exactly one space after the scheme: a tab is a malformed header, never
  // "no token" (which `optional: true` would let through as anonymous).
  it('treats "Bearer<TAB>token" as a malformed header', async () => {
    const decisions = fresh();
    expectRawRefusal(
      await rawRequest(server, [`Authorization: Bearer\t${valid}`]),
      MALFORMED,
      decisions,
      'token_malformed',
    );
  });

  // RFC 6750 §2.1: two spaces, a comma list, quoted token, non-ASCII: not a b64token.
  it.each([
    ['two spaces', (t: string) => `Authorization: Bearer  ${t}`],
    ['a comma list', (t: string) => `Authorization: Bearer ${t}, Bearer ${t}`],
    ['a quoted token', (t: string) => `Authorization: Bearer "${t}"`],
    ['Latin-1 bytes', (t: string) => `Authorization: Bearer ${t}\u00e9`],
    ['a space inside', (t: string) => `Authorization: Bearer ${t.slice(0, 10)} ${t.slice(10)}`],
  ])('refuses an Authorization header with %s', async (_, line) => {
    const decisions = fresh();
    expectRawRefusal(
      await rawRequest(server, [line(valid)]),
      MALFORMED,
      decisions,
      'token_malformed',
    );
  });
});

describe('token in two places', () => {
  const everywhere = () => testApp({ tokenLocations: ['header', 'body', 'query'] });

  // RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each request."
  it('refuses a token in the header and the query', async () => {
    const { app, decisions } = everywhere();
    const token = await mintJwt({ key });
    const res = await request(app)
      .get(`${ROUTE}?access_token=${token}`)
      .set('Authorization', `Bearer ${token}`);
    expectRefusal(res, TWO_PLACES, decisions, 'token_multiple_locations');
  });

  // RFC 6750 §2: header and form body.
  it('refuses a token in the header and the form body', async () => {
    const { app, decisions } = everywhere();
    const token = await mintJwt({ key });
    const res = await request(app)
      .post(ROUTE)
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send({ access_token: token });
    expectRefusal(res, TWO_PLACES, decisions, 'token_multiple_locations');
  });

  // RFC 6750 §2: form body and query.
  it('refuses a token in the form body and the query', async () => {
    const { app, decisions } = everywhere();
    const token = await mintJwt({ key });
    const res = await request(app)
      .post(`${ROUTE}?access_token=${token}`)
      .type('form')
      .send({ access_token: token });
    expectRefusal(res, TWO_PLACES, decisions, 'token_multiple_locations');
  });

  // RFC 6750 §2.3 / HTTP parameter pollution (OWASP): a repeated access_token parameter.
  it('refuses a repeated access_token query parameter', async () => {
    const { app, decisions } = everywhere();
    const token = await mintJwt({ key });
    const res = await request(app).get(`${ROUTE}?access_token=${token}&access_token=${token}`);
    expectRefusal(res, MALFORMED, decisions, 'token_malformed');
  });

  // RFC 6750 §5.3: a query token where only the header is allowed is not a credential at all.
  it('ignores a query token when only the header is allowed', async () => {
    const { app, decisions } = testApp();
    const res = await request(app).get(`${ROUTE}?access_token=${await mintJwt({ key })}`);
    expectRefusal(res, MISSING, decisions, 'token_missing');
  });
});

describe('enormous headers', () => {
  let small: TestApp;
  let large: TestApp;
  let smallServer: Server;
  let largeServer: Server;
  beforeAll(async () => {
    small = testApp();
    large = testApp({ maxTokenLength: 64 * 1024 });
    smallServer = createServer(small.app);
    largeServer = createServer(large.app);
    await new Promise<void>((resolve) => smallServer.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => largeServer.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smallServer.close(() => resolve()));
    await new Promise<void>((resolve) => largeServer.close(() => resolve()));
  });

  // CWE-770: the token length cap is checked before any parsing (one character over the default).
  it('refuses a token one character over maxTokenLength before parsing it', async () => {
    small.decisions.length = 0;
    const answer = await rawRequest(smallServer, [`Authorization: Bearer ${'a'.repeat(8193)}`]);
    expectRawRefusal(answer, TOO_LONG, small.decisions, 'token_too_long');
  });

  // CWE-770: exactly maxTokenLength is parsed (and refused as unrecognised, not as too long).
  it('parses a token of exactly maxTokenLength', async () => {
    small.decisions.length = 0;
    const answer = await rawRequest(smallServer, [`Authorization: Bearer ${'a'.repeat(8192)}`]);
    expectRawRefusal(answer, INVALID, small.decisions, 'token_unrecognized');
  });

  // CWE-770 / Node --max-http-header-size (16 KiB): the server's own limit comes first, whatever
  // maxTokenLength says; the middleware never sees the request.
  it.each([
    ['default maxTokenLength', () => [smallServer, small] as const],
    ['maxTokenLength of 64 KiB', () => [largeServer, large] as const],
  ])('answers 431 for a 20 KiB Authorization header (%s)', async (_, pick) => {
    const [server, target] = pick();
    target.decisions.length = 0;
    const answer = await rawRequest(server, [`Authorization: Bearer ${'a'.repeat(20 * 1024)}`]);
    expect(answer.status).toBe(431);
    expect(target.decisions).toEqual([]);
  });

  // CWE-770: many headers of modest size add up to the same server limit.
  it('answers 431 for a flood of small headers', async () => {
    small.decisions.length = 0;
    const lines = Array.from({ length: 2000 }, (_, i) => `X-Pad-${i}: ${'p'.repeat(8)}`);
    const answer = await rawRequest(smallServer, [...lines, 'Authorization: Bearer abc']);
    expect(answer.status).toBe(431);
    expect(small.decisions).toEqual([]);
  });
});
