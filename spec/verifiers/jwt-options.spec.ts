import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, createSecretKey } from 'node:crypto';
import type { JWK } from 'jose';
import { normalizeJwtOptions, type JwtVerifierOptions } from '../../lib/verifiers/jwt-options.js';
import { jwksOf, testKey } from '../helpers/keys.js';

const rsa = testKey('RS256');
const ec = testKey('ES256');
const ed = testKey('EdDSA');
const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
const weakPem = weak.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const weakJwk = { ...(weak.publicKey.export({ format: 'jwk' }) as JWK), kid: 'weak' };
const privateJwk = { ...(rsa.privateKey.export({ format: 'jwk' }) as JWK), kid: 'private' };
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
/** Both decisions written out, for tests about something else. */
const any = { issuer: false, audience: false } as const;

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
};

describe('normalizeJwtOptions', () => {
  it('applies the defaults', () => {
    const resolved = normalizeJwtOptions({ publicKey: rsa.publicPem, ...any });
    expect(resolved).toMatchObject({
      name: 'jwt',
      issuer: false,
      audience: false,
      clockTolerance: 5,
      maxTokenAge: undefined,
      requiredClaims: [],
      requireAtJwt: false,
      trustEmail: false,
      scopeClaims: [],
      cache: { max: 10_000, ttlSeconds: 300, negativeTtlSeconds: 10 },
    });
    expect(resolved.algorithms).toEqual(RSA_ALGS);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it.each<[string, Partial<JwtVerifierOptions>, string[]]>([
    ['an RSA PEM', { publicKey: rsa.publicPem }, RSA_ALGS],
    ['an RSA KeyObject', { publicKey: rsa.publicKey }, RSA_ALGS],
    ['an RSA JWK with alg', { publicKey: rsa.publicJwk }, ['RS256']],
    ['an EC P-256 PEM', { publicKey: ec.publicPem }, ['ES256']],
    ['an Ed25519 KeyObject', { publicKey: ed.publicKey }, ['EdDSA', 'Ed25519']],
    ['a JWK Set', { jwks: jwksOf(rsa, ec) }, ['RS256', 'ES256']],
    [
      'a remote set',
      { jwksUri: 'https://id.example.test/jwks' },
      [...RSA_ALGS, 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
    ],
    ['an explicit list', { publicKey: rsa.publicPem, algorithms: ['PS256'] }, ['PS256']],
  ])('infers the algorithms from %s', (_name, options, algorithms) => {
    expect(normalizeJwtOptions({ ...any, ...options }).algorithms).toEqual(algorithms);
  });

  it('keeps the other options', () => {
    const resolved = normalizeJwtOptions({
      publicKey: rsa.publicPem,
      issuer: ['https://a.test', 'https://b.test'],
      audience: 'api',
      clockTolerance: 0,
      requiredClaims: ['jti'],
      typ: 'at+jwt',
      name: 'corp-jwt',
      cache: false,
    });
    expect(resolved).toMatchObject({
      issuer: ['https://a.test', 'https://b.test'],
      audience: ['api'],
      clockTolerance: 0,
      requiredClaims: ['jti'],
      requireAtJwt: true,
      name: 'corp-jwt',
      cache: false,
    });
  });

  it.each<[string, JwtVerifierOptions['usernameClaim'], Record<string, unknown>, unknown]>([
    ['default chain: preferred_username', undefined, { preferred_username: 'a', sub: 's' }, 'a'],
    ['default chain: upn before email', undefined, { upn: 'u', email: 'e@x' }, 'u'],
    ['default chain: an unverified email is skipped', undefined, { email: 'e@x', sub: 's' }, 's'],
    ['default chain: falls back to sub', undefined, { sub: 's' }, 's'],
    ['default chain: skips non-strings', undefined, { username: 42, sub: 's' }, 's'],
    ['a claim name', 'login', { login: 'l', preferred_username: 'p' }, 'l'],
    ['a list tried in order', ['login', 'email'], { email: 'e@x' }, 'e@x'],
    ['a list, nothing present', ['login'], { sub: 's' }, undefined],
    ['a function', (claims) => `x-${String(claims.sub)}`, { sub: 's' }, 'x-s'],
    ['a function answering a non-string', () => 42 as never, { sub: 's' }, undefined],
  ])('usernameClaim %s', (_name, usernameClaim, claims, expected) => {
    const resolved = normalizeJwtOptions({ publicKey: rsa.publicPem, usernameClaim, ...any });
    expect(resolved.usernameClaim(claims)).toBe(expected);
  });

  it('does not mutate deeply frozen options, and snapshots the JWK Set', () => {
    const jwks = jwksOf(rsa);
    const options = deepFreeze({
      jwks,
      issuer: ['https://a.test'],
      audience: 'api',
      algorithms: ['RS256'],
      requiredClaims: ['jti'],
    });
    const before = JSON.stringify(options);
    expect(() => normalizeJwtOptions(options)).not.toThrow();
    expect(JSON.stringify(options)).toBe(before);
  });

  it.each<[string, unknown, string]>([
    ['no options', undefined, 'jwtVerifier: options object is required'],
    [
      'no key source',
      { issuer: 'https://a.test' },
      'jwtVerifier: exactly one of "publicKey", "secret", "jwks", "jwksUri", "discovery" is required (got none)',
    ],
    [
      'two key sources',
      { jwks: jwksOf(rsa), jwksUri: 'https://a.test/jwks' },
      'jwtVerifier: exactly one of "publicKey", "secret", "jwks", "jwksUri", "discovery" is required (got "jwks" and "jwksUri")',
    ],
    [
      'algorithms with none',
      { publicKey: rsa.publicPem, algorithms: ['RS256', 'none'] },
      'jwtVerifier: "algorithms" option must not contain "none"',
    ],
    [
      'algorithms with HS256',
      { publicKey: rsa.publicPem, algorithms: ['HS256'] },
      'jwtVerifier: "algorithms" option must not contain "HS256" with a public key: HMAC needs the "secret" option',
    ],
    [
      'an unknown algorithm',
      { publicKey: rsa.publicPem, algorithms: ['RS257'] },
      'jwtVerifier: "algorithms" option: unsupported algorithm "RS257"',
    ],
    [
      'an algorithm the key cannot verify',
      { publicKey: rsa.publicPem, algorithms: ['ES256'] },
      'jwtVerifier: "algorithms" option: "ES256" cannot be verified with the configured key',
    ],
    [
      'empty algorithms',
      { publicKey: rsa.publicPem, algorithms: [] },
      'jwtVerifier: "algorithms" option must be a non-empty string or array of non-empty strings',
    ],
    [
      'an RSA PEM under 2048 bits',
      { publicKey: weakPem },
      'jwtVerifier: "publicKey" option is an RSA key of 1024 bits (at least 2048 are required)',
    ],
    [
      'an RSA KeyObject under 2048 bits',
      { publicKey: weak.publicKey },
      'jwtVerifier: "publicKey" option is an RSA key of 1024 bits (at least 2048 are required)',
    ],
    [
      'an RSA JWK under 2048 bits',
      { publicKey: weakJwk },
      'jwtVerifier: "publicKey" option is an RSA key of 1024 bits (at least 2048 are required)',
    ],
    [
      'a JWK Set with an RSA key under 2048 bits',
      { jwks: { keys: [rsa.publicJwk, weakJwk] } },
      'jwtVerifier: "jwks" option holds an RSA key of 1024 bits (at least 2048 are required) (kid "weak")',
    ],
    [
      'a symmetric JWK',
      { publicKey: { kty: 'oct', k: 'c2VjcmV0' } },
      'jwtVerifier: "publicKey" option is a symmetric (oct) key',
    ],
    [
      'a private JWK',
      { publicKey: privateJwk },
      'jwtVerifier: "publicKey" option is a private key',
    ],
    [
      'a JWK Set with a private key',
      { jwks: { keys: [privateJwk] } },
      'jwtVerifier: "jwks" option holds a private key (kid "private")',
    ],
    [
      'a private KeyObject',
      { publicKey: rsa.privateKey },
      'jwtVerifier: "publicKey" option must be a public key (got a private key)',
    ],
    [
      'a private key PEM',
      { publicKey: rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() },
      'jwtVerifier: "publicKey" option must be a public key (got a private key PEM)',
    ],
    [
      'a secret KeyObject',
      { publicKey: createSecretKey(Buffer.from('secret')) },
      'jwtVerifier: "publicKey" option must be a public key (got a secret key)',
    ],
    [
      'a string that is no PEM',
      { publicKey: 'not a key' },
      'jwtVerifier: "publicKey" option is not a valid public key (PEM, JWK or KeyObject)',
    ],
    [
      'a number',
      { publicKey: 42 },
      'jwtVerifier: "publicKey" option must be a PEM string, a JWK or a KeyObject',
    ],
    [
      'a JWK for encryption',
      { publicKey: { ...rsa.publicJwk, use: 'enc' } },
      'jwtVerifier: "publicKey" option is not a signing key ("use" is not "sig")',
    ],
    [
      'jwks that is no set',
      { jwks: [rsa.publicJwk] },
      'jwtVerifier: "jwks" option must be a JWK Set ({ keys: [...] })',
    ],
    ['an empty JWK Set', { jwks: { keys: [] } }, 'jwtVerifier: "jwks" option holds no keys'],
    [
      'jwksUri over plain http to another host',
      { jwksUri: 'http://id.example.test/jwks' },
      'jwtVerifier: "jwksUri" option must be an https: URL (http: is allowed for loopback hosts, or with "allowInsecureHttp: true")',
    ],
    [
      'jwksUri that is no URL',
      { jwksUri: 'not a url' },
      'jwtVerifier: "jwksUri" option is not a valid URL',
    ],
    [
      'jwksUri with credentials',
      { jwksUri: 'https://u:p@id.example.test/jwks' },
      'jwtVerifier: "jwksUri" option must not contain credentials',
    ],
    [
      'discovery with two issuers',
      { discovery: 'https://id.example.test', issuer: ['https://a.test', 'https://b.test'] },
      'jwtVerifier: "issuer" option with "discovery" must be one issuer',
    ],
    [
      'an empty issuer',
      { publicKey: rsa.publicPem, issuer: '', audience: false },
      'jwtVerifier: "issuer" option must be a non-empty string or array of non-empty strings',
    ],
    [
      'audience as a number',
      { publicKey: rsa.publicPem, issuer: false, audience: 1 },
      'jwtVerifier: "audience" option must be a string, an array of strings, or false',
    ],
    [
      'a negative clockTolerance',
      { publicKey: rsa.publicPem, clockTolerance: -1 },
      'jwtVerifier: "clockTolerance" option must be a non-negative number',
    ],
    [
      'clockTolerance as a string',
      { publicKey: rsa.publicPem, clockTolerance: '5s' },
      'jwtVerifier: "clockTolerance" option must be a non-negative number',
    ],
    [
      'usernameClaim as a number',
      { publicKey: rsa.publicPem, usernameClaim: 1 },
      'jwtVerifier: "usernameClaim" option must be a non-empty string or array of non-empty strings',
    ],
    [
      'requiredClaims with an empty name',
      { publicKey: rsa.publicPem, requiredClaims: [''] },
      'jwtVerifier: "requiredClaims" option must be a non-empty string or array of non-empty strings',
    ],
    [
      'an empty typ',
      { publicKey: rsa.publicPem, typ: 'JWT' },
      'jwtVerifier: "typ" option must be "at+jwt" (RFC 9068 access tokens only); without it, every access-token type is accepted',
    ],
    [
      'an empty name',
      { publicKey: rsa.publicPem, name: '' },
      'jwtVerifier: "name" option must be a non-empty string',
    ],
    [
      'cache as a string',
      { publicKey: rsa.publicPem, cache: 'yes' },
      'jwtVerifier: "cache" option must be an object or false',
    ],
    [
      'cache.max 0',
      { publicKey: rsa.publicPem, cache: { max: 0 } },
      'jwtVerifier: "cache.max" option must be a positive integer',
    ],
    [
      'now not a function',
      { publicKey: rsa.publicPem, now: 5 },
      'jwtVerifier: "now" option must be a function',
    ],
    [
      'a negative cooldownMs',
      { jwksUri: 'https://id.example.test/jwks', cooldownMs: -1 },
      'jwtVerifier: "cooldownMs" option must be a non-negative number',
    ],
  ])('%s → TypeError', (_name, options, message) => {
    let thrown: unknown;
    try {
      normalizeJwtOptions(options as JwtVerifierOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toBe(message);
  });
});
