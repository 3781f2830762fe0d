/**
 * Issue 2's "Bad input" list, each one through the whole middleware with a JWT public key: the
 * pinned status and body, the challenge, the reason onDecision saw, and never a 500 or an accept.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompactSign, SignJWT } from 'jose';
import { createServer } from 'node:http';
import request from 'supertest';
import { jwtVerifier, MESSAGES } from '../../lib/index.js';
import { buildApp, seed } from '../helpers/app.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import {
  AUDIENCE,
  b64url,
  DEFAULT_CLAIMS,
  forgeJwt,
  ISSUER,
  mintJwt,
  nowSeconds,
  secondsFromNow,
} from '../helpers/tokens.js';

const key = testKey('RS256');
const attacker = testKey('RS256', 'attacker');
const MYSELF = '/rest/api/2/myself';
const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';
const INVALID_REQUEST = 'Bearer realm="api", error="invalid_request"';

/** Signs `payloadJson` exactly as given (no re-serialisation), with the trusted key by default. */
async function signRaw(
  payloadJson: string,
  header: Record<string, unknown> = {},
  signer = key,
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payloadJson))
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT', ...header })
    .sign(signer.privateKey);
}

const payloadJson = (extra: string) =>
  `{"iss":"${ISSUER}","aud":"${AUDIENCE}","sub":"user-1","preferred_username":"admin","exp":${secondsFromNow(3600)}${extra}}`;

let jku: JsonServer;
beforeAll(async () => {
  jku = await startJsonServer(() => ({ json: jwksOf(attacker) }));
});
afterAll(() => jku.close());

type Row = [
  name: string,
  authorization: () => Promise<string | undefined>,
  status: number,
  message: string,
  challenge: string | undefined,
  reason: string,
];

const bearer = (mint: () => Promise<string>) => async () => `Bearer ${await mint()}`;
const invalid = (name: string, mint: () => Promise<string>, reason: string): Row => [
  name,
  bearer(mint),
  400,
  MESSAGES.tokenInvalid,
  INVALID_TOKEN,
  reason,
];
const malformed = (
  name: string,
  header: () => Promise<string>,
  reason = 'token_malformed',
): Row => [
  name,
  header,
  400,
  reason === 'token_too_long' ? MESSAGES.tokenTooLong : MESSAGES.requestMalformed,
  INVALID_REQUEST,
  reason,
];

