/**
 * HMAC, safely: a shared secret of at least 32 / 48 / 64 bytes verifies HS256 / HS384 / HS512
 * only (RFC 7518 §3.2); a public-key verifier never accepts an HMAC token and a secret verifier
 * never an asymmetric one.
 */
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { jwtVerifier, MESSAGES, type JwtVerifierOptions } from '../../lib/index.js';
import { buildApp, getMyself, seed } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, DEFAULT_CLAIMS, ISSUER, mintJwt, nowSeconds } from '../helpers/tokens.js';

const rsa = testKey('RS256');
const decisions = { issuer: ISSUER, audience: AUDIENCE };
const noCtx = undefined as never;

function hmacToken(alg: 'HS256' | 'HS384' | 'HS512', secret: Uint8Array | string): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT({ ...DEFAULT_CLAIMS, iat: nowSeconds(), exp: nowSeconds() + 600 })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(key);
}

function constructionError(options: Record<string, unknown>): string {
  try {
    jwtVerifier({ ...decisions, ...options } as JwtVerifierOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('did not throw');
}

describe('jwtVerifier({ secret })', () => {
  it.each<['HS256' | 'HS384' | 'HS512', number]>([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ])('%s is accepted with a secret of %i bytes', async (alg, bytes) => {
    const secret = randomBytes(bytes);
    const { app } = buildApp({ verifiers: [jwtVerifier({ secret, ...decisions })] });
    const res = await getMyself(app, await hmacToken(alg, secret));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'admin' });
  });

  it('a string secret is its UTF-8 bytes', async () => {
    const secret = 'a-string-secret-of-at-least-32-bytes!';
    const verifier = jwtVerifier({ secret, ...decisions });
    expect((await verifier.verify(await hmacToken('HS256', secret), noCtx)).kind).toBe('accept');
  });

  it('a token signed with another secret is refused (signature_invalid)', async () => {
    const verifier = jwtVerifier({ secret: randomBytes(32), ...decisions });
    expect(await verifier.verify(await hmacToken('HS256', randomBytes(32)), noCtx)).toMatchObject({
      kind: 'reject',
      reason: 'signature_invalid',
    });
  });

  it('a secret of 31 bytes throws', () => {
    expect(constructionError({ secret: randomBytes(31) })).toBe(
      'jwtVerifier: "secret" option is 31 bytes long: HMAC secrets must be at least 32 bytes (HS256), 48 (HS384) or 64 (HS512), RFC 7518 §3.2',
    );
    expect(constructionError({ secret: 'x'.repeat(31) })).toMatch(/is 31 bytes long/);
  });

  it('a 32-byte secret infers HS256 only: an HS512 token is refused', async () => {
    const secret = randomBytes(32);
    const verifier = jwtVerifier({ secret, ...decisions });
    // An HS512 token signed with a 32-byte key: jose signs it, the verifier refuses the algorithm.
    expect(await verifier.verify(await hmacToken('HS512', secret), noCtx)).toMatchObject({
      kind: 'reject',
      reason: 'algorithm_not_allowed',
    });
  });

  it('algorithms naming an HS algorithm the secret is too short for throws', () => {
    expect(constructionError({ secret: randomBytes(32), algorithms: ['HS512'] })).toBe(
      'jwtVerifier: "algorithms" option: "secret" is too short for HS512 (at least 64 bytes, RFC 7518 §3.2)',
    );
  });

  it('algorithms naming an asymmetric algorithm with a secret throws', () => {
    expect(constructionError({ secret: randomBytes(32), algorithms: ['RS256'] })).toBe(
      'jwtVerifier: "algorithms" option: a "secret" verifies HS256, HS384 or HS512 only, not "RS256"',
    );
  });

  it('a secret of another type throws', () => {
    expect(constructionError({ secret: 42 })).toBe(
      'jwtVerifier: "secret" option must be a string or a Uint8Array',
    );
  });

  it('a secret and a public key together throw (exactly one key source)', () => {
    expect(constructionError({ secret: randomBytes(32), publicKey: rsa.publicPem })).toBe(
      'jwtVerifier: exactly one of "publicKey", "secret", "jwks", "jwksUri", "discovery" is required (got "publicKey" and "secret")',
    );
  });

  it('an RS256 token at a secret verifier is refused', async () => {
    const verifier = jwtVerifier({ secret: randomBytes(64), ...decisions });
    expect(await verifier.verify(await mintJwt({ key: rsa }), noCtx)).toMatchObject({
      kind: 'reject',
      reason: 'algorithm_not_allowed',
    });
  });
});

describe('HMAC at a public-key verifier', () => {
  it('an HS256 token at an RSA verifier is refused (400), whatever secret signed it', async () => {
    const { app, decisions: seen } = buildApp({
      verifiers: [jwtVerifier({ publicKey: rsa.publicPem, ...decisions })],
    });
    // The classic confusion: the RSA public key's PEM used as the HMAC secret.
    const res = await getMyself(app, await hmacToken('HS256', rsa.publicPem));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(seen.at(-1)).toMatchObject({ outcome: 'reject', reason: 'algorithm_not_allowed' });
  });

  it('an HS256 token at a JWK Set verifier is refused', async () => {
    const verifier = jwtVerifier({ jwks: { keys: [rsa.publicJwk] }, ...decisions });
    expect(await verifier.verify(await hmacToken('HS256', randomBytes(32)), noCtx)).toMatchObject({
      kind: 'reject',
      reason: 'algorithm_not_allowed',
    });
  });
});
