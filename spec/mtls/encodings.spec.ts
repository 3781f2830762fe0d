import { describe, expect, it } from '@jest/globals';
import { certificateThumbprint } from '../../lib/binding/mtls-thumbprint.js';
import {
  decodeCertificateHeader,
  type CertificateEncoding,
} from '../../lib/binding/mtls-encodings.js';
import { CLIENT_A, CLIENT_B } from './certificates.js';
import { X509Certificate } from 'node:crypto';

const b64 = CLIENT_A.der.toString('base64');
const thumb = (encoding: CertificateEncoding, value: string) => {
  const decoded = decodeCertificateHeader(encoding, value);
  return decoded === undefined ? undefined : certificateThumbprint(decoded);
};

describe('certificateThumbprint', () => {
  it('is base64url SHA-256 of the DER, whatever form the certificate comes in', () => {
    expect(certificateThumbprint(CLIENT_A.der)).toBe(CLIENT_A.thumbprint);
    expect(certificateThumbprint(CLIENT_A.pem)).toBe(CLIENT_A.thumbprint);
    expect(certificateThumbprint(new X509Certificate(CLIENT_A.pem))).toBe(CLIENT_A.thumbprint);
    expect(certificateThumbprint(CLIENT_B.pem)).toBe(CLIENT_B.thumbprint);
    expect(CLIENT_A.thumbprint).not.toBe(CLIENT_B.thumbprint);
  });

  it.each([
    ['empty string', ''],
    ['empty buffer', Buffer.alloc(0)],
    ['random bytes', Buffer.from('not a certificate at all')],
    ['a truncated DER', CLIENT_A.der.subarray(0, 100)],
    ['two PEM blocks', CLIENT_A.pem + CLIENT_B.pem],
    ['PEM with text around it', `hello\n${CLIENT_A.pem}`],
    ['a private key', CLIENT_A.key],
    ['a number', 42],
    ['null', null],
  ])('is undefined for %s', (_name, value) => {
    expect(certificateThumbprint(value)).toBeUndefined();
  });
});

describe('decodeCertificateHeader', () => {
  it.each<[CertificateEncoding, string]>([
    ['rfc9440', `:${b64}:`],
    ['rfc9440', ` :${b64}: `],
    ['rfc9440', `:${b64.replace(/=+$/, '')}:`],
    ['der-base64', b64],
    ['pem-urlencoded', encodeURIComponent(CLIENT_A.pem)],
    ['xfcc', `Hash=abc;Cert="${encodeURIComponent(CLIENT_A.pem)}";Subject="CN=a,O=b"`],
    ['xfcc', `By=spiffe://proxy;Cert=${encodeURIComponent(CLIENT_A.pem)};URI=spiffe://client`],
  ])('%s: %s decodes to the certificate', (encoding, value) => {
    expect(thumb(encoding, value)).toBe(CLIENT_A.thumbprint);
  });

  it.each<[CertificateEncoding, string]>([
    ['rfc9440', b64], // not an sf-binary
    ['rfc9440', `:${b64}`],
    ['rfc9440', `:${b64}:, :${b64}:`], // a list, not an item
    ['rfc9440', `:${b64.replace(/[A-Z]/, '-')}:`], // base64url alphabet is not sf-binary
    ['rfc9440', '::'],
    ['rfc9440', `:${Buffer.from('garbage').toString('base64')}:`],
    ['der-base64', `${b64}!`],
    ['der-base64', ''],
    ['der-base64', CLIENT_A.pem],
    ['pem-urlencoded', '%E0%A4%A'], // broken percent-encoding
    [
      'pem-urlencoded',
      encodeURIComponent('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
    ],
    ['pem-urlencoded', encodeURIComponent(CLIENT_A.pem + CLIENT_B.pem)],
    ['xfcc', 'By=spiffe://proxy'], // no Cert
    ['xfcc', `Cert="${encodeURIComponent(CLIENT_A.pem)}`], // unterminated quote
    ['xfcc', `Cert=${encodeURIComponent(CLIENT_A.pem)};Cert=${encodeURIComponent(CLIENT_B.pem)}`],
    ['xfcc', 'garbage'],
  ])('%s: %s is no certificate', (encoding, value) => {
    expect(thumb(encoding, value)).toBeUndefined();
  });
});
