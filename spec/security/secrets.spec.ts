/**
 * Secrets hygiene: a representative run of requests (accepted, refused for each reason, upstream
 * down, slow, oversized or hostile) whose responses and onDecision records, causes included, are
 * scanned for the token and for the client secret. Neither may appear anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import {
  introspectionVerifier,
  jwtVerifier,
  oauthProviderVerifier,
  type BearerAuthOptions,
  type Decision,
  type Verifier,
} from '../../lib/index.js';
import { callUpstream } from '../../lib/http/client.js';
import { equalDigests } from '../../lib/util/hash.js';
import { buildApp } from '../helpers/app.js';
import { CLIENTS, JWT_RESOURCE, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { AUDIENCE, ISSUER, mintJwt, secondsFromNow } from '../helpers/tokens.js';
import { ROUTE, segments } from './harness.js';

const key = testKey('RS256');
const CLIENT = CLIENTS.resourceServer;
const BASIC = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64');

/** JSON.stringify replacer that keeps what logs keep of an Error: name, message, stack, cause. */
function withErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return {
      ...value,
      name: value.name,
      message: value.message,
      stack: value.stack,
      cause: value.cause,
      ...(value instanceof AggregateError ? { errors: value.errors } : {}),
    };
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Everything an observer could see of one request: the answer and the decisions. */
function observed(res: request.Response, decisions: readonly Decision[]): string {
  return JSON.stringify(
    { status: res.status, headers: res.headers, body: res.text, decisions },
    withErrors,
  );
}

/** The forms in which a credential could leak. */
function secretsOf(token: string): string[] {
  return [token, segments(token)[2], CLIENT.clientSecret, BASIC].filter((s) => s.length >= 8);
}

/** An RFC 7662-shaped verifier on lib/http/client.ts, sending the client secret the way introspection will. */
function upstreamVerifier(endpoint: string): Verifier {
  return {
    name: 'upstream-check',
    async verify(token, ctx) {
      const answer = await callUpstream({
        url: new URL(endpoint),
        method: 'POST',
        headers: { authorization: `Basic ${BASIC}` },
        form: new URLSearchParams({ token, client_secret: CLIENT.clientSecret }),
        timeoutMs: 300,
        maxResponseBytes: 4096,
        signal: ctx.signal,
      });
      if (answer.kind === 'failure')
        return { kind: 'unavailable', reason: answer.reason, cause: answer.cause };
      if (answer.status !== 200) {
        return {
          kind: 'unavailable',
          reason: 'upstream_error',
          cause: new Error(`answered ${answer.status}`),
        };
      }
      return { kind: 'reject', reason: 'token_inactive' };
    },
  };
}

let echo: JsonServer;
let slow: JsonServer;
let huge: JsonServer;
let closedUrl: string;
let as: AuthServer;

beforeAll(async () => {
  // A hostile upstream: echoes the request (token, Authorization, secret) back in its answer.
  echo = await startJsonServer((req) => {
    const echoed = {
      echoed: req.body,
      authorization: req.headers.authorization,
      query: req.query.toString(),
      error_description: req.body,
    };
    switch (req.path) {
      case '/ok':
        return { status: 200, json: echoed };
      case '/inactive':
        return { status: 200, json: { active: false, ...echoed } };
      case '/refuse':
        return { status: 401, json: { error: 'invalid_client', ...echoed } };
      default:
        return { status: 500, json: echoed };
    }
  });
  slow = await startJsonServer(() => ({ delayMs: 2000, json: jwksOf(key) }));
  huge = await startJsonServer((req) => ({
    raw: `{"keys":[],"pad":"${'x'.repeat(300 * 1024)}","echo":"${req.body}"}`,
  }));
  const closed = await startJsonServer();
  closedUrl = closed.url;
  await closed.close();
  as = await startAuthServer();
});
afterAll(async () => {
  await Promise.all([echo.close(), slow.close(), huge.close(), as.close()]);
});