const ROWS: Row[] = [
  [
    'no header',
    async () => undefined,
    401,
    MESSAGES.tokenMissing,
    'Bearer realm="api"',
    'token_missing',
  ],
  [
    'Basic scheme',
    async () => 'Basic YWRtaW46YWRtaW4=',
    401,
    MESSAGES.tokenMissing,
    'Bearer realm="api"',
    'token_missing',
  ],
  malformed('Bearer with no token', async () => 'Bearer'),
  malformed('Bearer with an empty token', async () => 'Bearer '),
  malformed('Bearer with two spaces', async () => `Bearer  ${await mintJwt()}`),
  malformed('Bearer with trailing junk', async () => `Bearer ${await mintJwt()} junk`),
  malformed('non-ASCII bytes', async () => `Bearer ${await mintJwt()}é`),
  invalid(
    'a JWT with 2 segments',
    async () => (await mintJwt()).split('.').slice(0, 2).join('.'),
    'token_unrecognized',
  ),
  invalid('a JWT with 4 segments', async () => `${await mintJwt()}.c2ln`, 'token_unrecognized'),
  invalid(
    'invalid base64url (standard base64 characters)',
    async () => `${b64url({ alg: 'RS256' })}.ab+/cd.c2ln`,
    'token_unrecognized',
  ),
  invalid(
    'a header segment that does not decode',
    async () => `eyJhbGciOiJSUzI1NiJ9x.${b64url(DEFAULT_CLAIMS)}.c2ln`,
    'token_unrecognized',
  ),
  invalid(
    'a header that is a JSON array',
    async () => forgeJwt([1, 2], DEFAULT_CLAIMS),
    'token_unrecognized',
  ),
  invalid(
    'a header that is not JSON',
    async () => forgeJwt('alg=RS256', DEFAULT_CLAIMS),
    'token_unrecognized',
  ),
  invalid('a payload that is a JSON array', async () => signRaw('[1,2]'), 'jwt_malformed'),
  invalid('a payload that is a JSON string', async () => signRaw('"admin"'), 'jwt_malformed'),
  invalid('a payload that is not JSON', async () => signRaw('sub=admin'), 'jwt_malformed'),
  invalid(
    'a header without alg',
    async () => forgeJwt({ typ: 'JWT' }, DEFAULT_CLAIMS),
    'jwt_malformed',
  ),
  invalid(
    'alg none',
    async () =>
      forgeJwt({ alg: 'none', typ: 'JWT' }, { ...DEFAULT_CLAIMS, exp: secondsFromNow(60) }, ''),
    'algorithm_not_allowed',
  ),
  invalid(
    'alg NONE with a signature',
    async () => forgeJwt({ alg: 'NONE' }, { ...DEFAULT_CLAIMS, exp: secondsFromNow(60) }),
    'algorithm_not_allowed',
  ),
  invalid(
    'HS256 signed with the RSA public key PEM as the secret',
    () =>
      new SignJWT({ ...DEFAULT_CLAIMS, exp: secondsFromNow(60) })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid })
        .sign(new TextEncoder().encode(key.publicPem)),
    'algorithm_not_allowed',
  ),
  invalid(
    'an embedded jwk header with the signer’s own key',
    () => mintJwt({ key: attacker, header: { jwk: attacker.publicJwk, kid: key.kid } }),
    'signature_invalid',
  ),
  invalid(
    'an embedded x5c header',
    () => mintJwt({ key: attacker, header: { x5c: ['MIIBIjAN'], kid: key.kid } }),
    'signature_invalid',
  ),
  invalid(
    'an unknown kid',
    () => mintJwt({ key: attacker, header: { kid: 'nobody' } }),
    'signature_invalid',
  ),
  invalid(
    'crit with an unknown extension',
    () =>
      new SignJWT({ ...DEFAULT_CLAIMS, exp: secondsFromNow(60) })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, crit: ['urn:x-ext'], 'urn:x-ext': 1 })
        .sign(key.privateKey, { crit: { 'urn:x-ext': true } }),
    'crit_unsupported',
  ),
  invalid(
    'exp as a string',
    () => mintJwt({ claims: { exp: String(secondsFromNow(60)) } }),
    'claim_invalid',
  ),
  invalid(
    'nbf as a string',
    () => mintJwt({ claims: { nbf: String(nowSeconds()) } }),
    'claim_invalid',
  ),
  invalid('iat as a string', () => mintJwt({ claims: { iat: 'now' } }), 'claim_invalid'),
  invalid(
    'exp as a huge number (1e300)',
    () => mintJwt({ claims: { exp: 1e300 } }),
    'claim_invalid',
  ),
  invalid(
    'exp past the year 9999',
    () => mintJwt({ claims: { exp: 253_402_300_800 } }),
    'claim_invalid',
  ),
  invalid(
    'exp overflowing to Infinity (1e400)',
    () => signRaw(payloadJson('').replace(/"exp":\d+/, '"exp":1e400')),
    'claim_invalid',
  ),
  invalid('nbf as a huge number', () => mintJwt({ claims: { nbf: 1e300 } }), 'token_not_yet_valid'),
  invalid('iat as a huge number', () => mintJwt({ claims: { iat: 1e300 } }), 'claim_invalid'),
  invalid(
    '__proto__ at the top of the payload',
    () => signRaw(payloadJson(',"__proto__":{"polluted":"yes"}')),
    'claim_invalid',
  ),
  invalid(
    '__proto__ nested in the payload',
    () => signRaw(payloadJson(',"ext":{"a":[{"__proto__":{"polluted":"yes"}}]}')),
    'claim_invalid',
  ),
  invalid(
    'a tampered payload',
    async () => {
      const [h, , s] = (await mintJwt({ claims: { preferred_username: 'jdoe' } })).split('.');
      return `${h}.${b64url({ ...DEFAULT_CLAIMS, exp: secondsFromNow(3600) })}.${s}`;
    },
    'signature_invalid',
  ),
  invalid(
    'a truncated signature',
    async () => (await mintJwt()).slice(0, -10),
    'signature_invalid',
  ),
  invalid(
    'a wrong iss (passed, and no other verifier)',
    () => mintJwt({ claims: { iss: 'https://evil.test' } }),
    'issuer_mismatch',
  ),
  invalid('no iss', () => mintJwt({ claims: { iss: undefined } }), 'issuer_mismatch'),
  invalid(
    'a wrong aud',
    () => mintJwt({ claims: { aud: 'https://other-api.test' } }),
    'audience_mismatch',
  ),
  invalid('no aud', () => mintJwt({ claims: { aud: undefined } }), 'claim_missing'),
  invalid(
    'nbf in the future',
    () => mintJwt({ claims: { nbf: secondsFromNow(600) } }),
    'token_not_yet_valid',
  ),
  invalid(
    'no sub and no client id',
    () => mintJwt({ claims: { sub: undefined } }),
    'claim_missing',
  ),
  invalid(
    'scope that is not a string',
    () => mintJwt({ claims: { scope: ['read'] } }),
    'claim_invalid',
  ),
  [
    'expired',
    bearer(() => mintJwt({ claims: { exp: secondsFromNow(-60) } })),
    401,
    MESSAGES.tokenExpired,
    INVALID_TOKEN,
    'token_expired',
  ],
  [
    'expired a long time ago (negative exp)',
    bearer(() => mintJwt({ claims: { exp: -1 } })),
    401,
    MESSAGES.tokenExpired,
    INVALID_TOKEN,
    'token_expired',
  ],
];

