/**
 * Certificate → `x5t#S256` (RFC 8705 §3.1): base64url SHA-256 of the certificate's DER. Every
 * certificate is parsed first, so garbage never gets a thumbprint, and the DER hashed is the
 * parsed certificate's own (`raw`), never bytes that merely happen to start with one.
 */
import { X509Certificate, hash } from 'node:crypto';

/** `true` when `value` is a Node `X509Certificate` (also one from another realm). */
function isCertificate(value: unknown): value is X509Certificate {
  return (
    value instanceof X509Certificate ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { raw?: unknown }).raw instanceof Buffer &&
      typeof (value as { fingerprint256?: unknown }).fingerprint256 === 'string')
  );
}

/** One PEM certificate block (RFC 7468 §5.1), nothing else around it but whitespace. */
const ONE_PEM_CERTIFICATE =
  /^\s*-----BEGIN CERTIFICATE-----\r?\n(?:[A-Za-z0-9+/=]+\r?\n)*[A-Za-z0-9+/=]+\r?\n-----END CERTIFICATE-----\s*$/;

/**
 * The thumbprint of a certificate given as an `X509Certificate`, its DER bytes or one PEM block;
 * `undefined` when it is none of those (garbage is no certificate).
 *
 * @example
 * ```ts
 * certificateThumbprint(readFileSync('client.crt', 'utf8')); // 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2'
 * ```
 */
export function certificateThumbprint(certificate: unknown): string | undefined {
  let parsed: X509Certificate;
  if (isCertificate(certificate)) {
    parsed = certificate;
  } else if (certificate instanceof Uint8Array || typeof certificate === 'string') {
    if (typeof certificate === 'string' && !ONE_PEM_CERTIFICATE.test(certificate)) return undefined;
    if (certificate.length === 0) return undefined;
    try {
      parsed = new X509Certificate(certificate);
    } catch {
      return undefined;
    }
  } else {
    return undefined;
  }
  return hash('sha256', parsed.raw, 'base64url');
}
