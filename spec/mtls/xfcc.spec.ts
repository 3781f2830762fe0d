import { describe, expect, it } from '@jest/globals';
import { decodeXfcc, parseXfcc } from '../../lib/binding/mtls-xfcc.js';
import { CLIENT_A, CLIENT_B } from './certificates.js';

const certA = encodeURIComponent(CLIENT_A.pem);
const certB = encodeURIComponent(CLIENT_B.pem);

describe('parseXfcc (Envoy x-forwarded-client-cert grammar)', () => {
  it('splits elements on commas and pairs on semicolons, keys case-insensitive', () => {
    expect(parseXfcc('By=spiffe://a;Hash=123,BY=spiffe://b;uri=spiffe://c')).toEqual([
      [
        ['by', 'spiffe://a'],
        ['hash', '123'],
      ],
      [
        ['by', 'spiffe://b'],
        ['uri', 'spiffe://c'],
      ],
    ]);
  });

  it('reads quoted values holding commas, semicolons, equals signs and escaped quotes', () => {
    expect(parseXfcc('Subject="/C=US/CN=Test, Client;x";DNS="a\\"b"')).toEqual([
      [
        ['subject', '/C=US/CN=Test, Client;x'],
        ['dns', 'a"b'],
      ],
    ]);
  });

  it('accepts the ", " Node puts between joined header lines', () => {
    expect(parseXfcc('By=a, By=b')).toEqual([[['by', 'a']], [['by', 'b']]]);
  });

  it.each([
    [''],
    ['   '],
    ['By'],
    ['=x'],
    ['By=a;'],
    ['By=a,'],
    ['By=a,,By=b'],
    ['By="a'],
    ['By="a"x'],
    ['By=a"b'],
    ['By=a=b'],
    ['By="a\\'],
    ['B y=a'],
  ])('refuses %j', (value) => {
    expect(parseXfcc(value)).toBeUndefined();
  });
});

describe('decodeXfcc', () => {
  it("takes the last element's Cert: the one the nearest proxy appended", () => {
    expect(decodeXfcc(`By=x;Cert="${certB}",By=y;Cert="${certA}"`)).toBe(CLIENT_A.pem);
    expect(decodeXfcc(`Cert="${certA}";By=y`)).toBe(CLIENT_A.pem);
  });

  it('has no certificate when the last element has none, even if an earlier one does', () => {
    expect(decodeXfcc(`Cert="${certA}",By=y`)).toBeUndefined();
  });

  it('has no certificate when the last element has two', () => {
    expect(decodeXfcc(`Cert="${certA}";Cert="${certB}"`)).toBeUndefined();
  });

  it('has no certificate when any part of the header is malformed', () => {
    expect(decodeXfcc(`By="broken,Cert="${certA}"`)).toBeUndefined();
  });
});
