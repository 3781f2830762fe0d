import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { introspectionVerifier, jwtVerifier, oauthProviderVerifier } from '../../lib/index.js';
import { callUpstream, fetchJsonObject } from '../../lib/http/client.js';
import { buildApp, type TestApp } from '../helpers/app.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';

const key = testKey('RS256');

/** A merge of the kind applications write (and lodash < 4.17.12 shipped): recursive, unguarded. */
function naiveMerge(target: Record<string, unknown>, source: unknown): Record<string, unknown> {
  if (typeof source !== 'object' || source === null) return target;
  for (const name of Object.keys(source)) {
    const value = (source as Record<string, unknown>)[name];
    if (typeof value === 'object' && value !== null) {
      const next = (target[name] ?? {}) as Record<string, unknown>;
      target[name] = naiveMerge(next, value);
    } else target[name] = value;
  }
  return target;
}

/** A key whose presence anywhere in a value could reach a prototype. */
function poisonedPaths(value: unknown, path = '$'): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((name) => [
    ...(['__proto__', 'constructor', 'prototype'].includes(name) ? [`${path}.${name}`] : []),
    ...poisonedPaths((value as Record<string, unknown>)[name], `${path}.${name}`),
  ]);
}

/** The hostile members as JSON text: an object literal with `__proto__` would set the prototype. */
const HOSTILE_JSON =
  '"__proto__":{"polluted":"proto"},"constructor":{"prototype":{"polluted":"constructor"}},' +
  '"nested":{"__proto__":{"polluted":"nested"},"prototype":{"polluted":"prototype"}}';

