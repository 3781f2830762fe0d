/**
 * Time and claim types: `iat` in the future, `maxTokenAge`, and registered claims of the wrong
 * RFC 7519 type — through the middleware for the answers, and at the verifier for the reasons.
 */
import { describe, expect, it } from '@jest/globals';
import { jwtVerifier, MESSAGES } from '../../lib/index.js';
import { buildApp, getMyself, seed } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt, nowSeconds } from '../helpers/tokens.js';

const key = testKey('RS256');
const safe = { publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE };
const noCtx = undefined as never;

describe('iat', () => {
  it('iat an hour ahead is refused (400 token_issued_in_future)', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwtVerifier(safe)] });
    const token = await mintJwt({
      claims: { iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 },
    });
    const res = await getMyself(app, token);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'token_issued_in_future' });
  });

  it('iat within the clock tolerance is accepted', async () => {
    const verifier = jwtVerifier({ ...safe, clockTolerance: 30 });
    const token = await mintJwt({ claims: { iat: nowSeconds() + 20 } });
    expect((await verifier.verify(token, noCtx)).kind).toBe('accept');
  });
});

describe('maxTokenAge', () => {
  it('maxTokenAge: a token older than maxTokenAge is 401 Token Expired (token_too_old)', async () => {
    const { app, decisions } = buildApp({
      verifiers: [jwtVerifier({ ...safe, maxTokenAge: 600 })],
    });
    const token = await mintJwt({ claims: { iat: nowSeconds() - 3600 } });
    const res = await getMyself(app, token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(seed(MESSAGES.tokenExpired));
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'token_too_old' });
  });

  it('maxTokenAge: a token without iat is 400 (claim_missing)', async () => {
    const { app, decisions } = buildApp({
      verifiers: [jwtVerifier({ ...safe, maxTokenAge: 600 })],
    });
    const res = await getMyself(app, await mintJwt({ claims: { iat: undefined } }));
    expect(res.status).toBe(400);
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'claim_missing' });
  });

  it('maxTokenAge is checked again on a cache hit', async () => {
    let now = Date.now();
    const verifier = jwtVerifier({ ...safe, maxTokenAge: 600, now: () => now });
    const token = await mintJwt({ claims: { iat: Math.floor(now / 1000) } });
    expect((await verifier.verify(token, noCtx)).kind).toBe('accept');
    now += 601_000 + 5_000; // past maxTokenAge and the clock tolerance, before exp
    expect(await verifier.verify(token, noCtx)).toMatchObject({
      kind: 'reject',
      reason: 'token_too_old',
    });
  });

  it('expiry is checked again on a cache hit', async () => {
    let now = Date.now();
    const verifier = jwtVerifier({ ...safe, now: () => now });
    const token = await mintJwt({ claims: { exp: Math.floor(now / 1000) + 60 } });
    expect((await verifier.verify(token, noCtx)).kind).toBe('accept');
    now += 120_000;
    expect(await verifier.verify(token, noCtx)).toMatchObject({
      kind: 'reject',
      reason: 'token_expired',
    });
  });

  it('a negative maxTokenAge throws', () => {
    expect(() => jwtVerifier({ ...safe, maxTokenAge: -1 })).toThrow(
      new TypeError('jwtVerifier: "maxTokenAge" option must be a non-negative number'),
    );
  });
});

describe('registered claims have their RFC 7519 types', () => {
  it('jti: true is refused (claim_invalid), through the middleware as 400', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwtVerifier(safe)] });
    const res = await getMyself(app, await mintJwt({ claims: { jti: true } }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'claim_invalid' });
  });

  it.each<[string, Record<string, unknown>]>([
    ['jti a number', { jti: 7 }],
    ['sub a number', { sub: 42 }],
    ['client_id an object', { client_id: { id: 'x' } }],
    ['aud a number (audience: false)', { aud: 1 }],
    ['aud a list holding a number (audience: false)', { aud: ['a', 1] }],
    ['iss an array (issuer: false)', { iss: ['a'] }],
    ['iat a string', { iat: '1700000000' }],
    ['nbf a boolean', { nbf: true }],
  ])('%s is claim_invalid', async (_name, claims) => {
    const verifier = jwtVerifier({ ...safe, issuer: false, audience: false });
    expect(await verifier.verify(await mintJwt({ claims }), noCtx)).toMatchObject({
      kind: 'reject',
      reason: 'claim_invalid',
    });
  });

  it('string jti, sub, client_id and a list aud are accepted', async () => {
    const token = await mintJwt({
      claims: { jti: 'j-1', sub: 's-1', client_id: 'c-1', aud: [AUDIENCE, 'x'] },
    });
    expect(await jwtVerifier(safe).verify(token, noCtx)).toMatchObject({
      kind: 'accept',
      identity: { subject: 's-1', clientId: 'c-1' },
    });
  });
});
