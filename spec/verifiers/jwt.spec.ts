import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { jwtVerifier, type JwtVerifierOptions, type VerifyContext } from '../../lib/index.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt, nowSeconds } from '../helpers/tokens.js';

const rsa = testKey('RS256');
const ec = testKey('ES256');
const ed = testKey('EdDSA');
const ctx: VerifyContext = {
  req: {} as Request,
  scheme: 'bearer' as const,
  signal: new AbortController().signal,
};
const checks = { issuer: ISSUER, audience: AUDIENCE };

describe('jwtVerifier key sources', () => {
  it.each<[string, Partial<JwtVerifierOptions>, typeof rsa]>([
    ['an RSA PEM', { publicKey: rsa.publicPem }, rsa],
    ['an RSA JWK', { publicKey: rsa.publicJwk }, rsa],
    ['an RSA KeyObject', { publicKey: rsa.publicKey }, rsa],
    ['an ES256 PEM', { publicKey: ec.publicPem }, ec],
    ['an ES256 JWK', { publicKey: ec.publicJwk }, ec],
    ['an Ed25519 (EdDSA) KeyObject', { publicKey: ed.publicKey }, ed],
    ['an Ed25519 JWK', { publicKey: ed.publicJwk }, ed],
    ['a JWK Set (RSA member)', { jwks: jwksOf(rsa, ec, ed) }, rsa],
    ['a JWK Set (EC member)', { jwks: jwksOf(rsa, ec, ed) }, ec],
    ['a JWK Set (EdDSA member)', { jwks: jwksOf(rsa, ec, ed) }, ed],
  ])('accepts a token signed for %s', async (_name, source, key) => {
    const verifier = jwtVerifier({ ...source, ...checks });
    const verdict = await verifier.verify(await mintJwt({ key }), ctx);
    expect(verdict).toMatchObject({
      kind: 'accept',
      identity: {
        subject: 'user-1',
        username: 'admin',
        scopes: ['read', 'write'],
        verifier: 'jwt',
      },
    });
  });

  it('refuses a token signed by a key outside the JWK Set', async () => {
    const verifier = jwtVerifier({ jwks: jwksOf(rsa), ...checks });
    const stranger = testKey('ES256', 'stranger');
    expect(await verifier.verify(await mintJwt({ key: stranger }), ctx)).toMatchObject({
      kind: 'reject',
      reason: 'algorithm_not_allowed',
    });
  });

  it('refuses a token of another algorithm than the key (ES256 token, RSA key)', async () => {
    const verifier = jwtVerifier({ publicKey: rsa.publicPem, ...checks });
    expect(await verifier.verify(await mintJwt({ key: ec }), ctx)).toMatchObject({
      kind: 'reject',
      reason: 'algorithm_not_allowed',
    });
  });

  it('passes an opaque token and a token from another issuer', async () => {
    const verifier = jwtVerifier({ publicKey: rsa.publicPem, ...checks });
    expect(await verifier.verify('opaque-abc', ctx)).toEqual({
      kind: 'pass',
      reason: 'token_not_jwt',
    });
    expect(
      await verifier.verify(await mintJwt({ claims: { iss: 'https://other.test' } }), ctx),
    ).toEqual({ kind: 'pass', reason: 'issuer_mismatch' });
  });

  it('accepts any of several issuers', async () => {
    const verifier = jwtVerifier({
      publicKey: rsa.publicPem,
      issuer: ['https://a.test', ISSUER],
      audience: AUDIENCE,
    });
    expect((await verifier.verify(await mintJwt(), ctx)).kind).toBe('accept');
  });

  it('uses its name in identities', async () => {
    const verifier = jwtVerifier({ publicKey: rsa.publicPem, name: 'corp', ...checks });
    expect(verifier.name).toBe('corp');
    expect(await verifier.verify(await mintJwt(), ctx)).toMatchObject({
      identity: { verifier: 'corp' },
    });
  });
});

