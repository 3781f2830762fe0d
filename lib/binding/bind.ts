/**
 * The bind stage, after the chain: what the accepted token is bound to (`cnf`, RFC 7800) must be
 * proven by this request — a DPoP proof's key (RFC 9449 §6) or the TLS client certificate
 * (RFC 8705 §3). A bound token is never downgraded to a bearer token: when the binding's
 * feature is not configured, the token is refused (`token_binding_unsupported`).
 */
import type { ReasonCode } from '../reasons.js';
import type { AuthScheme, Binding, Identity } from '../types.js';
import { bindCertificate } from './mtls-bind.js';
import type { CertificateLookup } from './mtls-source.js';

/** What the request proves, as the earlier stages found it. */
export interface RequestEvidence {
  /** The scheme the token came with. */
  scheme: AuthScheme;
  /** The RFC 7638 thumbprint of a fully validated DPoP proof's key, when one was sent. */
  proofJkt?: string | undefined;
  /**
   * The client certificate, looked up only when the token is bound to one (or `mtls.required`):
   * most tokens never need it, and a forwarded certificate costs a parse.
   */
  certificate?: (() => CertificateLookup) | undefined;
}

/** Which bindings this middleware can check. */
export interface BindingSettings {
  dpop: boolean;
  mtls: boolean;
  /** `mtls.required`: every token must be certificate-bound. */
  mtlsRequired?: boolean;
}

/** The bind stage's answer. */
export type BindResult =
  | { kind: 'bound'; binding: Binding }
  | { kind: 'refused'; reason: ReasonCode; binding: Binding; cause?: unknown }
  /** The evidence could not be looked at (the application's certificate function threw): 503. */
  | { kind: 'error'; reason: ReasonCode; binding: Binding; cause: unknown };

/**
 * Checks the token's `cnf` against the request's evidence.
 *
 * @example
 * ```ts
 * bindToken(identity, { scheme: 'bearer' }, { dpop: false, mtls: false });
 * // { kind: 'bound', binding: 'bearer' } for an unbound token
 * ```
 */
export function bindToken(
  identity: Identity,
  evidence: RequestEvidence,
  settings: BindingSettings,
): BindResult {
  const cnf = identity.confirmation;
  if (cnf?.jkt !== undefined && !settings.dpop) {
    return { kind: 'refused', reason: 'token_binding_unsupported', binding: 'dpop' };
  }
  if (cnf?.x5tS256 !== undefined && !settings.mtls) {
    return { kind: 'refused', reason: 'token_binding_unsupported', binding: 'mtls' };
  }
  let binding: Binding = 'bearer';
  // RFC 8705 §3: a certificate-bound token needs that certificate. A token bound to both a
  // certificate and a DPoP key must prove both; it then reports 'dpop' (the scheme it used).
  if (settings.mtls) {
    const certificate = bindCertificate(
      identity,
      settings.mtlsRequired === true,
      evidence.certificate,
    );
    if (certificate.kind === 'refused' || certificate.kind === 'error') {
      return { ...certificate, binding: 'mtls' };
    }
    if (certificate.kind === 'proven') binding = 'mtls';
  }
  return { kind: 'bound', binding };
}
