import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { jwtVerifier } from '../../lib/index.js';
import { buildApp } from '../helpers/app.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import { ATTACKER, ATTACKER_X5C } from './fixtures/attacker.js';
import { expectRefusal, INVALID, sendToken, TOO_LONG } from './harness.js';

const rsa = testKey('RS256');
const ec = testKey('ES256');
let jwks: JsonServer;
let attacker: JsonServer;

beforeAll(async () => {
  jwks = await startJsonServer(() => ({ json: jwksOf(rsa, ec) }));
  attacker = await startJsonServer(() => ({ json: jwksOf(ATTACKER) }));
});
afterAll(async () => {
  await jwks.close();
  await attacker.close();
});
beforeEach(() => {
  jwks.requests.length = 0;
  attacker.requests.length = 0;
});

const expected = { issuer: ISSUER, audience: AUDIENCE };
const remoteApp = (maxTokenLength?: number) =>
  buildApp({
    verifiers: [jwtVerifier({ jwksUri: `${jwks.url}/jwks`, ...expected })],
    ...(maxTokenLength ? { maxTokenLength } : {}),
  });
const staticApp = () =>
  buildApp({ verifiers: [jwtVerifier({ jwks: jwksOf(rsa, ec), ...expected })] });

describe('key injection through the token header', () => {
  // CVE-2018-0114 (node-jose): the header's embedded "jwk" must never be the verification key.
  it.each([
    ['the attacker kid', { kid: 'attacker' }, 'key_not_found'],
    ['the real kid', { kid: ec.kid }, 'signature_invalid'],
    ['no kid', { kid: undefined }, 'signature_invalid'],
  ])('ignores an embedded "jwk" header (%s)', async (_, kid, reason) => {
    for (const make of [staticApp, () => remoteApp()]) {
      const { app, decisions } = make();
      const token = await mintJwt({ key: ATTACKER, header: { jwk: ATTACKER.publicJwk, ...kid } });
      expectRefusal(await sendToken(app, token), INVALID, decisions, reason);
    }
  });

  // RFC 8725 §3.10: following "jku" is SSRF and key substitution; its server must see no request.
  it('never fetches a "jku" header URL', async () => {
    const { app, decisions } = remoteApp();
    const token = await mintJwt({ key: ATTACKER, header: { jku: `${attacker.url}/jwks.json` } });
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'key_not_found');
    expect(attacker.count()).toBe(0);
    expect(jwks.count('/jwks')).toBeGreaterThan(0);
  });

  // RFC 8725 §3.10: the same for "x5u" (X.509 URL, RFC 7515 §4.1.5).
  it('never fetches an "x5u" header URL', async () => {
    const { app, decisions } = remoteApp();
    const token = await mintJwt({
      key: ATTACKER,
      header: { x5u: `${attacker.url}/cert.pem`, kid: undefined },
    });
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'signature_invalid');
    expect(attacker.count()).toBe(0);
  });

  // RFC 7515 §4.1.6 + RFC 8725 §3.10: a self-signed "x5c" chain for the attacker's key is not trusted.
  it('ignores an embedded "x5c" certificate chain', async () => {
    for (const make of [staticApp, () => remoteApp()]) {
      const { app, decisions } = make();
      const token = await mintJwt({
        key: ATTACKER,
        header: { x5c: [ATTACKER_X5C], kid: undefined },
      });
      expectRefusal(await sendToken(app, token), INVALID, decisions, 'signature_invalid');
    }
  });

  // RFC 8725 §3.10: "kid" is a lookup key, never a path, a query or a URL.
  it.each([
    ['path traversal', '../../../../../../dev/null'],
    ['absolute path', '/etc/passwd'],
    ['SQL injection', "x' UNION SELECT 'c2VjcmV0' --"],
    ['URL', 'http://127.0.0.1:1/jwks.json'],
    ['NUL and control characters', 'rs256-1\u0000\n\r'],
    ['prototype key', '__proto__'],
  ])('refuses a "kid" with %s, signed by the right key', async (_, kid) => {
    for (const make of [staticApp, () => remoteApp()]) {
      const { app, decisions } = make();
      const token = await mintJwt({ key: rsa, header: { kid } });
      expectRefusal(await sendToken(app, token), INVALID, decisions, 'key_not_found');
    }
  });

  // RFC 8725 §3.10: a 10 KB "kid" is cut by maxTokenLength before any parsing.
  it('refuses a 10 KB "kid" before parsing under the default maxTokenLength', async () => {
    const { app, decisions } = remoteApp();
    const token = await mintJwt({ key: rsa, header: { kid: 'k'.repeat(10 * 1024) } });
    expectRefusal(await sendToken(app, token), TOO_LONG, decisions, 'token_too_long');
    expect(jwks.count()).toBe(0);
  });

  // RFC 8725 §3.10: with a raised maxTokenLength, a 10 KB "kid" is one failed lookup, one fetch at most.
  it('refuses 10 KB "kid" values with at most one JWK Set fetch per cooldown', async () => {
    const { app, decisions } = remoteApp(16 * 1024 - 1024);
    for (let i = 0; i < 5; i++) {
      const token = await mintJwt({ key: rsa, header: { kid: `${i}`.repeat(10 * 1024) } });
      const before = decisions.length;
      const res = await sendToken(app, token);
      expectRefusal(res, INVALID, decisions.slice(before), 'key_not_found');
    }
    // The first fetch loads the set; the unknown kids within the cooldown fetch nothing more.
    expect(jwks.count('/jwks')).toBe(1);
  });
});
