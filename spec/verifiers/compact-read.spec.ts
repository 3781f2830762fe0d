/**
 * readCompact reads each part of a compact JWS once and must see the token exactly as jose's
 * `decodeProtectedHeader` and `decodeJwt` see it (which header it refuses, which payload it
 * takes), and call a part canonical exactly when decoding and encoding it again gives it back.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { readCompact } from '../../lib/verifiers/compact-read.js';

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** What jose says, or `undefined` where it throws. */
function joseRead(token: string) {
  let header: unknown;
  let payload: unknown;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    header = undefined;
  }
  try {
    payload = decodeJwt(token);
  } catch {
    payload = undefined;
  }
  return { header, payload };
}

/** The same bytes spelled with the last character's unused bits set (when it has any). */
function strayBits(part: string): string {
  if (part.length % 4 === 0) return part;
  const last = B64URL.indexOf(part.at(-1) as string);
  return `${part.slice(0, -1)}${B64URL[last + 1] as string}`;
}

const decodedAgain = (part: string) =>
  Buffer.from(part, 'base64url').toString('base64url') === part;

/** Parts a token may carry: JSON objects and not, BOMs, odd lengths, stray bits. */
const part = fc.oneof(
  fc.constantFrom(
    b64('{"alg":"RS256","typ":"JWT"}'),
    b64('{"sub":"u1","exp":1767225600}'),
    b64(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"alg":"RS256"}')])),
    b64('[1,2]'),
    b64('"text"'),
    b64('null'),
    b64('{"alg":'),
    b64(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), // {"\xff":1}: not UTF-8
    b64('{"__proto__":{"x":1}}'),
    `${b64('{"abc":1}')}A`, // one character over (13 characters): no byte ends there
    strayBits(b64('{"alg":"RS256","typ":"JWT"}')),
    strayBits(b64('{"sub":"u1"}')),
  ),
  fc.string({ unit: fc.constantFrom(...B64URL), minLength: 1, maxLength: 24 }),
  fc.json().map((text) => b64(text)),
  fc.json().map((text) => strayBits(b64(text))),
);

describe('readCompact', () => {
  it('agrees with jose on the header and payload, and on canonical parts', () => {
    fc.assert(
      fc.property(part, part, fc.oneof(part, fc.constant('')), (h, p, s) => {
        const token = `${h}.${p}.${s}`;
        const read = readCompact(token);
        const jose = joseRead(token);
        expect(read?.header).toEqual(jose.header);
        if (read) {
          expect(read.payload).toEqual(jose.payload);
          expect(read.canonical).toBe([h, p, s].every(decodedAgain));
          expect(read.parts.signingInput).toBe(`${h}.${p}`);
          expect(read.parts.signature.equals(Buffer.from(s, 'base64url'))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a JWS whose header has a byte-order mark as jose does', () => {
    const header = b64(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"alg":"none"}')]),
    );
    const read = readCompact(`${header}.${b64('{"sub":"u1"}')}.`);
    expect(read?.header).toEqual({ alg: 'none' });
    expect(read?.payload).toEqual({ sub: 'u1' });
  });

  it.each([
    ['two parts', `${b64('{"alg":"RS256"}')}.${b64('{}')}`],
    ['four parts', `${b64('{"alg":"RS256"}')}.${b64('{}')}.x.y`],
    ['padding', `${b64('{"alg":"RS256"}')}=.${b64('{}')}.x`],
    ['a header that is an array', `${b64('[]')}.${b64('{}')}.x`],
    ['an empty header', `.${b64('{}')}.x`],
  ])('is not a JWS: %s', (_, token) => {
    expect(readCompact(token)).toBeUndefined();
  });

  it('marks a part spelled with its unused bits set as not canonical', () => {
    const payload = b64('{"a":1}'); // 'eyJhIjoxfQ': its last character carries 4 unused bits
    const twin = strayBits(payload);
    expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(payload, 'base64url'));
    const read = readCompact(`${b64('{"alg":"RS256"}')}.${twin}.`);
    expect(read?.payload).toEqual({ a: 1 });
    expect(read?.canonical).toBe(false);
  });
});
