/**
 * mTLS behind a TLS-terminating proxy: the certificate arrives in a header, believed only from a
 * trusted proxy address. The API listens on 127.0.0.1; the "proxy" connects from 127.0.0.1
 * (trusted) and the attacker from 127.0.0.2 (untrusted), both real TCP peers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agent } from 'undici';
import type { ForwardedCertificateOptions } from '../../lib/binding/mtls-options.js';
import { jwtVerifier, MESSAGES } from '../../lib/index.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import { seed } from '../helpers/app.js';
import { CLIENT_A, CLIENT_B, type TestCertificate } from './certificates.js';
import { client, startApi, whoami, type MtlsApi } from './harness.js';

const key = testKey('RS256');
const verifiers = () => [
  jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE }),
];
const boundTo = (cert: TestCertificate) =>
  mintJwt({ claims: { cnf: { 'x5t#S256': cert.thumbprint } } });
const NOT_PROVEN = seed(MESSAGES.bindingNotProven);

const ENCODINGS: Array<{
  name: string;
  certificate: ForwardedCertificateOptions;
  header: string;
  encode: (cert: TestCertificate) => string;
}> = [
  {
    name: 'rfc9440',
    certificate: { encoding: 'rfc9440', trustedProxies: ['127.0.0.1'] },
    header: 'client-cert',
    encode: (c) => `:${c.der.toString('base64')}:`,
  },
  {
    name: 'xfcc',
    certificate: { encoding: 'xfcc', trustedProxies: ['127.0.0.0/31'] },
    header: 'x-forwarded-client-cert',
    encode: (c) =>
      `By=spiffe://cluster.local/ns/default/sa/api;Hash=0a1b;Cert="${encodeURIComponent(c.pem)}";Subject="CN=bearer-guard test,O=x";URI=spiffe://cluster.local/ns/default/sa/client`,
  },
  {
    name: 'pem-urlencoded',
    certificate: {
      encoding: 'pem-urlencoded',
      header: 'X-SSL-Client-Cert',
      trustedProxies: (a) => a === '127.0.0.1',
    },
    header: 'x-ssl-client-cert',
    encode: (c) => encodeURIComponent(c.pem),
  },
  {
    name: 'der-base64',
    certificate: {
      encoding: 'der-base64',
      header: 'x-client-cert-der',
      trustedProxies: ['::1', '127.0.0.1'],
    },
    header: 'x-client-cert-der',
    encode: (c) => c.der.toString('base64'),
  },
];

describe.each(ENCODINGS)(
  'a forwarded certificate, encoding $name',
  ({ certificate, header, encode }) => {
    let api: MtlsApi;
    let proxy: Agent;
    let outsider: Agent;
    beforeAll(async () => {
      api = await startApi({ verifiers: verifiers(), mtls: { certificate } }, { tls: false });
      proxy = client();
      outsider = client({ localAddress: '127.0.0.2' });
    });
    afterAll(async () => {
      await proxy.close();
      await outsider.close();
      await api.close();
    });

    it('is believed from the trusted proxy: the bound token is accepted', async () => {
      const answer = await whoami(api, proxy, await boundTo(CLIENT_A), [header, encode(CLIENT_A)]);
      expect(answer).toMatchObject({ status: 200, body: { binding: 'mtls' } });
    });

    it('refuses another certificate from the trusted proxy', async () => {
      const answer = await whoami(api, proxy, await boundTo(CLIENT_A), [header, encode(CLIENT_B)]);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(NOT_PROVEN);
      expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_mismatch' });
    });

    it('ignores the header spoofed from an untrusted address (127.0.0.2)', async () => {
      const answer = await whoami(api, outsider, await boundTo(CLIENT_A), [
        header,
        encode(CLIENT_A),
      ]);
      expect(answer.status).toBe(401);
      expect(answer.challenge).toMatch(/error="invalid_token"/);
      expect(answer.body).toEqual(NOT_PROVEN);
      expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_missing' });
    });

    it('has no certificate when the header comes twice, even twice the same', async () => {
      const value = encode(CLIENT_A);
      const answer = await whoami(api, proxy, await boundTo(CLIENT_A), [
        header,
        value,
        header,
        value,
      ]);
      expect(answer.status).toBe(401);
      expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_missing' });
    });

    it.each([
      ['garbage', 'garbage'],
      [
        'a broken certificate',
        () =>
          encode({
            ...CLIENT_A,
            der: CLIENT_A.der.subarray(0, 64),
            pem: CLIENT_A.pem.slice(0, 200),
          }),
      ],
      ['an empty value', ''],
    ])('has no certificate with %s in the header', async (_name, value) => {
      const text = typeof value === 'function' ? value() : value;
      const answer = await whoami(api, proxy, await boundTo(CLIENT_A), [header, text]);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(NOT_PROVEN);
      expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_missing' });
    });

    it('lets an unbound token through as a bearer token whatever the header says', async () => {
      const answer = await whoami(api, outsider, await mintJwt(), [header, 'garbage']);
      expect(answer).toMatchObject({ status: 200, body: { binding: 'bearer' } });
    });
  },
);

describe('a forwarded certificate without trustedProxies', () => {
  it('is never believed, not even from loopback', async () => {
    const api = await startApi(
      { verifiers: verifiers(), mtls: { certificate: { encoding: 'rfc9440' } } },
      { tls: false },
    );
    const proxy = client();
    try {
      const answer = await whoami(api, proxy, await boundTo(CLIENT_A), [
        'client-cert',
        `:${CLIENT_A.der.toString('base64')}:`,
      ]);
      expect(answer.status).toBe(401);
      expect(api.decisions.at(-1)).toMatchObject({ reason: 'certificate_missing' });
    } finally {
      await proxy.close();
      await api.close();
    }
  });
});

describe('XFCC with several elements', () => {
  it('uses the last element, the one the nearest (trusted) proxy appended', async () => {
    const api = await startApi(
      {
        verifiers: verifiers(),
        mtls: { certificate: { encoding: 'xfcc', trustedProxies: ['127.0.0.1'] } },
      },
      { tls: false },
    );
    const proxy = client();
    const element = (c: TestCertificate) => `By=spiffe://x;Cert="${encodeURIComponent(c.pem)}"`;
    try {
      // A client-written element first, the proxy's own last: only the proxy's counts.
      const spoofed = `${element(CLIENT_A)},${element(CLIENT_B)}`;
      expect(
        (await whoami(api, proxy, await boundTo(CLIENT_A), ['x-forwarded-client-cert', spoofed]))
          .status,
      ).toBe(401);
      expect(
        (await whoami(api, proxy, await boundTo(CLIENT_B), ['x-forwarded-client-cert', spoofed]))
          .status,
      ).toBe(200);
    } finally {
      await proxy.close();
      await api.close();
    }
  });
});