afterEach(() => {
  // A failing case must not leak into the next one.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe('prototype pollution through claims', () => {
  // CVE-2019-10744 (lodash defaultsDeep) class: `__proto__` / `constructor.prototype` keys in a signed JWT.
  it('refuses a signed token that carries a __proto__ key at any depth', async () => {
    const { app, decisions } = buildApp({
      verifiers: [jwtVerifier({ jwks: jwksOf(key), issuer: ISSUER, audience: AUDIENCE })],
    });
    const payload = JSON.parse(`{${HOSTILE_JSON}}`) as Record<string, unknown>;
    const token = await mintJwt({ key, claims: payload });
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', `Bearer ${token}`)
      .expect(400);
    expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'claim_invalid' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('hands out claims without constructor or prototype keys, safe to merge', async () => {
    const { app, decisions } = buildApp({
      verifiers: [jwtVerifier({ jwks: jwksOf(key), issuer: ISSUER, audience: AUDIENCE })],
    });
    let seen: unknown;
    app.get('/rest/api/2/claims', (req, res) => {
      seen = req.auth?.claims;
      naiveMerge({}, req.auth?.claims);
      res.json({ polluted: ({} as Record<string, unknown>).polluted ?? null });
    });
    const payload = JSON.parse(`{${HOSTILE_JSON.replace(/"__proto__"/g, '"proto"')}}`) as Record<
      string,
      unknown
    >;
    const token = await mintJwt({ key, claims: payload });
    await request(app)
      .get('/rest/api/2/claims')
      .set('Authorization', `Bearer ${token}`)
      .expect(200, { polluted: null });
    expect(decisions[0]).toMatchObject({ outcome: 'accept', reason: 'accepted' });
    expect(poisonedPaths(seen)).toEqual([]);
    expect(seen).toMatchObject({ sub: 'user-1', nested: {} });
    expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the hostile keys a no-op even for a token refused for its other claims', async () => {
    const { app, decisions } = buildApp({
      verifiers: [jwtVerifier({ jwks: jwksOf(key), issuer: ISSUER, audience: AUDIENCE })],
    });
    const claims = JSON.parse(`{"scope":["admin"],${HOSTILE_JSON}}`) as Record<string, unknown>;
    const token = await mintJwt({ key, claims });
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', `Bearer ${token}`)
      .expect(400);
    expect(decisions[0]).toMatchObject({ reason: 'claim_invalid' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('prototype pollution through upstream answers (lib/http/client.ts + util/json.ts)', () => {
  let upstream: JsonServer;
  beforeAll(async () => {
    upstream = await startJsonServer(() => ({
      raw: `{"active":true,"sub":"user-1","username":"admin",${HOSTILE_JSON},"list":[{${HOSTILE_JSON}}]}`,
      headers: { 'content-type': 'application/json' },
    }));
  });
  afterAll(() => upstream.close());

  // CVE-2019-10744 class, as an introspection (RFC 7662) or userinfo answer would carry it.
  it('parses an upstream answer without any poisoned key at any depth', async () => {
    const answer = await callUpstream({ url: new URL(`${upstream.url}/introspect`) });
    expect(answer).toMatchObject({ kind: 'answer', status: 200 });
    const json = (answer as { json: unknown }).json;
    expect(poisonedPaths(json)).toEqual([]);
    expect(json).toEqual({
      active: true,
      sub: 'user-1',
      username: 'admin',
      nested: {},
      list: [{ nested: {} }],
    });
    naiveMerge({}, json);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('hands a JSON object answer (userinfo shape) over as a plain object', async () => {
    const answer = await fetchJsonObject({ url: new URL(`${upstream.url}/userinfo`) });
    expect(answer.kind).toBe('object');
    const value = (answer as { value: object }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(poisonedPaths(value)).toEqual([]);
  });

  // A remote JWK Set answering hostile keys next to its real ones still verifies, and pollutes nothing.
  it('uses a JWK Set whose answer carries poisoned keys without polluting', async () => {
    const set = JSON.stringify(jwksOf(key)).slice(0, -1) + `,${HOSTILE_JSON}}`;
    const jwks = await startJsonServer(() => ({
      raw: set,
      headers: { 'content-type': 'application/json' },
    }));
    try {
      const { app, decisions } = buildApp({
        verifiers: [
          jwtVerifier({ jwksUri: `${jwks.url}/jwks`, issuer: ISSUER, audience: AUDIENCE }),
        ],
      });
      await request(app)
        .get('/rest/api/2/myself')
        .set('Authorization', `Bearer ${await mintJwt({ key })}`)
        .expect(200);
      expect(decisions[0]).toMatchObject({ outcome: 'accept' });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      await jwks.close();
    }
  });
});

describe('prototype pollution through introspection and userinfo answers (verifier level)', () => {
  let upstream: JsonServer;
  beforeAll(async () => {
    upstream = await startJsonServer((req) => ({
      raw:
        req.path === '/introspect'
          ? `{"active":true,"token_type":"Bearer","sub":"user-1","username":"admin","scope":"read",${HOSTILE_JSON}}`
          : `{"id":"user-1","login":"admin",${HOSTILE_JSON}}`,
      headers: { 'content-type': 'application/json' },
    }));
  });
  afterAll(() => upstream.close());

  /** Serves `req.auth.claims` after a naive merge, and reports whether it polluted. */
  async function claimsAfterMerge(target: TestApp): Promise<unknown> {
    let seen: unknown;
    target.app.get('/rest/api/2/claims', (req, res) => {
      seen = req.auth?.claims;
      naiveMerge({}, req.auth?.claims);
      res.json({ polluted: ({} as Record<string, unknown>).polluted ?? null });
    });
    await request(target.app)
      .get('/rest/api/2/claims')
      .set('Authorization', 'Bearer opaque-token-0123456789')
      .expect(200, { polluted: null });
    expect(target.decisions[0]).toMatchObject({ outcome: 'accept', reason: 'accepted' });
    return seen;
  }

  // CVE-2019-10744 class through an RFC 7662 answer: `__proto__` / `constructor.prototype` members.
  it('hands out introspection claims without poisoned keys', async () => {
    const target = buildApp({
      verifiers: [
        introspectionVerifier({
          endpoint: `${upstream.url}/introspect`,
          clientId: 'api',
          clientSecret: 'api-secret-0123456789',
          audience: false,
        }),
      ],
    });
    const seen = await claimsAfterMerge(target);
    expect(poisonedPaths(seen)).toEqual([]);
    expect(seen).toMatchObject({ active: true, token_type: 'Bearer', sub: 'user-1', nested: {} });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  // CVE-2019-10744 class through a provider's userinfo answer.
  it('hands out userinfo claims without poisoned keys', async () => {
    const target = buildApp({
      verifiers: [
        oauthProviderVerifier({
          provider: 'custom',
          userinfoEndpoint: `${upstream.url}/userinfo`,
          usernameField: 'login',
          subjectField: 'id',
        }),
      ],
    });
    const seen = await claimsAfterMerge(target);
    expect(poisonedPaths(seen)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
