import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { bindCertificate as bindWith } from '../../lib/binding/mtls-bind.js';
import {
  normalizeMtlsOptions,
  type MtlsOptions,
  type ResolvedMtlsOptions,
} from '../../lib/binding/mtls-options.js';
import type { Identity } from '../../lib/types.js';
import { CLIENT_A, CLIENT_B } from './certificates.js';

/** A request as Node would hand it over, from `remoteAddress`, with these raw header lines. */
function fakeRequest(remoteAddress: string, lines: Array<[string, string]> = []): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of lines) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  return {
    socket: { remoteAddress },
    headers,
    rawHeaders: lines.flat(),
  } as unknown as IncomingMessage;
}

/** The bind stage's call: the certificate is looked up lazily, through the resolved source. */
const bindCertificate = (id: Identity, req: IncomingMessage, mtls: ResolvedMtlsOptions) =>
  bindWith(id, mtls.required, () => mtls.certificate(req));

const identity = (x5tS256?: string, jkt?: string): Identity => ({
  subject: 'u1',
  scopes: [],
  claims: {},
  serviceAccount: false,
  verifier: 'test',
  ...(x5tS256 || jkt ? { confirmation: { x5tS256, jkt } } : {}),
});

describe('normalizeMtlsOptions', () => {
  it('is undefined when absent and never mutates or keeps the caller object', () => {
    expect(normalizeMtlsOptions(undefined)).toBeUndefined();
    const options = Object.freeze({
      certificate: Object.freeze({
        encoding: 'rfc9440' as const,
        trustedProxies: Object.freeze(['10.0.0.1']),
      }),
    });
    const resolved = normalizeMtlsOptions(options);
    expect(resolved?.required).toBe(false);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'socket', /"mtls" option must be an object/],
    [
      'an unknown key',
      { certificate: 'socket', requried: true },
      /unknown option "requried" \(did you mean "required"\?\)/,
    ],
    [
      'a foreign name',
      { certificate: 'socket', getCertificate: () => undefined },
      /unknown option "getCertificate"/,
    ],
    ['no certificate', {}, /"mtls.certificate" option must be 'socket'/],
    ['an unknown source', { certificate: 'tls' }, /"mtls.certificate" option must be 'socket'/],
    [
      'a non-boolean required',
      { certificate: 'socket', required: 'yes' },
      /"mtls.required" option must be a boolean/,
    ],
    [
      'an unknown encoding',
      { certificate: { encoding: 'pem' } },
      /"mtls.certificate.encoding" option must be one of/,
    ],
    [
      'an unknown forwarded key',
      { certificate: { encoding: 'xfcc', trustedProxy: [] } },
      /unknown option "trustedProxy"/,
    ],
    [
      'no header for pem-urlencoded',
      { certificate: { encoding: 'pem-urlencoded' } },
      /"mtls.certificate.header" option is required with encoding 'pem-urlencoded'/,
    ],
    [
      'no header for der-base64',
      { certificate: { encoding: 'der-base64' } },
      /"mtls.certificate.header" option is required/,
    ],
    [
      'a bad header name',
      { certificate: { encoding: 'rfc9440', header: 'client cert' } },
      /must be a header name/,
    ],
    [
      'a bad proxy',
      { certificate: { encoding: 'rfc9440', trustedProxies: ['10.0.0.0/40'] } },
      /trustedProxies" entry "10.0.0.0\/40" has an invalid prefix length/,
    ],
  ])('throws a TypeError for %s', (_name, value, message) => {
    expect(() => normalizeMtlsOptions(value as MtlsOptions)).toThrow(TypeError);
    expect(() => normalizeMtlsOptions(value as MtlsOptions)).toThrow(message);
  });
});

