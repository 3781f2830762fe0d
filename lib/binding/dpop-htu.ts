/**
 * The `htu` of a DPoP proof (RFC 9449 §4.3): the request URL without query and fragment,
 * compared after RFC 3986 §6.2.2 syntax-based normalisation (scheme and host case, default port,
 * percent-encoding case and unreserved characters, dot segments). The expected URL is built from
 * the configured `publicUrl` — or, without one, from the request's protocol and a `Host` header
 * that matches the host grammar. `X-Forwarded-Host` is never read.
 */

/** RFC 3986 §2.3 unreserved characters: their percent-encoded form is decoded. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * RFC 3986 §3.2.2 / RFC 9110 §7.2 `Host`: a DNS-style reg-name, an IPv4 address or a bracketed
 * IPv6 literal, then an optional port. No userinfo, path, spaces or percent-encoding.
 */
const HOST_HEADER =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** Longest URL considered: a proof is bounded anyway; this bounds the request side. */
const MAX_URL_LENGTH = 8192;

function normalizePercentEncoding(path: string): string {
  return path.replace(/%[0-9a-fA-F]{2}/g, (match) => {
    const char = String.fromCharCode(parseInt(match.slice(1), 16));
    return UNRESERVED.test(char) ? char : match.toUpperCase();
  });
}

/**
 * The normalised form of an absolute `http(s)` URL, without query and fragment, or `undefined`
 * when it is not one (or carries userinfo).
 *
 * @example
 * ```ts
 * normalizeHtu('HTTPS://API.Example.com:443/a/%7euser?q=1#f'); // 'https://api.example.com/a/~user'
 * ```
 */
export function normalizeHtu(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return undefined;
  return `${url.protocol}//${url.host}${normalizePercentEncoding(url.pathname)}`;
}

/** `true` when `host` is a well-formed `Host` header value. */
export function isValidHostHeader(host: unknown): host is string {
  return typeof host === 'string' && host.length <= 261 && HOST_HEADER.test(host);
}

/** What the expected `htu` is built from. */
export interface HtuSource {
  /** `'http'` or `'https'`: how this process (or the proxy the application trusts) was reached. */
  protocol: string;
  /** The raw `Host` header, used only without `publicUrl`. */
  host: string | undefined;
  /** The request target as received (`req.originalUrl`), or what `requestUri(req)` returned. */
  target: string;
}

/**
 * The normalised URL a proof for this request must name, or `undefined` when it cannot be known
 * (a `Host` outside the grammar, a target that is not a path or an absolute `http(s)` URL).
 * `publicUrl` is the configured origin plus base path, without a trailing slash.
 */
export function expectedHtu(source: HtuSource, publicUrl: string | undefined): string | undefined {
  const { target } = source;
  if (typeof target !== 'string' || target.length > MAX_URL_LENGTH) return undefined;
  if (/^https?:\/\//i.test(target)) return normalizeHtu(target); // requestUri gave a whole URL
  if (!target.startsWith('/')) return undefined; // absolute-form or '*' request targets
  if (publicUrl !== undefined) return normalizeHtu(publicUrl + target);
  if (source.protocol !== 'http' && source.protocol !== 'https') return undefined;
  if (!isValidHostHeader(source.host)) return undefined;
  return normalizeHtu(`${source.protocol}://${source.host}${target}`);
}