describe('JWT bad input through bearerAuth', () => {
  const { app, decisions } = buildApp({
    verifiers: [jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE })],
  });

  it.each(ROWS)('%s → %#', async (_name, authorization, status, message, challenge, reason) => {
    decisions.length = 0;
    const header = await authorization();
    const res = await (header === undefined
      ? request(app).get(MYSELF)
      : request(app).get(MYSELF).set('Authorization', header));
    expect(res.status).toBe(status);
    expect(res.body).toEqual(seed(message));
    expect(res.headers['www-authenticate']).toBe(challenge);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ outcome: 'reject', reason, status });
  });

  it('a 100 KB token is refused before any parsing (a server that allows such headers)', async () => {
    // Node's default 16 KB header limit answers 431 before Express runs; lift it to reach bearerAuth.
    const server = createServer({ maxHeaderSize: 256 * 1024 }, app);
    decisions.length = 0;
    await request(server)
      .get(MYSELF)
      .set('Authorization', `Bearer ${(await mintJwt()).padEnd(100 * 1024, 'a')}`)
      .expect(400)
      .expect('WWW-Authenticate', INVALID_REQUEST)
      .expect(seed(MESSAGES.tokenTooLong));
    expect(decisions).toMatchObject([{ outcome: 'reject', reason: 'token_too_long', status: 400 }]);
  });

  it('a 90 KB form-body token (under the 100 KB body limit) is refused the same way', async () => {
    const withBody = buildApp({
      verifiers: [jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE })],
      tokenLocations: ['header', 'body'],
    });
    await request(withBody.app)
      .post(MYSELF)
      .type('form')
      .send({ access_token: 'a'.repeat(90 * 1024) })
      .expect(400)
      .expect(seed(MESSAGES.tokenTooLong));
    expect(withBody.decisions).toMatchObject([{ reason: 'token_too_long' }]);
  });

  it('left Object.prototype unpolluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it.each([
    ['jku', (url: string) => ({ jku: url })],
    ['x5u', (url: string) => ({ x5u: url })],
  ])('never follows a %s header (the server sees no request)', async (_name, header) => {
    const token = await mintJwt({
      key: attacker,
      header: { ...header(`${jku.url}/jwks`), kid: attacker.kid },
    });
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${token}`)
      .expect(400)
      .expect(seed(MESSAGES.tokenInvalid));
    expect(jku.count()).toBe(0);
  });

  it('the trusted key still works beside all that', async () => {
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(200);
  });
});

describe('JWT bad input with a remote JWK Set', () => {
  let jwks: JsonServer;
  let clock = Date.now();
  beforeAll(async () => {
    jwks = await startJsonServer(() => ({ json: jwksOf(key) }));
  });
  afterAll(() => jwks.close());

  it('an unknown kid refetches the JWK Set at most once per cooldown', async () => {
    const { app, decisions } = buildApp({
      verifiers: [
        jwtVerifier({
          jwksUri: `${jwks.url}/jwks`,
          issuer: ISSUER,
          audience: AUDIENCE,
          cooldownMs: 30_000,
          now: () => clock,
        }),
      ],
    });
    const unknown = await mintJwt({ key: attacker, header: { kid: 'unknown-kid' } });
    const send = () => request(app).get(MYSELF).set('Authorization', `Bearer ${unknown}`);

    await send().expect(400).expect(seed(MESSAGES.tokenInvalid));
    expect(jwks.count('/jwks')).toBe(1); // the first fetch; no second one inside the cooldown
    for (let i = 0; i < 5; i++) await send().expect(400);
    expect(jwks.count('/jwks')).toBe(1);

    clock += 30_001;
    await send().expect(400);
    expect(jwks.count('/jwks')).toBe(2);
    await send().expect(400);
    expect(jwks.count('/jwks')).toBe(2);
    expect(decisions.every((d) => d.reason === 'key_not_found' && d.status === 400)).toBe(true);

    // The trusted key keeps working without a fetch.
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(200);
    expect(jwks.count('/jwks')).toBe(2);
  });

  it('a key the issuer rotated in is found by one refetch', async () => {
    const rotated = testKey('RS256', 'rotated');
    const { app } = buildApp({
      verifiers: [
        jwtVerifier({
          jwksUri: `${jwks.url}/rotating`,
          issuer: ISSUER,
          audience: AUDIENCE,
          now: () => clock,
        }),
      ],
    });
    jwks.setHandler((req) => ({
      json:
        req.path === '/rotating' && jwks.count('/rotating') > 1
          ? jwksOf(key, rotated)
          : jwksOf(key),
    }));
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt()}`)
      .expect(200);
    clock += 60_000;
    await request(app)
      .get(MYSELF)
      .set('Authorization', `Bearer ${await mintJwt({ key: rotated })}`)
      .expect(200);
    expect(jwks.count('/rotating')).toBe(2);
  });

  it('a JWK Set server that is down is a 503, never an accept or a 401', async () => {
    const down = await startJsonServer(() => ({ status: 500, raw: 'oops <html>' }));
    try {
      const { app, decisions } = buildApp({
        verifiers: [
          jwtVerifier({ jwksUri: `${down.url}/jwks`, issuer: ISSUER, audience: AUDIENCE }),
        ],
      });
      const res = await request(app)
        .get(MYSELF)
        .set('Authorization', `Bearer ${await mintJwt()}`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual(seed(MESSAGES.unavailable));
      expect(res.headers['retry-after']).toBe('5');
      expect(res.text).not.toContain('oops');
      expect(decisions).toMatchObject([{ outcome: 'unavailable', reason: 'upstream_error' }]);
    } finally {
      await down.close();
    }
  });
});
