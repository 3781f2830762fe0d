import { describe, expect, it } from '@jest/globals';
import { cleanTokenInput, decodeToken, fingerprint } from '../../lib/cli/decode.js';
import { b64url, forgeJwt } from '../helpers/tokens.js';

describe('decodeToken', () => {
  it('reads a JWS header and claims without checking the signature', () => {
    const token = forgeJwt({ alg: 'RS256', kid: 'k1' }, { sub: 'u1', exp: 5 });
    expect(decodeToken(token)).toEqual({
      kind: 'jwt',
      fingerprint: fingerprint(token),
      length: token.length,
      header: { alg: 'RS256', kid: 'k1' },
      claims: { sub: 'u1', exp: 5 },
      signed: true,
    });
  });

  it('notices an empty signature', () => {
    const token = forgeJwt({ alg: 'none' }, { sub: 'u1' }, '');
    expect(decodeToken(token)).toMatchObject({ kind: 'jwt', signed: false });
  });

  it('reads only the header of a JWE', () => {
    const token = `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`;
    expect(decodeToken(token)).toEqual({
      kind: 'jwe',
      fingerprint: fingerprint(token),
      length: token.length,
      header: { alg: 'RSA-OAEP', enc: 'A256GCM' },
    });
  });

  it.each([
    ['an opaque random string', 'Zm9vYmFyYmF6cXV4', 'opaque'],
    ['two segments', 'abc.def', 'opaque'],
    ['dots but not base64url', 'a+b.c/d.e', 'opaque'],
    ['a header that is not JSON', `${b64url('nope')}.${b64url({})}.sig`, 'malformed-jwt'],
    ['a header that is an array', `${b64url([1])}.${b64url({})}.sig`, 'malformed-jwt'],
    [
      'a payload that is not JSON',
      `${b64url({ alg: 'RS256' })}.${b64url('x')}.sig`,
      'malformed-jwt',
    ],
  ])('calls %s "%s"', (_label, token, kind) => {
    expect(decodeToken(token).kind).toBe(kind);
  });
});

describe('fingerprint', () => {
  it('is sha256: and the first 12 hex digits of the SHA-256', () => {
    expect(fingerprint('abc')).toBe('sha256:ba7816bf8f01');
  });
});

describe('cleanTokenInput', () => {
  it.each([
    ['  abc \n', 'abc'],
    ['Bearer abc', 'abc'],
    ['bearer   abc', 'abc'],
    ['Authorization: Bearer abc\n', 'abc'],
  ])('turns %j into %j', (input, token) => {
    expect(cleanTokenInput(input)).toBe(token);
  });
});