type Scenario = [
  name: string,
  status: number,
  setup: () => Promise<{
    options: Partial<BearerAuthOptions> & Pick<BearerAuthOptions, 'verifiers'>;
    token: string;
  }>,
  send?: (req: request.Test, token: string) => request.Test,
];

const local = (extra: Partial<BearerAuthOptions> = {}) => ({
  verifiers: [jwtVerifier({ jwks: jwksOf(key), issuer: ISSUER, audience: AUDIENCE })],
  ...extra,
});
const remote = (jwksUri: string) => ({
  verifiers: [jwtVerifier({ jwksUri, issuer: ISSUER, audience: AUDIENCE, timeoutMs: 300 })],
});
const introspection = (
  endpoint: string,
  extra: { authMethod?: 'client_secret_post'; clientSecret?: string } = {},
) => ({
  verifiers: [
    introspectionVerifier({
      endpoint,
      clientId: CLIENT.clientId,
      clientSecret: extra.clientSecret ?? CLIENT.clientSecret,
      timeoutMs: 300,
      maxResponseBytes: 64 * 1024,
      audience: false,
      ...(extra.authMethod ? { authMethod: extra.authMethod } : {}),
    }),
  ],
});
const provider = (endpoint: string) => ({
  verifiers: [
    oauthProviderVerifier({
      provider: 'custom',
      userinfoEndpoint: endpoint,
      usernameField: 'login',
      timeoutMs: 300,
    }),
  ],
});
const bearer = (req: request.Test, token: string) => req.set('Authorization', `Bearer ${token}`);

