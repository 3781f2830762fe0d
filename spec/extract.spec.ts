import { describe, expect, it } from '@jest/globals';
import { extractToken, type TokenLocation, type TokenSources } from '../lib/extract.js';

const ALL = new Set<TokenLocation>(['header', 'body', 'query']);
const HEADER = new Set<TokenLocation>(['header']);
const MAX = 64;

function sources(parts: Partial<TokenSources> = {}): TokenSources {
  return {
    authorization: [],
    query: undefined,
    body: undefined,
    method: 'POST',
    formEncoded: true,
    ...parts,
  };
}

const header = (...values: string[]) => sources({ authorization: values });

describe('extractToken: the Authorization header (RFC 6750 §2.1)', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['BeArEr abc', 'abc'],
    ['Bearer a-b.c_d~e+f/g==', 'a-b.c_d~e+f/g=='],
    ['Bearer eyJhbGciOi.eyJzdWIi.c2ln', 'eyJhbGciOi.eyJzdWIi.c2ln'],
  ])('%j → token %j', (value, token) => {
    expect(extractToken(header(value), HEADER, MAX)).toEqual({
      kind: 'token',
      token,
      location: 'header',
      scheme: 'bearer',
    });
  });

  it.each([
    ['Basic dXNlcjpwYXNz'],
    ['Digest username="a"'],
    ['Token abc'],
    ['Bearerabc'],
    ['MAC abc'],
  ])('another scheme %j → no token', (value) => {
    expect(extractToken(header(value), HEADER, MAX)).toEqual({ kind: 'none' });
  });

  it('no header → no token', () => {
    expect(extractToken(header(), HEADER, MAX)).toEqual({ kind: 'none' });
  });

  it.each([
    ['Bearer alone', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['two spaces', 'Bearer  abc'],
    ['trailing junk', 'Bearer abc def'],
    ['a comma', 'Bearer abc,def'],
    ['a quote', 'Bearer "abc"'],
    ['padding in the middle', 'Bearer ab=c'],
    ['only padding', 'Bearer ==='],
    ['a tab', 'Bearer\tabc'],
    ['non-ASCII (latin-1)', 'Bearer abcé'],
    ['non-ASCII (UTF-16)', 'Bearer ключ'],
    ['a NUL', 'Bearer abc\u0000'],
    ['a percent sign', 'Bearer abc%20'],
  ])('%s → malformed', (_name, value) => {
    expect(extractToken(header(value), HEADER, MAX)).toEqual({
      kind: 'error',
      reason: 'token_malformed',
    });
  });

  it('two Authorization header lines → malformed', () => {
    expect(extractToken(header('Bearer abc', 'Bearer abc'), HEADER, MAX)).toEqual({
      kind: 'error',
      reason: 'token_malformed',
    });
  });

  it.each([
    ['exactly the cap', 'a'.repeat(MAX), 'token'],
    ['one over the cap', 'a'.repeat(MAX + 1), 'token_too_long'],
    ['over the cap and malformed', `${'a'.repeat(MAX)} junk!`, 'token_too_long'],
    ['over the cap and non-ASCII', 'é'.repeat(MAX + 1), 'token_too_long'],
  ])('length cap, checked first: %s', (_name, token, expected) => {
    const result = extractToken(header(`Bearer ${token}`), HEADER, MAX);
    if (expected === 'token')
      expect(result).toEqual({ kind: 'token', token, location: 'header', scheme: 'bearer' });
    else expect(result).toEqual({ kind: 'error', reason: expected });
  });

  it('ignores the header when tokenLocations leaves it out', () => {
    expect(extractToken(header('Bearer abc'), new Set(['query']), MAX)).toEqual({ kind: 'none' });
  });
});

describe('extractToken: form body and query (RFC 6750 §2.2, §2.3)', () => {
  it.each<[string, Partial<TokenSources>, ReadonlySet<TokenLocation>, unknown]>([
    [
      'body, enabled',
      { body: 'abc' },
      ALL,
      { kind: 'token', token: 'abc', location: 'body', scheme: 'bearer' },
    ],
    ['body, not enabled', { body: 'abc' }, HEADER, { kind: 'none' }],
    ['body, not form-encoded', { body: 'abc', formEncoded: false }, ALL, { kind: 'none' }],
    ['body, on a GET', { body: 'abc', method: 'GET' }, ALL, { kind: 'none' }],
    ['body, on a lower-case get', { body: 'abc', method: 'get' }, ALL, { kind: 'none' }],
    [
      'body, on a PUT',
      { body: 'abc', method: 'PUT' },
      ALL,
      { kind: 'token', token: 'abc', location: 'body', scheme: 'bearer' },
    ],
    [
      'query, enabled',
      { query: 'abc' },
      ALL,
      { kind: 'token', token: 'abc', location: 'query', scheme: 'bearer' },
    ],
    ['query, not enabled', { query: 'abc' }, HEADER, { kind: 'none' }],
    [
      'query, on a GET',
      { query: 'abc', method: 'GET' },
      ALL,
      { kind: 'token', token: 'abc', location: 'query', scheme: 'bearer' },
    ],
    [
      'repeated query parameter',
      { query: ['abc', 'abc'] },
      ALL,
      { kind: 'error', reason: 'token_malformed' },
    ],
    [
      'repeated body parameter',
      { body: ['abc', 'def'] },
      ALL,
      { kind: 'error', reason: 'token_malformed' },
    ],
    [
      'nested query parameter',
      { query: { a: 'b' } },
      ALL,
      { kind: 'error', reason: 'token_malformed' },
    ],
    ['empty query parameter', { query: '' }, ALL, { kind: 'error', reason: 'token_malformed' }],
    ['query with a space', { query: 'abc def' }, ALL, { kind: 'error', reason: 'token_malformed' }],
    [
      'query over the cap',
      { query: 'a'.repeat(MAX + 1) },
      ALL,
      { kind: 'error', reason: 'token_too_long' },
    ],
    [
      'body over the cap',
      { body: '!'.repeat(MAX + 1) },
      ALL,
      { kind: 'error', reason: 'token_too_long' },
    ],
  ])('%s', (_name, parts, locations, expected) => {
    expect(extractToken(sources(parts), locations, MAX)).toEqual(expected);
  });

  it.each<[string, Partial<TokenSources>]>([
    ['header and query', { authorization: ['Bearer abc'], query: 'abc' }],
    ['header and body', { authorization: ['Bearer abc'], body: 'abc' }],
    ['body and query', { body: 'abc', query: 'def' }],
    ['all three', { authorization: ['Bearer abc'], body: 'abc', query: 'abc' }],
  ])('a token in two locations (%s) → 400 reason token_multiple_locations', (_name, parts) => {
    expect(extractToken(sources(parts), ALL, MAX)).toEqual({
      kind: 'error',
      reason: 'token_multiple_locations',
    });
  });

  it('a non-Bearer header beside a query token is not a second token', () => {
    expect(
      extractToken(sources({ authorization: ['Basic dXNlcg=='], query: 'abc' }), ALL, MAX),
    ).toEqual({ kind: 'token', token: 'abc', location: 'query', scheme: 'bearer' });
  });
});
