/**
 * Certificates forwarded by a TLS-terminating proxy, one decoder per header format. Each decoder
 * is pure and strict: anything that is not exactly one certificate in its format decodes to
 * `undefined` (no certificate), never to a guess.
 */
import { decodeXfcc } from './mtls-xfcc.js';

/** How a proxy writes the client certificate into a header. */
export type CertificateEncoding = 'rfc9440' | 'xfcc' | 'pem-urlencoded' | 'der-base64';

/** Every encoding, for option checks. */
export const CERTIFICATE_ENCODINGS: readonly CertificateEncoding[] = Object.freeze([
  'rfc9440',
  'xfcc',
  'pem-urlencoded',
  'der-base64',
]);

/** The header each encoding is read from when the `header` option is absent. */
export const DEFAULT_HEADERS: Readonly<Partial<Record<CertificateEncoding, string>>> =
  Object.freeze({ rfc9440: 'client-cert', xfcc: 'x-forwarded-client-cert' });

/** Standard base64 (RFC 4648 §4), padding optional; whitespace is not part of it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
/** RFC 9440 §2.2 / RFC 8941 §3.3.5: an sf-binary item, `:` base64 `:`, with optional OWS. */
const SF_BINARY = /^[ \t]*:([A-Za-z0-9+/]*={0,2}):[ \t]*$/;

function base64Der(text: string): Buffer | undefined {
  if (text.length === 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** RFC 9440 `Client-Cert: :MIIB…:` → DER. */
export function decodeRfc9440(value: string): Buffer | undefined {
  const match = SF_BINARY.exec(value);
  return match ? base64Der(match[1] as string) : undefined;
}

/** nginx `$ssl_client_escaped_cert`: the PEM, percent-encoded → PEM. */
export function decodePemUrlencoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value.trim());
  } catch {
    return undefined;
  }
}

/** The DER, base64 → DER. */
export function decodeDerBase64(value: string): Buffer | undefined {
  return base64Der(value.trim());
}

/**
 * The certificate carried by one header value in `encoding` (DER bytes or a PEM string, still to
 * be parsed), or `undefined`.
 */
export function decodeCertificateHeader(
  encoding: CertificateEncoding,
  value: string,
): Buffer | string | undefined {
  switch (encoding) {
    case 'rfc9440':
      return decodeRfc9440(value);
    case 'xfcc':
      return decodeXfcc(value);
    case 'pem-urlencoded':
      return decodePemUrlencoded(value);
    case 'der-base64':
      return decodeDerBase64(value);
  }
}
