/**
 * The forwarded-certificate source remembers the thumbprint of each header value it parsed, so a
 * client's certificate is not parsed again on every request: the answers stay exactly those of a
 * fresh parse, per value, and a value that holds no certificate is never remembered as one.
 */
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { functionSource, headerSource } from '../../lib/binding/mtls-source.js';
import { CLIENT_A, CLIENT_B } from './certificates.js';

const source = headerSource({
  header: 'x-ssl-client-cert',
  encoding: 'pem-urlencoded',
  isTrusted: (address) => address === '127.0.0.1',
});

const request = (value: string, remoteAddress = '127.0.0.1') =>
  ({
    headers: { 'x-ssl-client-cert': value },
    rawHeaders: ['X-SSL-Client-Cert', value],
    socket: { remoteAddress },
  }) as unknown as IncomingMessage;

describe('headerSource', () => {
  it('answers each value its own thumbprint, however the values alternate', () => {
    const a = encodeURIComponent(CLIENT_A.pem);
    const b = encodeURIComponent(CLIENT_B.pem);
    const seen = [a, b, a, a, b].map((value) => source(request(value)));
    expect(seen).toEqual(
      [CLIENT_A, CLIENT_B, CLIENT_A, CLIENT_A, CLIENT_B].map((c) => ({
        kind: 'found',
        thumbprint: c.thumbprint,
      })),
    );
  });

  it('still refuses a remembered value from an untrusted address, or sent twice', () => {
    const a = encodeURIComponent(CLIENT_A.pem);
    expect(source(request(a))).toMatchObject({ kind: 'found' });
    expect(source(request(a, '127.0.0.2'))).toMatchObject({ kind: 'missing' });
    const twice = {
      headers: { 'x-ssl-client-cert': a },
      rawHeaders: ['X-SSL-Client-Cert', a, 'x-ssl-client-cert', a],
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as IncomingMessage;
    expect(source(twice)).toMatchObject({ kind: 'missing' });
  });

  it('never remembers a value without a certificate', () => {
    const broken = encodeURIComponent(CLIENT_A.pem.replace('MII', 'XXX'));
    expect(source(request(broken))).toMatchObject({ kind: 'missing' });
    expect(source(request(broken))).toMatchObject({ kind: 'missing' });
  });
});

describe('functionSource', () => {
  it('answers each returned PEM its own thumbprint, and never remembers a broken one', () => {
    const answers = [CLIENT_A.pem, CLIENT_B.pem, CLIENT_A.pem, 'not a certificate', CLIENT_B.pem];
    let next = 0;
    const source = functionSource(() => answers[next++]);
    const seen = answers.map(() => source(request('')));
    expect(seen).toEqual([
      { kind: 'found', thumbprint: CLIENT_A.thumbprint },
      { kind: 'found', thumbprint: CLIENT_B.thumbprint },
      { kind: 'found', thumbprint: CLIENT_A.thumbprint },
      { kind: 'missing', why: 'the certificate function returned no parsable certificate' },
      { kind: 'found', thumbprint: CLIENT_B.thumbprint },
    ]);
  });
});
