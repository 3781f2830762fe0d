import { describe, expect, it } from '@jest/globals';
import { applyClientAuth, basicAuthorization, formEncode } from '../../lib/http/client-auth.js';

/** The receiving side of RFC 6749 §2.3.1: base64 → split at the first ':' → form-decode each. */
function decodeBasic(header: string): [string, string] {
  const pair = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, '%20'));
  return [decode(pair.slice(0, colon)), decode(pair.slice(colon + 1))];
}

describe('formEncode (RFC 6749 Appendix B)', () => {
  it.each([
    ['plain-Client_1.x*', 'plain-Client_1.x*'],
    ['a:b', 'a%3Ab'],
    ['100%', '100%25'],
    ['a+b', 'a%2Bb'],
    ['a b', 'a+b'],
    ['é', '%C3%A9'],
    ['🔑', '%F0%9F%94%91'],
    ['~/?#&=', '%7E%2F%3F%23%26%3D'],
  ])('%p → %p', (raw, encoded) => {
    expect(formEncode(raw)).toBe(encoded);
  });
});

describe('basicAuthorization', () => {
  it('encodes id and secret before joining them', () => {
    expect(basicAuthorization('my:client', 'p@ss word')).toBe(
      `Basic ${Buffer.from('my%3Aclient:p%40ss+word').toString('base64')}`,
    );
  });

  it.each([
    ['colon:id', 'se:cr:et'],
    ['per%cent', '%41%'],
    ['plus+id', 'a+b+c'],
    ['with space', ' leading and trailing '],
    ['ünïcødé-客户', 'пароль-🔑'],
  ])('round-trips id %p and secret %p', (id, secret) => {
    expect(decodeBasic(basicAuthorization(id, secret))).toEqual([id, secret]);
  });
});

describe('applyClientAuth', () => {
  it('client_secret_basic adds only an Authorization header', () => {
    const form = new URLSearchParams({ token: 't' });
    const headers = applyClientAuth(
      { clientId: 'a:b', clientSecret: 's s', method: 'client_secret_basic' },
      form,
    );
    expect(headers).toEqual({ authorization: basicAuthorization('a:b', 's s') });
    expect(form.toString()).toBe('token=t');
  });

  it('client_secret_post adds form fields, encoded once by the form', () => {
    const form = new URLSearchParams({ token: 't' });
    const headers = applyClientAuth(
      { clientId: 'a:b+c', clientSecret: '100% é', method: 'client_secret_post' },
      form,
    );
    expect(headers).toEqual({});
    expect(form.toString()).toBe('token=t&client_id=a%3Ab%2Bc&client_secret=100%25+%C3%A9');
  });
});