describe('jwtVerifier claim options', () => {
  it.each<[string, Partial<JwtVerifierOptions>, Parameters<typeof mintJwt>[0], string]>([
    ['typ at+jwt given', { typ: 'at+jwt' }, { header: { typ: 'at+jwt' } }, 'accept'],
    [
      'typ application/at+jwt given',
      { typ: 'at+jwt' },
      { header: { typ: 'application/at+jwt' } },
      'accept',
    ],
    ['typ JWT when at+jwt is required', { typ: 'at+jwt' }, {}, 'typ_mismatch'],
    ['requiredClaims present', { requiredClaims: ['jti'] }, { claims: { jti: 'j' } }, 'accept'],
    ['requiredClaims missing', { requiredClaims: ['jti'] }, {}, 'claim_missing'],
    ['audience as a list', { audience: ['x', AUDIENCE] }, {}, 'accept'],
    ['aud as a list in the token', {}, { claims: { aud: ['x', AUDIENCE] } }, 'accept'],
    [
      'within the clock tolerance',
      { clockTolerance: 30 },
      { claims: { exp: nowSeconds() - 10 } },
      'accept',
    ],
    [
      'beyond the clock tolerance',
      { clockTolerance: 5 },
      { claims: { exp: nowSeconds() - 10 } },
      'token_expired',
    ],
    ['nbf within the tolerance', {}, { claims: { nbf: nowSeconds() + 3 } }, 'accept'],
  ])('%s', async (_name, options, mint, expected) => {
    const verifier = jwtVerifier({ publicKey: rsa.publicPem, ...checks, ...options });
    const verdict = await verifier.verify(await mintJwt(mint), ctx);
    if (expected === 'accept') expect(verdict.kind).toBe('accept');
    else expect(verdict).toMatchObject({ kind: 'reject', reason: expected });
  });

  it.each<
    [string, JwtVerifierOptions['usernameClaim'], Record<string, unknown>, string | undefined]
  >([
    ['default: preferred_username', undefined, {}, 'admin'],
    [
      'default: a verified email when no username claims',
      undefined,
      { preferred_username: undefined, email: 'a@x.test', email_verified: true },
      'a@x.test',
    ],
    [
      'default: an unverified email is skipped',
      undefined,
      { preferred_username: undefined, email: 'a@x.test' },
      'user-1',
    ],
    ['default: sub last', undefined, { preferred_username: undefined }, 'user-1'],
    ['a claim name', 'upn', { upn: 'jdoe@corp' }, 'jdoe@corp'],
    ['a list', ['login', 'upn'], { upn: 'u' }, 'u'],
    ['a function', (c) => String(c.sub).toUpperCase(), {}, 'USER-1'],
  ])('usernameClaim %s', async (_name, usernameClaim, claims, username) => {
    const verifier = jwtVerifier({ publicKey: rsa.publicPem, ...checks, usernameClaim });
    const verdict = await verifier.verify(await mintJwt({ claims }), ctx);
    expect(verdict).toMatchObject({ kind: 'accept' });
    expect(verdict.kind === 'accept' && verdict.identity.username).toBe(username);
  });

  it('a usernameClaim function that throws rejects the token', async () => {
    const verifier = jwtVerifier({
      publicKey: rsa.publicPem,
      ...checks,
      usernameClaim: () => {
        throw new Error('bug');
      },
    });
    expect(await verifier.verify(await mintJwt(), ctx)).toMatchObject({
      kind: 'reject',
      reason: 'claim_invalid',
    });
  });

  it('reads scopes from scope and scp, and the client id', async () => {
    const verifier = jwtVerifier({ publicKey: rsa.publicPem, ...checks });
    const verdict = await verifier.verify(
      await mintJwt({ claims: { scope: 'a b', scp: ['b', 'c'], client_id: 'web' } }),
      ctx,
    );
    expect(verdict).toMatchObject({ identity: { scopes: ['a', 'b', 'c'], clientId: 'web' } });
  });
});

describe('jwtVerifier remote keys', () => {
  let server: JsonServer;
  let issuer: string;
  beforeAll(async () => {
    server = await startJsonServer((req) => {
      if (req.path === '/.well-known/openid-configuration') {
        return { json: { issuer: server.url, jwks_uri: `${server.url}/keys` } };
      }
      if (req.path === '/bad/.well-known/openid-configuration') {
        return { json: { issuer: 'https://someone-else.test', jwks_uri: `${server.url}/keys` } };
      }
      return { json: jwksOf(rsa, ec) };
    });
    issuer = server.url;
  });
  afterAll(() => server.close());

  it('jwksUri: fetches once and verifies every key of the set', async () => {
    const before = server.count('/jwks');
    const verifier = jwtVerifier({ jwksUri: `${server.url}/jwks`, ...checks });
    expect((await verifier.verify(await mintJwt({ key: rsa }), ctx)).kind).toBe('accept');
    expect((await verifier.verify(await mintJwt({ key: ec }), ctx)).kind).toBe('accept');
    expect(server.count('/jwks') - before).toBe(1);
  });

  it('discovery: takes the issuer and jwks_uri from the discovery document', async () => {
    const verifier = jwtVerifier({ discovery: issuer, audience: AUDIENCE });
    const verdict = await verifier.verify(await mintJwt({ claims: { iss: issuer } }), ctx);
    expect(verdict).toMatchObject({ kind: 'accept', identity: { issuer } });
    expect(server.count('/.well-known/openid-configuration')).toBe(1);
    expect(server.count('/keys')).toBe(1);
    // A token from another issuer is not this verifier's.
    expect(await verifier.verify(await mintJwt(), ctx)).toEqual({
      kind: 'pass',
      reason: 'issuer_mismatch',
    });
  });

  it('discovery: a document naming another issuer is unavailable (503), not an accept', async () => {
    const verifier = jwtVerifier({ discovery: `${issuer}/bad`, audience: AUDIENCE });
    expect(
      await verifier.verify(await mintJwt({ claims: { iss: `${issuer}/bad` } }), ctx),
    ).toMatchObject({
      kind: 'unavailable',
      reason: 'upstream_invalid_response',
    });
  });
});

