/**
 * `bearerAuth({ mtls })`: certificate-bound access tokens (RFC 8705 §3). Checks the options once,
 * at construction, and resolves the certificate source into one function.
 */
import type { IncomingMessage } from 'node:http';
import type { X509Certificate } from 'node:crypto';
import { checkKnownOptions } from '../util/known-options.js';
import {
  CERTIFICATE_ENCODINGS,
  DEFAULT_HEADERS,
  type CertificateEncoding,
} from './mtls-encodings.js';
import { trustedProxyCheck, type TrustedProxies } from './mtls-proxies.js';
import {
  functionSource,
  headerSource,
  socketSource,
  type CertificateSource,
} from './mtls-source.js';

export type { CertificateEncoding } from './mtls-encodings.js';
export type { TrustedProxies } from './mtls-proxies.js';

/** A certificate forwarded by a TLS-terminating proxy. */
export interface ForwardedCertificateOptions {
  /**
   * `'rfc9440'` (`Client-Cert: :<base64 DER>:`), `'xfcc'` (Envoy `x-forwarded-client-cert`,
   * the `Cert` of its last element), `'pem-urlencoded'` (nginx `$ssl_client_escaped_cert`) or
   * `'der-base64'`.
   */
  encoding: CertificateEncoding;
  /**
   * The header name (any case). Default `client-cert` for `'rfc9440'`, `x-forwarded-client-cert`
   * for `'xfcc'`; required for the other encodings.
   */
  header?: string;
  /**
   * The proxies whose header is believed: addresses and CIDR ranges (IPv4 and IPv6) of the TCP
   * peer, or `(remoteAddress) => boolean`. Default: none, so the header is always ignored.
   */
  trustedProxies?: TrustedProxies;
}

/** Finds the client certificate of a request. Synchronous; a throw answers 503. */
export type CertificateFinder = (
  req: IncomingMessage,
) => X509Certificate | Buffer | string | undefined;

/** Options of `bearerAuth({ mtls })`. */
export interface MtlsOptions {
  /**
   * Where the client certificate comes from: `'socket'` (TLS ends in this process), a forwarded
   * header (`{ encoding, header?, trustedProxies }`) or a function.
   */
  certificate: 'socket' | ForwardedCertificateOptions | CertificateFinder;
  /** `true`: every token must be certificate-bound (`cnf.x5t#S256`). Default `false`. */
  required?: boolean;
}

/** `mtls` after checks. */
export interface ResolvedMtlsOptions {
  readonly required: boolean;
  readonly certificate: CertificateSource;
}

const MTLS_KEYS = ['certificate', 'required'] as const;
const FORWARDED_KEYS = ['encoding', 'header', 'trustedProxies'] as const;
/** RFC 9110 §5.1 field-name (a token). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

let warnedNoProxies = false;

function fail(message: string): never {
  throw new TypeError(`bearerAuth: ${message}`);
}

function forwarded(options: ForwardedCertificateOptions): CertificateSource {
  checkKnownOptions('bearerAuth: "mtls.certificate"', options, FORWARDED_KEYS);
  const { encoding } = options;
  if (!CERTIFICATE_ENCODINGS.includes(encoding)) {
    fail(
      `"mtls.certificate.encoding" option must be one of ${CERTIFICATE_ENCODINGS.map((e) => `'${e}'`).join(', ')}`,
    );
  }
  const header = options.header ?? DEFAULT_HEADERS[encoding];
  if (header === undefined) {
    fail(`"mtls.certificate.header" option is required with encoding '${encoding}'`);
  }
  if (typeof header !== 'string' || !FIELD_NAME.test(header)) {
    fail('"mtls.certificate.header" option must be a header name');
  }
  const isTrusted = trustedProxyCheck(options.trustedProxies);
  if (options.trustedProxies === undefined && !warnedNoProxies) {
    warnedNoProxies = true;
    process.emitWarning(
      `bearerAuth: "mtls.certificate.trustedProxies" is not set, so the ${header} header is never believed and certificate-bound tokens are refused`,
      { code: 'BEARER_GUARD_MTLS_NO_TRUSTED_PROXIES' },
    );
  }
  return headerSource({ header: header.toLowerCase(), encoding, isTrusted });
}

/**
 * Checks `bearerAuth`'s `mtls` option; `undefined` when it is absent.
 *
 * @example
 * ```ts
 * normalizeMtlsOptions({ certificate: { encoding: 'xfcc', trustedProxies: ['10.0.0.0/8'] } });
 * ```
 */
export function normalizeMtlsOptions(
  options: MtlsOptions | undefined,
): ResolvedMtlsOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('"mtls" option must be an object ({ certificate, required? })');
  }
  checkKnownOptions('bearerAuth: "mtls"', options, MTLS_KEYS);
  const required = options.required ?? false;
  if (typeof required !== 'boolean') fail('"mtls.required" option must be a boolean');
  const { certificate } = options as { certificate: unknown };
  let source: CertificateSource;
  if (certificate === 'socket') source = socketSource();
  else if (typeof certificate === 'function')
    source = functionSource(certificate as CertificateFinder);
  else if (typeof certificate === 'object' && certificate !== null && !Array.isArray(certificate)) {
    source = forwarded(certificate as ForwardedCertificateOptions);
  } else {
    fail(
      `"mtls.certificate" option must be 'socket', { encoding, header?, trustedProxies } or a function (req) => certificate`,
    );
  }
  return Object.freeze({ required, certificate: source });
}
