/**
 * Key discovery faults, against a real local server: a failed key-set or metadata fetch is tried
 * again after at most `retryAfterSeconds` (what the 503 said), never held for the cooldown;
 * `discovery` takes the issuer or its full metadata URL, falls back to RFC 8414 on 404/405 only,
 * and insists the document names the issuer it was derived from; answers must be JSON.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Agent, type Dispatcher } from 'undici';
import { jwtVerifier, MESSAGES, type JwtVerifierOptions } from '../../lib/index.js';
import { buildApp, getMyself, seed } from '../helpers/app.js';
import { startJsonServer, type JsonServer, type Reply } from '../helpers/json-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { AUDIENCE, mintJwt } from '../helpers/tokens.js';

const key = testKey('RS256');
const OIDC = '/.well-known/openid-configuration';
const RFC8414 = '/.well-known/oauth-authorization-server';

let server: JsonServer;
/** Per-path answers; a path not listed answers 404. */
let routes: Record<string, () => Reply>;
beforeEach(async () => {
  routes = {};
  server = await startJsonServer((req) => (routes[req.path] ?? (() => ({ status: 404 })))());
});
afterEach(() => server.close());

const metadata = (issuer: string): Reply => ({
  json: { issuer, jwks_uri: `${server.url}/jwks` },
});
const jwks = (): Reply => ({ json: jwksOf(key) });

/** A clock the test moves. */
function clock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function app(options: Omit<JwtVerifierOptions, 'audience'>) {
  return buildApp({
    verifiers: [jwtVerifier({ audience: AUDIENCE, ...options } as JwtVerifierOptions)],
  });
}

const tokenOf = (iss: string) => mintJwt({ key, claims: { iss } });