describe('jwtVerifier verified-token cache', () => {
  let server: JsonServer;
  beforeAll(async () => {
    server = await startJsonServer(() => ({ json: jwksOf(rsa) }));
  });
  afterAll(() => server.close());

  // maxAge and cooldown 0: every verification that is not a cache hit fetches the key set, so the
  // server's request count shows whether a token was verified again.
  const remote = (now: () => number, cache?: JwtVerifierOptions['cache']) =>
    jwtVerifier({
      jwksUri: `${server.url}/jwks`,
      ...checks,
      jwksMaxAgeMs: 0,
      cooldownMs: 0,
      now,
      ...(cache !== undefined ? { cache } : {}),
    });

  it('does not verify a token again while it is cached; forget() drops it', async () => {
    const verifier = remote(Date.now);
    const token = await mintJwt();
    const before = server.count();
    expect((await verifier.verify(token, ctx)).kind).toBe('accept');
    expect(server.count() - before).toBe(1);
    expect((await verifier.verify(token, ctx)).kind).toBe('accept');
    expect(server.count() - before).toBe(1);
    expect(verifier.forget(token)).toBe(true);
    expect((await verifier.verify(token, ctx)).kind).toBe('accept');
    expect(server.count() - before).toBe(2);
  });

  it('re-checks exp on every hit', async () => {
    let clock = Date.now();
    const verifier = remote(() => clock);
    const token = await mintJwt({ claims: { exp: Math.floor(clock / 1000) + 60 } });
    expect((await verifier.verify(token, ctx)).kind).toBe('accept');
    clock += 120_000;
    expect(await verifier.verify(token, ctx)).toMatchObject({
      kind: 'reject',
      reason: 'token_expired',
    });
  });

  it('caches nothing with cache: false', async () => {
    const verifier = remote(Date.now, false);
    const token = await mintJwt();
    const before = server.count();
    await verifier.verify(token, ctx);
    await verifier.verify(token, ctx);
    expect(server.count() - before).toBe(2);
  });

  it('does not cache refusals', async () => {
    const verifier = remote(Date.now);
    const token = await mintJwt({ claims: { aud: 'other' } });
    const before = server.count();
    await verifier.verify(token, ctx);
    await verifier.verify(token, ctx);
    expect(server.count() - before).toBe(2);
  });
});

describe('jwtVerifier remote key set shared by concurrent requests', () => {
  let server: JsonServer;
  beforeAll(async () => {
    server = await startJsonServer(() => ({ json: jwksOf(rsa), delayMs: 200 }));
  });
  afterAll(() => server.close());

  it('a client hanging up does not fail the key-set fetch for everyone else', async () => {
    const verifier = jwtVerifier({ jwksUri: `${server.url}/jwks`, ...checks });
    const token = await mintJwt();
    const hangingUp = new AbortController();
    const first = verifier.verify(token, {
      req: {} as Request,
      scheme: 'bearer',
      signal: hangingUp.signal,
    });
    const second = verifier.verify(await mintJwt({ claims: { jti: 'other' } }), ctx);
    setTimeout(() => hangingUp.abort(new Error('client closed the connection')), 50);
    await first;
    expect((await second).kind).toBe('accept');
    // And no cooldown of a fetch that never failed: a later request is accepted too.
    expect((await verifier.verify(token, ctx)).kind).toBe('accept');
    expect(server.count('/jwks')).toBe(1);
  });
});
