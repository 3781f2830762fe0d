import { describe, expect, it } from '@jest/globals';
import { bindToken } from '../../lib/binding/bind.js';
import type { CertificateLookup } from '../../lib/binding/mtls-source.js';
import type { Identity } from '../../lib/types.js';
import { CLIENT_A, CLIENT_B } from './certificates.js';

const identity = (confirmation?: Identity['confirmation']): Identity => ({
  subject: 'u1',
  scopes: [],
  claims: {},
  serviceAccount: false,
  verifier: 'test',
  ...(confirmation ? { confirmation } : {}),
});

/** A certificate source that counts how often it is asked. */
function source(lookup: CertificateLookup) {
  const counter = { calls: 0 };
  return {
    counter,
    certificate: () => {
      counter.calls++;
      return lookup;
    },
  };
}

const found = (thumbprint: string): CertificateLookup => ({ kind: 'found', thumbprint });
const MTLS = { dpop: false, mtls: true };

describe('bindToken: the certificate branch', () => {
  it('never looks at the certificate of an unbound token', () => {
    const { counter, certificate } = source(found(CLIENT_A.thumbprint));
    expect(bindToken(identity(), { scheme: 'bearer', certificate }, MTLS)).toEqual({
      kind: 'bound',
      binding: 'bearer',
    });
    expect(counter.calls).toBe(0);
  });

  it("binds 'mtls' when the certificate matches, looking once", () => {
    const { counter, certificate } = source(found(CLIENT_A.thumbprint));
    const bound = bindToken(
      identity({ x5tS256: CLIENT_A.thumbprint }),
      { scheme: 'bearer', certificate },
      MTLS,
    );
    expect(bound).toEqual({ kind: 'bound', binding: 'mtls' });
    expect(counter.calls).toBe(1);
  });

  it('refuses a mismatch, a missing certificate, and an unbound token when required', () => {
    const bound = identity({ x5tS256: CLIENT_A.thumbprint });
    expect(
      bindToken(bound, { scheme: 'bearer', certificate: () => found(CLIENT_B.thumbprint) }, MTLS),
    ).toEqual({ kind: 'refused', reason: 'certificate_mismatch', binding: 'mtls' });
    expect(bindToken(bound, { scheme: 'bearer' }, MTLS)).toMatchObject({
      kind: 'refused',
      reason: 'certificate_missing',
      binding: 'mtls',
    });
    expect(
      bindToken(identity(), { scheme: 'bearer' }, { ...MTLS, mtlsRequired: true }),
    ).toMatchObject({ kind: 'refused', reason: 'certificate_binding_required', binding: 'mtls' });
  });

  it('is an error (503) when the certificate source failed', () => {
    const cause = new Error('boom');
    expect(
      bindToken(
        identity({ x5tS256: CLIENT_A.thumbprint }),
        { scheme: 'bearer', certificate: () => ({ kind: 'error', cause }) },
        MTLS,
      ),
    ).toEqual({ kind: 'error', reason: 'verifier_error', binding: 'mtls', cause });
  });

  it('refuses a certificate-bound token when mtls is off, whatever the request shows', () => {
    const { counter, certificate } = source(found(CLIENT_A.thumbprint));
    expect(
      bindToken(
        identity({ x5tS256: CLIENT_A.thumbprint }),
        { scheme: 'bearer', certificate },
        { dpop: false, mtls: false },
      ),
    ).toEqual({ kind: 'refused', reason: 'token_binding_unsupported', binding: 'mtls' });
    expect(counter.calls).toBe(0);
  });
});