describe('a failed fetch is retried after at most retryAfterSeconds', () => {
  it('one failed JWKS fetch → 503, the next request after retryAfterSeconds fetches again and succeeds', async () => {
    const time = clock();
    let healthy = false;
    routes['/jwks'] = () => (healthy ? jwks() : { status: 500, json: { error: 'down' } });
    const { app: api, decisions } = app({
      jwksUri: `${server.url}/jwks`,
      issuer: server.url,
      now: time.now,
    });
    const token = await tokenOf(server.url);

    const first = await getMyself(api, token);
    expect(first.status).toBe(503);
    expect(first.body).toEqual(seed(MESSAGES.unavailable));
    expect(first.headers['retry-after']).toBe('5');
    expect(decisions.at(-1)).toMatchObject({ outcome: 'unavailable', reason: 'upstream_error' });
    expect(server.count('/jwks')).toBe(1);

    healthy = true;
    // Within the back-off, requests are answered 503 without hammering the upstream.
    await getMyself(api, token).expect(503);
    expect(server.count('/jwks')).toBe(1);

    time.advance(5000); // retryAfterSeconds, far less than the 30 s cooldown
    await getMyself(api, token).expect(200);
    expect(server.count('/jwks')).toBe(2);
  });

  it('repeated failures back off, but never past retryAfterSeconds', async () => {
    const time = clock();
    let healthy = false;
    routes['/jwks'] = () => (healthy ? jwks() : { status: 503 });
    const { app: api } = app({
      jwksUri: `${server.url}/jwks`,
      issuer: server.url,
      retryAfterSeconds: 2,
      now: time.now,
    });
    const token = await tokenOf(server.url);
    for (let attempt = 1; attempt <= 6; attempt++) {
      await getMyself(api, token).expect(503);
      expect(server.count('/jwks')).toBe(attempt);
      time.advance(2000);
    }
    healthy = true;
    await getMyself(api, token).expect(200);
    expect(server.count('/jwks')).toBe(7);
  });

  it('concurrent requests after a failure share one fetch (single-flight)', async () => {
    const time = clock();
    routes['/jwks'] = () => ({ ...jwks(), delayMs: 50 });
    const { app: api } = app({ jwksUri: `${server.url}/jwks`, issuer: server.url, now: time.now });
    const token = await tokenOf(server.url);
    const answers = await Promise.all(Array.from({ length: 5 }, () => getMyself(api, token)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.count('/jwks')).toBe(1);
  });

  it('a failed refetch for an unknown kid is retried after retryAfterSeconds, not the cooldown', async () => {
    const time = clock();
    const rotated = testKey('RS256', 'rotated');
    let answer: () => Reply = jwks;
    routes['/jwks'] = () => answer();
    const { app: api } = app({ jwksUri: `${server.url}/jwks`, issuer: server.url, now: time.now });
    await getMyself(api, await tokenOf(server.url)).expect(200);
    expect(server.count('/jwks')).toBe(1);

    time.advance(30_000); // the cooldown after a successful fetch
    answer = () => ({ status: 500 });
    const newKeyToken = await mintJwt({ key: rotated, claims: { iss: server.url } });
    await getMyself(api, newKeyToken).expect(503);
    expect(server.count('/jwks')).toBe(2);
    // The old key still works meanwhile: the last good set is kept.
    await getMyself(api, await tokenOf(server.url)).expect(200);

    answer = () => ({ json: jwksOf(key, rotated) });
    time.advance(5000);
    await getMyself(api, newKeyToken).expect(200);
    expect(server.count('/jwks')).toBe(3);
  });

  it('one failed discovery fetch → 503, the next request after retryAfterSeconds succeeds', async () => {
    const time = clock();
    let healthy = false;
    routes[OIDC] = () => (healthy ? metadata(server.url) : { status: 502 });
    routes['/jwks'] = jwks;
    const { app: api } = app({ discovery: server.url, now: time.now, retryAfterSeconds: 3 });
    const token = await tokenOf(server.url);

    await getMyself(api, token).expect(503);
    expect(server.count(OIDC)).toBe(1);
    healthy = true;
    await getMyself(api, token).expect(503);
    expect(server.count(OIDC)).toBe(1);
    time.advance(3000);
    await getMyself(api, token).expect(200);
    expect(server.count(OIDC)).toBe(2);
  });
});

describe('discovery URL', () => {
  it('the full OIDC metadata URL works', async () => {
    routes[OIDC] = () => metadata(server.url);
    routes['/jwks'] = jwks;
    const { app: api } = app({ discovery: `${server.url}${OIDC}` });
    await getMyself(api, await tokenOf(server.url)).expect(200);
  });

  it('the full OIDC metadata URL of an issuer with a path works', async () => {
    routes[`/tenant${OIDC}`] = () => metadata(`${server.url}/tenant`);
    routes['/jwks'] = jwks;
    const { app: api } = app({ discovery: `${server.url}/tenant${OIDC}` });
    await getMyself(api, await tokenOf(`${server.url}/tenant`)).expect(200);
  });

  it('the full RFC 8414 metadata URL (path-inserted) works', async () => {
    routes[`${RFC8414}/tenant`] = () => metadata(`${server.url}/tenant`);
    routes['/jwks'] = jwks;
    const { app: api } = app({ discovery: `${server.url}${RFC8414}/tenant` });
    await getMyself(api, await tokenOf(`${server.url}/tenant`)).expect(200);
    expect(server.count(`/tenant${OIDC}`)).toBe(0);
  });

  it('a full metadata URL whose document names another issuer is unavailable (503)', async () => {
    routes[OIDC] = () => metadata(`${server.url}/elsewhere`);
    routes['/jwks'] = jwks;
    const { app: api, decisions } = app({ discovery: `${server.url}${OIDC}` });
    const res = await getMyself(api, await tokenOf(`${server.url}/elsewhere`));
    expect(res.status).toBe(503);
    expect(decisions.at(-1)).toMatchObject({
      outcome: 'unavailable',
      reason: 'upstream_invalid_response',
    });
  });

  it.each([
    ['a query', 'https://id.example.test/?tenant=a'],
    ['an empty query', 'https://id.example.test/?'],
    ['a fragment', 'https://id.example.test/#x'],
    ['a metadata URL with a query', `https://id.example.test${OIDC}?x=1`],
  ])('an issuer URL with %s throws at construction', (_name, discovery) => {
    expect(() => jwtVerifier({ discovery, audience: AUDIENCE })).toThrow(
      new TypeError(
        'jwtVerifier: "discovery" option must be an issuer URL or metadata URL without a query or fragment',
      ),
    );
  });
});

describe('RFC 8414 fallback', () => {
  it('RFC 8414 fallback on 404: the path-inserted document is used', async () => {
    routes[`${RFC8414}/tenant`] = () => metadata(`${server.url}/tenant`);
    routes['/jwks'] = jwks;
    const { app: api } = app({ discovery: `${server.url}/tenant` });
    await getMyself(api, await tokenOf(`${server.url}/tenant`)).expect(200);
    expect(server.count(`/tenant${OIDC}`)).toBe(1);
    expect(server.count(`${RFC8414}/tenant`)).toBe(1);
  });

  it('RFC 8414 fallback on 405 too', async () => {
    routes[OIDC] = () => ({ status: 405 });
    routes[RFC8414] = () => metadata(server.url);
    routes['/jwks'] = jwks;
    const { app: api } = app({ discovery: server.url });
    await getMyself(api, await tokenOf(server.url)).expect(200);
  });

  it('no fallback on 500: unavailable', async () => {
    routes[OIDC] = () => ({ status: 500 });
    routes[RFC8414] = () => metadata(server.url);
    const { app: api } = app({ discovery: server.url });
    await getMyself(api, await tokenOf(server.url)).expect(503);
    expect(server.count(RFC8414)).toBe(0);
  });

  it('neither document exists: unavailable', async () => {
    const { app: api } = app({ discovery: server.url });
    await getMyself(api, await tokenOf(server.url)).expect(503);
  });
});

describe('what a metadata or key-set answer must be', () => {
  it('document issuer mismatch → 503 unavailable, not invalid', async () => {
    routes[OIDC] = () => metadata('https://attacker.example.test');
    routes['/jwks'] = jwks;
    const { app: api, decisions } = app({ discovery: server.url });
    const res = await getMyself(api, await tokenOf('https://attacker.example.test'));
    expect(res.status).toBe(503);
    expect(res.body).toEqual(seed(MESSAGES.unavailable));
    expect(decisions.at(-1)).toMatchObject({ outcome: 'unavailable' });
    expect(server.count('/jwks')).toBe(0);
  });

  it('JWKS served as text/html → unavailable', async () => {
    routes['/jwks'] = () => ({
      raw: JSON.stringify(jwksOf(key)),
      headers: { 'content-type': 'text/html' },
    });
    const { app: api, decisions } = app({ jwksUri: `${server.url}/jwks`, issuer: server.url });
    await getMyself(api, await tokenOf(server.url)).expect(503);
    expect(decisions.at(-1)).toMatchObject({
      outcome: 'unavailable',
      reason: 'upstream_invalid_response',
    });
  });

  it('a discovery document served as text/html → unavailable', async () => {
    routes[OIDC] = () => ({
      raw: JSON.stringify({ issuer: server.url, jwks_uri: `${server.url}/jwks` }),
      headers: { 'content-type': 'text/html' },
    });
    routes['/jwks'] = jwks;
    const { app: api } = app({ discovery: server.url });
    await getMyself(api, await tokenOf(server.url)).expect(503);
  });

  it('a JWK Set served as application/jwk-set+json is accepted', async () => {
    routes['/jwks'] = () => ({
      raw: JSON.stringify(jwksOf(key)),
      headers: { 'content-type': 'application/jwk-set+json' },
    });
    const { app: api } = app({ jwksUri: `${server.url}/jwks`, issuer: server.url });
    await getMyself(api, await tokenOf(server.url)).expect(200);
  });

  it('a JSON object that is not a JWK Set → unavailable', async () => {
    routes['/jwks'] = () => ({ json: { hello: 'world' } });
    const { app: api } = app({ jwksUri: `${server.url}/jwks`, issuer: server.url });
    await getMyself(api, await tokenOf(server.url)).expect(503);
  });
});

describe('dispatcher', () => {
  it('every discovery and key-set call goes through the given dispatcher', async () => {
    routes[OIDC] = () => metadata(server.url);
    routes['/jwks'] = jwks;
    const seen: string[] = [];
    class CountingAgent extends Agent {
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
        seen.push(String(options.path));
        return super.dispatch(options, handler);
      }
    }
    const dispatcher = new CountingAgent();
    try {
      const { app: api } = app({ discovery: server.url, dispatcher });
      await getMyself(api, await tokenOf(server.url)).expect(200);
      expect(seen).toEqual([OIDC, '/jwks']);
    } finally {
      await dispatcher.close();
    }
  });

  it('a dispatcher that is not one throws', () => {
    expect(() =>
      jwtVerifier({ discovery: server.url, audience: AUDIENCE, dispatcher: {} as never }),
    ).toThrow(
      new TypeError(
        'jwtVerifier: "dispatcher" option must be an undici Dispatcher (Agent, ProxyAgent, MockAgent…)',
      ),
    );
  });
});
