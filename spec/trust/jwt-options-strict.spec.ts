/**
 * Configuration that silently does nothing: jwtVerifier refuses every option key it does not
 * know, naming it, and says what to write for names other libraries use.
 */
import { describe, expect, it } from '@jest/globals';
import { jwtVerifier, type JwtVerifierOptions } from '../../lib/index.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER } from '../helpers/tokens.js';

const key = testKey('RS256');
const safe = { publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE };

function constructionError(options: Record<string, unknown>): string {
  try {
    jwtVerifier(options as unknown as JwtVerifierOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('did not throw');
}

describe('unknown options throw, naming the key', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'audiance (a typo)',
      { publicKey: key.publicPem, issuer: ISSUER, audiance: AUDIENCE },
      'jwtVerifier: unknown option "audiance" (did you mean "audience"?)',
    ],
    [
      'issuerBaseURL (express-oauth2-jwt-bearer)',
      { issuerBaseURL: 'https://id.example.test', audience: AUDIENCE },
      'jwtVerifier: unknown option "issuerBaseURL": write "discovery": <issuer URL> (the issuer is then checked against its metadata document)',
    ],
    [
      'maxAge (jsonwebtoken)',
      { ...safe, maxAge: 600 },
      'jwtVerifier: unknown option "maxAge": write "maxTokenAge" (seconds since the token\'s iat)',
    ],
    [
      'tokenSigningAlg (express-oauth2-jwt-bearer)',
      { ...safe, tokenSigningAlg: 'RS256' },
      'jwtVerifier: unknown option "tokenSigningAlg": write "algorithms": [<alg>]',
    ],
    [
      'secretOrKey (passport-jwt)',
      { ...safe, secretOrKey: 'x' },
      'jwtVerifier: unknown option "secretOrKey": write "publicKey" (PEM, JWK or KeyObject) or "secret" (HMAC, at least 32 bytes)',
    ],
    [
      'agent (express-oauth2-jwt-bearer)',
      { ...safe, agent: {} },
      'jwtVerifier: unknown option "agent": write "dispatcher" (an undici Dispatcher) on the verifier that makes the call',
    ],
    [
      'expectedAudience (a provider preset option)',
      { ...safe, expectedAudience: 'x' },
      'jwtVerifier: unknown option "expectedAudience": write "audience"',
    ],
    ['a made-up key', { ...safe, frobnicate: true }, 'jwtVerifier: unknown option "frobnicate"'],
  ])('%s', (_name, options, message) => {
    expect(constructionError(options)).toBe(message);
  });

  it('secret with publicKey: exactly one key source', () => {
    expect(constructionError({ ...safe, secret: 'x'.repeat(32) })).toBe(
      'jwtVerifier: exactly one of "publicKey", "secret", "jwks", "jwksUri", "discovery" is required (got "publicKey" and "secret")',
    );
  });

  it('an option set to undefined is absent', () => {
    expect(() => jwtVerifier({ ...safe, maxTokenAge: undefined })).not.toThrow();
    expect(() =>
      jwtVerifier({ ...safe, ...({ audiance: undefined } as Record<string, unknown>) }),
    ).not.toThrow();
  });

  it('the nested cache object refuses unknown keys too', () => {
    expect(constructionError({ ...safe, cache: { max: 10, ttl: 60 } })).toBe(
      'jwtVerifier: "cache": unknown option "ttl"',
    );
    expect(constructionError({ ...safe, cache: { maxx: 10 } })).toBe(
      'jwtVerifier: "cache": unknown option "maxx" (did you mean "max"?)',
    );
    expect(() =>
      jwtVerifier({ ...safe, cache: { max: 10, ttlSeconds: 60, negativeTtlSeconds: 1 } }),
    ).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'trustEmail a string',
      { trustEmail: 'yes' },
      'jwtVerifier: "trustEmail" option must be a boolean',
    ],
    [
      'scopeClaims an empty list',
      { scopeClaims: [] },
      'jwtVerifier: "scopeClaims" option must be a non-empty string or array of non-empty strings',
    ],
    [
      'retryAfterSeconds negative',
      { retryAfterSeconds: -1 },
      'jwtVerifier: "retryAfterSeconds" option must be a non-negative number',
    ],
  ])('%s throws', (_name, extra, message) => {
    expect(constructionError({ ...safe, ...extra })).toBe(message);
  });
});
