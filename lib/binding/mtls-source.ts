/**
 * Where the client certificate of a request comes from, turned into one function:
 * `(req) → thumbprint or why there is none`. Three sources: the TLS socket of this process, a
 * header written by a trusted proxy, or the application's own function.
 */
import { LRUCache } from 'lru-cache';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { decodeCertificateHeader, type CertificateEncoding } from './mtls-encodings.js';
import { certificateThumbprint } from './mtls-thumbprint.js';

/** The certificate of a request, or why there is none. `error`: the application's function threw. */
export type CertificateLookup =
  | { kind: 'found'; thumbprint: string }
  | { kind: 'missing'; why: string }
  | { kind: 'error'; cause: unknown };

/** A certificate source, resolved. */
export type CertificateSource = (req: IncomingMessage) => CertificateLookup;

const missing = (why: string): CertificateLookup => ({ kind: 'missing', why });
const NOT_TLS = missing('the connection is not TLS');
const NO_PEER_CERTIFICATE = missing('the TLS client sent no certificate');

/**
 * TLS ends in this process. The thumbprint is computed once per TLS socket (keep-alive requests
 * share it) and forgotten with the socket. A resumed TLS session (TLS 1.2 session id or ticket,
 * TLS 1.3 PSK) carries no new certificate message, but Node still reports the certificate of the
 * session being resumed, so a resumed connection proves the same certificate as the first one.
 */
export function socketSource(): CertificateSource {
  const thumbprints = new WeakMap<object, string>();
  return (req) => {
    const socket = req.socket as Partial<TLSSocket> | undefined;
    if (!socket || typeof socket.getPeerCertificate !== 'function') return NOT_TLS;
    let thumbprint = thumbprints.get(socket);
    if (thumbprint === undefined) {
      const peer = socket.getPeerCertificate(false) as { raw?: unknown } | null;
      thumbprint = peer?.raw instanceof Buffer ? certificateThumbprint(peer.raw) : undefined;
      // Only a certificate is remembered: "none yet" may change on a renegotiated connection.
      if (thumbprint === undefined) return NO_PEER_CERTIFICATE;
      thumbprints.set(socket, thumbprint);
    }
    return { kind: 'found', thumbprint };
  };
}

/** Resolved forwarded-header settings. */
export interface HeaderSourceSettings {
  /** Lower-case header name. */
  header: string;
  encoding: CertificateEncoding;
  isTrusted: (remoteAddress: string | undefined) => boolean;
}

/** How many raw lines of `name` (lower case) the request carries. */
function headerLines(req: IncomingMessage, name: string): number {
  const raw = req.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) count++;
  }
  return count;
}

/** Total length of the certificate texts whose thumbprint a source remembers. */
export const REMEMBERED_CHARS = 4 * 1024 * 1024;

/**
 * `compute` remembered per text: a client's certificate arrives as the same text on every one
 * of its requests, and its thumbprint is a deterministic function of that text, so it is parsed
 * once. Only thumbprints are kept (never "no certificate"), texts over 64 K characters are not,
 * and the texts kept total at most `REMEMBERED_CHARS`.
 */
function remembered(
  compute: (text: string) => string | undefined,
): (text: string) => string | undefined {
  const thumbprints = new LRUCache<string, string>({
    maxSize: REMEMBERED_CHARS,
    sizeCalculation: (_thumbprint, text) => Math.max(1, text.length),
  });
  return (text) => {
    let thumbprint = thumbprints.get(text);
    if (thumbprint === undefined) {
      thumbprint = compute(text);
      if (thumbprint !== undefined && text.length <= REMEMBERED_CHARS / 64) {
        thumbprints.set(text, thumbprint);
      }
    }
    return thumbprint;
  };
}

/**
 * A certificate forwarded by a proxy in a header, believed only when the TCP peer is trusted.
 * Two lines of the header are no certificate: one proxy writes one line, so a second one was
 * smuggled past it, and Node would have joined them into one value with ", ".
 */

export function headerSource(settings: HeaderSourceSettings): CertificateSource {
  const { header, encoding, isTrusted } = settings;
  const thumbprintOf = remembered((value) => {
    const decoded = decodeCertificateHeader(encoding, value);
    return decoded === undefined ? undefined : certificateThumbprint(decoded);
  });
  return (req) => {
    const value = req.headers[header];
    if (value === undefined) return missing(`no ${header} header`);
    if (!isTrusted(req.socket?.remoteAddress)) {
      return missing(`${header} header from an untrusted address, ignored`);
    }
    if (Array.isArray(value) || headerLines(req, header) !== 1) {
      return missing(`more than one ${header} header`);
    }
    const thumbprint = thumbprintOf(value);
    return thumbprint === undefined
      ? missing(`the ${header} header holds no ${encoding} certificate`)
      : { kind: 'found', thumbprint };
  };
}

/** The application's function: `X509Certificate`, DER `Buffer`, one PEM string, or `undefined`. */
export type CertificateFunction = (req: IncomingMessage) => unknown;

/** The application finds the certificate itself. A throw is an error (503), never "no certificate". */
export function functionSource(find: CertificateFunction): CertificateSource {
  const pemThumbprint = remembered(certificateThumbprint);
  return (req) => {
    let certificate: unknown;
    try {
      certificate = find(req);
    } catch (cause) {
      return { kind: 'error', cause };
    }
    if (certificate === undefined || certificate === null) {
      return missing('the certificate function found none');
    }
    const thumbprint =
      typeof certificate === 'string'
        ? pemThumbprint(certificate)
        : certificateThumbprint(certificate);
    return thumbprint === undefined
      ? missing('the certificate function returned no parsable certificate')
      : { kind: 'found', thumbprint };
  };
}
