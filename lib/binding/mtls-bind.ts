/**
 * The certificate half of the bind stage (RFC 8705 §3): a token whose `cnf` holds `x5t#S256` is
 * accepted only when the request's client certificate has that thumbprint. Runs after the chain
 * (its verdicts are cached per token; certificates change per connection).
 */
import type { ReasonCode } from '../reasons.js';
import type { Identity } from '../types.js';
import { equalDigests } from '../util/hash.js';
import type { CertificateLookup } from './mtls-source.js';

/** What the certificate check decided. */
export type CertificateBinding =
  /** The token is certificate-bound and the request presents that certificate. */
  | { kind: 'proven' }
  /** The token is not certificate-bound, and that is allowed. */
  | { kind: 'unbound' }
  /** The token is bound to a certificate this request does not prove, or must be bound and is not. */
  | { kind: 'refused'; reason: ReasonCode; cause?: string }
  /** The application's certificate function threw. */
  | { kind: 'error'; reason: ReasonCode; cause: unknown };

const UNBOUND: CertificateBinding = Object.freeze({ kind: 'unbound' });
const PROVEN: CertificateBinding = Object.freeze({ kind: 'proven' });
const NO_SOURCE: CertificateLookup = Object.freeze({
  kind: 'missing',
  why: 'no certificate source',
});

/**
 * Compares the token's `cnf.x5t#S256` with the thumbprint of the request's certificate, in
 * constant time. The certificate is only looked at when the token is bound to one.
 *
 * @example
 * ```ts
 * const result = bindCertificate(identity, mtls.required, () => mtls.certificate(req));
 * if (result.kind === 'refused') throw new BearerAuthError(result.reason);
 * ```
 */
export function bindCertificate(
  identity: Identity,
  required: boolean,
  certificate: (() => CertificateLookup) | undefined,
): CertificateBinding {
  const expected = identity.confirmation?.x5tS256;
  if (expected === undefined) {
    return required ? { kind: 'refused', reason: 'certificate_binding_required' } : UNBOUND;
  }
  const presented: CertificateLookup = certificate ? certificate() : NO_SOURCE;
  if (presented.kind === 'error') {
    return { kind: 'error', reason: 'verifier_error', cause: presented.cause };
  }
  if (presented.kind === 'missing') {
    return { kind: 'refused', reason: 'certificate_missing', cause: presented.why };
  }
  return equalDigests(presented.thumbprint, expected)
    ? PROVEN
    : { kind: 'refused', reason: 'certificate_mismatch' };
}
