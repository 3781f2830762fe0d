/**
 * The URL policy for every upstream: `https:` always; plain `http:` only to loopback hosts, or
 * anywhere with an explicit `allowInsecureHttp: true`. No credentials in the URL.
 */
const LOOPBACK_V4 = /^127(?:\.\d{1,3}){3}$/;

/** `true` for `localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || LOOPBACK_V4.test(host);
}

/**
 * Parses and checks an upstream URL given as option `option` of `factory`. Throws a TypeError
 * naming both on any mistake.
 *
 * @example
 * ```ts
 * upstreamUrl('introspectionVerifier', 'endpoint', 'https://id.example.com/introspect', false);
 * ```
 */
export function upstreamUrl(
  factory: string,
  option: string,
  value: unknown,
  allowInsecureHttp: boolean,
): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new TypeError(`${factory}: "${option}" option must be a URL string`);
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TypeError(`${factory}: "${option}" option is not a valid URL`);
  }
  if (url.username || url.password) {
    throw new TypeError(`${factory}: "${option}" option must not contain credentials`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (allowInsecureHttp || isLoopbackHost(url.hostname))) return url;
  if (url.protocol === 'http:') {
    throw new TypeError(
      `${factory}: "${option}" option must be an https: URL (http: is allowed for loopback hosts, or with "allowInsecureHttp: true")`,
    );
  }
  throw new TypeError(`${factory}: "${option}" option must be an https: URL`);
}