describe('bindCertificate with a forwarded header', () => {
  const mtls = normalizeMtlsOptions({
    certificate: { encoding: 'rfc9440', trustedProxies: ['10.0.0.0/8'] },
  })!;
  const header = (cert = CLIENT_A): [string, string] => [
    'Client-Cert',
    `:${cert.der.toString('base64')}:`,
  ];

  it('proves a bound token with its certificate from a trusted proxy', () => {
    expect(
      bindCertificate(identity(CLIENT_A.thumbprint), fakeRequest('10.1.1.1', [header()]), mtls),
    ).toEqual({ kind: 'proven' });
  });

  it('refuses another certificate', () => {
    expect(
      bindCertificate(
        identity(CLIENT_A.thumbprint),
        fakeRequest('10.1.1.1', [header(CLIENT_B)]),
        mtls,
      ),
    ).toEqual({ kind: 'refused', reason: 'certificate_mismatch' });
  });

  it('ignores the header from an untrusted address', () => {
    expect(
      bindCertificate(identity(CLIENT_A.thumbprint), fakeRequest('127.0.0.2', [header()]), mtls),
    ).toMatchObject({
      kind: 'refused',
      reason: 'certificate_missing',
      cause: expect.stringMatching(/untrusted/),
    });
  });

  it('has no certificate with two header lines, even two equal ones', () => {
    expect(
      bindCertificate(
        identity(CLIENT_A.thumbprint),
        fakeRequest('10.1.1.1', [header(), header()]),
        mtls,
      ),
    ).toMatchObject({
      kind: 'refused',
      reason: 'certificate_missing',
      cause: expect.stringMatching(/more than one/),
    });
  });

  it('does not look at the certificate of an unbound token', () => {
    expect(bindCertificate(identity(), fakeRequest('127.0.0.2', [header()]), mtls)).toEqual({
      kind: 'unbound',
    });
    expect(bindCertificate(identity(undefined, 'jkt'), fakeRequest('127.0.0.2'), mtls)).toEqual({
      kind: 'unbound',
    });
  });

  it('with required, refuses a token that is not certificate-bound', () => {
    const strict = normalizeMtlsOptions({ certificate: 'socket', required: true })!;
    expect(bindCertificate(identity(), fakeRequest('10.1.1.1'), strict)).toEqual({
      kind: 'refused',
      reason: 'certificate_binding_required',
    });
    expect(bindCertificate(identity(undefined, 'jkt'), fakeRequest('10.1.1.1'), strict)).toEqual({
      kind: 'refused',
      reason: 'certificate_binding_required',
    });
  });

  it('the socket source on a plain TCP connection has no certificate', () => {
    const socket = normalizeMtlsOptions({ certificate: 'socket' })!;
    expect(
      bindCertificate(identity(CLIENT_A.thumbprint), fakeRequest('10.1.1.1'), socket),
    ).toMatchObject({ kind: 'refused', reason: 'certificate_missing' });
  });
});

describe('bindCertificate with a function', () => {
  it.each([
    ['an X509Certificate', () => new X509Certificate(CLIENT_A.pem)],
    ['a PEM string', () => CLIENT_A.pem],
    ['DER bytes', () => CLIENT_A.der],
  ])('accepts %s', (_name, find) => {
    const mtls = normalizeMtlsOptions({ certificate: find })!;
    expect(bindCertificate(identity(CLIENT_A.thumbprint), fakeRequest('1.1.1.1'), mtls)).toEqual({
      kind: 'proven',
    });
  });

  it('treats undefined and garbage as no certificate', () => {
    for (const find of [() => undefined, () => 'garbage', () => Buffer.from('x')]) {
      const mtls = normalizeMtlsOptions({ certificate: find })!;
      expect(
        bindCertificate(identity(CLIENT_A.thumbprint), fakeRequest('1.1.1.1'), mtls),
      ).toMatchObject({ kind: 'refused', reason: 'certificate_missing' });
    }
  });

  it('fails closed with an error (503) when the function throws', () => {
    const boom = new Error('boom');
    const mtls = normalizeMtlsOptions({
      certificate: () => {
        throw boom;
      },
    })!;
    expect(bindCertificate(identity(CLIENT_A.thumbprint), fakeRequest('1.1.1.1'), mtls)).toEqual({
      kind: 'error',
      reason: 'verifier_error',
      cause: boom,
    });
  });
});