const SCENARIOS: Scenario[] = [
  ['a valid token', 200, async () => ({ options: local(), token: await mintJwt({ key }) })],
  [
    'a valid token from the real authorization server',
    200,
    async () => ({
      options: { verifiers: [jwtVerifier({ discovery: as.issuer, audience: JWT_RESOURCE })] },
      token: await as.userToken({ accountId: 'user-admin', format: 'jwt', scope: 'read' }),
    }),
  ],
  [
    'a bad signature',
    400,
    async () => {
      const [h, p] = segments(await mintJwt({ key }));
      return {
        options: local(),
        token: `${h}.${p}.${segments(await mintJwt({ key, claims: { jti: 'x' } }))[2]}`,
      };
    },
  ],
  [
    'an expired token',
    401,
    async () => ({
      options: local(),
      token: await mintJwt({ key, claims: { exp: secondsFromNow(-600) } }),
    }),
  ],
  [
    'an expired token, rfc6750 format',
    401,
    async () => ({
      options: local({ errorFormat: 'rfc6750' }),
      token: await mintJwt({ key, claims: { exp: secondsFromNow(-600) } }),
    }),
  ],
  [
    'a wrong audience',
    400,
    async () => ({ options: local(), token: await mintJwt({ key, claims: { aud: 'other' } }) }),
  ],
  [
    'an unknown user',
    400,
    async () => ({
      options: local(),
      token: await mintJwt({ key, claims: { preferred_username: 'ghost' } }),
    }),
  ],
  [
    'an unrecognised opaque token',
    400,
    async () => ({ options: local(), token: 'opaque-token-0123456789abcdef' }),
  ],
  [
    'a malformed header',
    400,
    async () => ({ options: local(), token: await mintJwt({ key }) }),
    (req, t) => req.set('Authorization', `Bearer ${t} ${t}`),
  ],
  [
    'a token in two places',
    400,
    async () => ({
      options: local({ tokenLocations: ['header', 'query'] }),
      token: await mintJwt({ key }),
    }),
    (req, t) => req.query({ access_token: t }).set('Authorization', `Bearer ${t}`),
  ],
  [
    'a token too long',
    400,
    async () => ({ options: local({ maxTokenLength: 64 }), token: await mintJwt({ key }) }),
  ],
  [
    'a missing scope',
    403,
    async () => ({ options: local(), token: await mintJwt({ key, claims: { scope: 'read' } }) }),
    (req, t) => req.set('Authorization', `Bearer ${t}`),
  ],
  [
    'a JWK Set upstream that is down',
    503,
    async () => ({ options: remote(`${closedUrl}/jwks`), token: await mintJwt({ key }) }),
  ],
  [
    'a JWK Set upstream that is too slow',
    503,
    async () => ({ options: remote(`${slow.url}/jwks`), token: await mintJwt({ key }) }),
  ],
  [
    'a JWK Set upstream answer over the cap',
    503,
    async () => ({ options: remote(`${huge.url}/jwks`), token: await mintJwt({ key }) }),
  ],
  [
    'a JWK Set upstream answering 500',
    503,
    async () => ({ options: remote(`${echo.url}/jwks`), token: await mintJwt({ key }) }),
  ],
  [
    'an upstream echoing the token and secret in a 500',
    503,
    async () => ({
      options: { verifiers: [upstreamVerifier(`${echo.url}/introspect`)] },
      token: await mintJwt({ key }),
    }),
  ],
  [
    'an upstream echoing the token and secret in a 200',
    401,
    async () => ({
      options: { verifiers: [upstreamVerifier(`${echo.url}/ok`)] },
      token: await mintJwt({ key }),
    }),
  ],
  [
    'an upstream that is down, with a secret',
    503,
    async () => ({
      options: { verifiers: [upstreamVerifier(`${closedUrl}/introspect`)] },
      token: await mintJwt({ key }),
    }),
  ],
  [
    'introspection of a valid opaque token at the real server',
    200,
    async () => ({
      options: introspection(`${as.issuer}/token/introspection`),
      token: await as.userToken({ accountId: 'user-admin' }),
    }),
  ],
  [
    'introspection with a wrong client secret at the real server',
    401,
    async () => ({
      options: introspection(`${as.issuer}/token/introspection`, {
        clientSecret: `${CLIENT.clientSecret}-wrong`,
      }),
      token: await as.userToken({ accountId: 'user-admin' }),
    }),
  ],
  [
    'introspection echoing token and secret in a 500',
    503,
    async () => ({
      options: introspection(`${echo.url}/introspect`),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'introspection (client_secret_post) echoing token and secret in a 500',
    503,
    async () => ({
      options: introspection(`${echo.url}/introspect`, { authMethod: 'client_secret_post' }),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'introspection refusing the client, echoing',
    401,
    async () => ({
      options: introspection(`${echo.url}/refuse`, { authMethod: 'client_secret_post' }),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'introspection answering inactive, echoing',
    401,
    async () => ({
      options: introspection(`${echo.url}/inactive`),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'introspection answering garbage, echoing',
    503,
    async () => ({
      options: introspection(`${echo.url}/ok`),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'introspection endpoint down',
    503,
    async () => ({
      options: introspection(`${closedUrl}/introspect`),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'introspection endpoint too slow',
    503,
    async () => ({
      options: introspection(`${slow.url}/introspect`),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'introspection answer over the cap',
    503,
    async () => ({
      options: introspection(`${huge.url}/introspect`),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'userinfo echoing the token in a 500',
    503,
    async () => ({ options: provider(`${echo.url}/userinfo`), token: await mintJwt({ key }) }),
  ],
  [
    'userinfo refusing the token, echoing',
    401,
    async () => ({ options: provider(`${echo.url}/refuse`), token: await mintJwt({ key }) }),
  ],
  [
    'userinfo endpoint down',
    503,
    async () => ({ options: provider(`${closedUrl}/userinfo`), token: await mintJwt({ key }) }),
  ],
  [
    'a directory that fails',
    503,
    async () => ({
      options: local({
        directory: async () => {
          throw new Error('directory down');
        },
      }),
      token: await mintJwt({ key }),
    }),
  ],
  [
    'a verifier that throws',
    503,
    async () => ({
      options: {
        verifiers: [
          {
            name: 'broken',
            verify: async () => {
              throw new Error('bug');
            },
          },
        ],
      },
      token: await mintJwt({ key }),
    }),
  ],
];

describe('secrets hygiene', () => {
  const rows = SCENARIOS.map(([name, status, setup, send]) => ({
    name,
    status,
    setup,
    send: send ?? bearer,
  }));
  it.each(rows)('leaks neither token nor client secret: $name', async ({ status, setup, send }) => {
    const { options, token } = await setup();
    const { app, decisions } = buildApp(options);
    const method =
      status === 403 ? request(app).delete('/rest/api/2/issue/1') : request(app).get(ROUTE);
    const res = await send(method, token);
    expect(res.status).toBe(status);
    expect(decisions).toHaveLength(status === 403 ? 2 : 1);
    const seen = observed(res, decisions);
    for (const secret of secretsOf(token)) expect(seen).not.toContain(secret);
  });
});

describe('secret comparison', () => {
  const libFiles = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? libFiles(path) : path.endsWith('.ts') ? [path] : [];
    });

  // CWE-208: a value named like a secret must never meet ===, !==, == or != in lib code
  // (presence and type checks aside); digests are compared with util/hash.ts equalDigests.
  it('compares no secret with a short-circuiting operator anywhere in lib/', () => {
    const SECRET = /(secret|password|passwd|api_?key|private_?key)/i;
    const COMPARISON = /([\w.$[\]'"]+)\s*([!=]==?)\s*([\w.$[\]'"]+)/g;
    /** A presence or type check (`=== undefined`, `typeof x === 'string'`) compares no secret. */
    const PRESENCE = /^(undefined|null|''|'(string|object|function|number|boolean)')$/;
    /** An identifier (not a string literal such as 'client_secret_post') that names a secret. */
    const secretName = (operand: string) => /^[^'"]/.test(operand) && SECRET.test(operand);
    const comparesSecret = (text: string) =>
      [...text.matchAll(COMPARISON)].some(
        ([, left = '', , right = '']) =>
          (secretName(left) || secretName(right)) && !PRESENCE.test(left) && !PRESENCE.test(right),
      );
    const offenders = libFiles('lib').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ file, line: i + 1, text: line }))
        .filter(({ text }) => !/^\s*(\*|\/\/)/.test(text) && comparesSecret(text)),
    );
    expect(offenders).toEqual([]);
  });

  // CWE-208: equalDigests compares every character of equal-length digests, without an early exit.
  it.each([
    [
      'equal',
      'E5Ha5Ve3tT4jLyS0Ye5O3Y4SzDXaE6Q6QGdGmZCD2Bc',
      'E5Ha5Ve3tT4jLyS0Ye5O3Y4SzDXaE6Q6QGdGmZCD2Bc',
      true,
    ],
    [
      'last character',
      'E5Ha5Ve3tT4jLyS0Ye5O3Y4SzDXaE6Q6QGdGmZCD2Bc',
      'E5Ha5Ve3tT4jLyS0Ye5O3Y4SzDXaE6Q6QGdGmZCD2Bd',
      false,
    ],
    [
      'first character',
      'E5Ha5Ve3tT4jLyS0Ye5O3Y4SzDXaE6Q6QGdGmZCD2Bc',
      'F5Ha5Ve3tT4jLyS0Ye5O3Y4SzDXaE6Q6QGdGmZCD2Bc',
      false,
    ],
    ['prefix', 'E5Ha5Ve3tT4jLyS0', 'E5Ha5Ve3tT4jLyS0Ye5O3Y4SzDXaE6Q6QGdGmZCD2Bc', false],
    ['empty vs non-empty', '', 'x', false],
    ['both empty', '', '', true],
    ['unicode', 'pässwörd', 'pässwörd', true],
    ['unicode, one character apart', 'pässwörd', 'pässwörđ', false],
  ])('equalDigests: %s', (_, a, b, equal) => {
    expect(equalDigests(a, b)).toBe(equal);
    expect(equalDigests(b, a)).toBe(equal);
  });
});
