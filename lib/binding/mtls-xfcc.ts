/**
 * Envoy's `x-forwarded-client-cert` (XFCC) header. Grammar, from Envoy's documentation: the value
 * is a comma-separated list of elements, one per proxy, each appended by the proxy that
 * terminated a TLS connection; an element is a semicolon-separated list of `key=value` pairs;
 * keys (`By`, `Hash`, `Cert`, `Chain`, `Subject`, `URI`, `DNS`) are case-insensitive; a value
 * holding `,`, `;` or `=` is double-quoted, and a double quote inside it is written `\"`.
 *
 * Which element: the last one, appended by the proxy nearest to this process (the hop whose
 * address `trustedProxies` vouched for). Elements before it were written by hops this process
 * cannot vouch for. The whole header is refused (no certificate) when any part of it breaks the
 * grammar, or when the last element has no `Cert` or more than one.
 */

/** One XFCC element: its pairs in order, keys lower-cased. */
export type XfccElement = ReadonlyArray<readonly [key: string, value: string]>;

/** A key: RFC 9110 token characters. */
const KEY_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/**
 * Parses a whole XFCC value into its elements, or `undefined` when it is not well-formed.
 *
 * @example
 * ```ts
 * parseXfcc('By=spiffe://a;Subject="CN=x,O=y";URI=spiffe://c');
 * // [[['by', 'spiffe://a'], ['subject', 'CN=x,O=y'], ['uri', 'spiffe://c']]]
 * ```
 */
export function parseXfcc(value: string): XfccElement[] | undefined {
  const elements: XfccElement[] = [];
  let pairs: Array<readonly [string, string]> = [];
  let i = 0;
  const n = value.length;
  const skipSpaces = () => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  skipSpaces();
  if (i === n) return undefined;
  for (;;) {
    // key
    const keyStart = i;
    while (i < n && KEY_CHAR.test(value[i] as string)) i++;
    if (i === keyStart || value[i] !== '=') return undefined;
    const key = value.slice(keyStart, i).toLowerCase();
    i++;
    // value
    let text = '';
    if (value[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = value[i] as string;
        if (c === '\\') {
          if (i + 1 >= n) return undefined;
          text += value[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          text += c;
          i++;
        }
      }
      if (!closed) return undefined;
    } else {
      const start = i;
      while (i < n && value[i] !== ';' && value[i] !== ',') {
        const c = value[i] as string;
        if (c === '"' || c === '=' || c === '\\') return undefined;
        i++;
      }
      text = value.slice(start, i).trimEnd();
    }
    pairs.push([key, text] as const);
    skipSpaces();
    if (i === n) {
      elements.push(pairs);
      return elements;
    }
    if (value[i] === ';') {
      i++;
    } else if (value[i] === ',') {
      elements.push(pairs);
      pairs = [];
      i++;
      skipSpaces();
    } else {
      return undefined;
    }
  }
}

/**
 * The client certificate of an XFCC header: the `Cert` (URL-encoded PEM) of its last element, as
 * PEM text still to be parsed, or `undefined`.
 */
export function decodeXfcc(value: string): string | undefined {
  const elements = parseXfcc(value);
  const nearest = elements?.[elements.length - 1];
  if (!nearest) return undefined;
  const certs = nearest.filter(([key]) => key === 'cert');
  if (certs.length !== 1) return undefined;
  try {
    return decodeURIComponent((certs[0] as readonly [string, string])[1]);
  } catch {
    return undefined;
  }
}
