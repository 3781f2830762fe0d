/**
 * Takes the bearer token out of a request, per RFC 6750 §2. A pure function of the request's
 * parts: no Express types, no I/O. The length cap is checked before anything else is parsed.
 */
import type { ReasonCode } from './reasons.js';

/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
export const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The Bearer scheme (case-insensitive, RFC 9110 §11.1) followed by whitespace or nothing. RFC 6750
 * §2.1 then wants exactly one space and the token; anything else after the scheme is malformed.
 */
const BEARER_SCHEME = /^bearer(?:\s|$)/i;

/** The DPoP scheme (RFC 9449 §7.1), recognised only when `dpop` is configured. */
const DPOP_SCHEME = /^dpop(?:\s|$)/i;

/** Where a token may be sent (RFC 6750 §2.1, §2.2, §2.3). */
export type TokenLocation = 'header' | 'body' | 'query';

/** Where a token was found: an RFC 6750 location, or one of the application's readers. */
export type FoundLocation = TokenLocation | 'custom';

/** The parts of a request extraction reads. */
export interface TokenSources {
  /** The `Authorization` header values, one per header line. */
  authorization: readonly string[];
  /** `req.query.access_token` as parsed (`undefined` when absent). */
  query: unknown;
  /** `req.body.access_token` as parsed (`undefined` when absent). */
  body: unknown;
  /** The request method: a body token is never read from a `GET` (RFC 6750 §2.2). */
  method: string;
  /** `true` when the body is `application/x-www-form-urlencoded` (RFC 6750 §2.2). */
  formEncoded: boolean;
  /** What each of the application's token readers returned (`undefined`: nothing there). */
  custom?: readonly unknown[];
  /** `true` when the `DPoP` scheme is recognised (RFC 9449 §7.1); otherwise it is no token. */
  dpopScheme?: boolean;
}

/** The authorization scheme a token came with: body, query and custom tokens are bearer tokens. */
export type TokenScheme = 'bearer' | 'dpop';

/** The outcome of extraction. */
export type Extraction =
  | { kind: 'none' }
  | { kind: 'token'; token: string; location: FoundLocation; scheme: TokenScheme }
  | { kind: 'error'; reason: ReasonCode };

interface Found {
  token: string;
  location: FoundLocation;
  scheme: TokenScheme;
}

function fromHeader(
  values: readonly string[],
  maxLength: number,
  dpopScheme: boolean,
): Found | ReasonCode | undefined {
  if (values.length === 0) return undefined;
  if (values.length > 1) return 'token_malformed';
  const value = values[0] as string;
  let scheme: TokenScheme;
  if (BEARER_SCHEME.test(value)) scheme = 'bearer';
  else if (dpopScheme && DPOP_SCHEME.test(value)) scheme = 'dpop';
  else return undefined; // another scheme: not ours, so no token
  const prefix = scheme === 'bearer' ? 7 : 5; // 'Bearer ' / 'DPoP '
  if (value.length > maxLength + prefix) return 'token_too_long';
  const token = value.slice(prefix);
  if (value[prefix - 1] !== ' ' || !B64TOKEN.test(token)) return 'token_malformed';
  return { token, location: 'header', scheme };
}

function fromParameter(
  value: unknown,
  location: FoundLocation,
  maxLength: number,
): Found | ReasonCode | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return 'token_malformed'; // repeated or nested parameter
  if (value.length > maxLength) return 'token_too_long';
  if (!B64TOKEN.test(value)) return 'token_malformed';
  return { token: value, location, scheme: 'bearer' };
}

/**
 * Finds the one bearer token of a request.
 *
 * @example
 * ```ts
 * const sources = { authorization: ['Bearer abc'], query: undefined, body: undefined,
 *   method: 'GET', formEncoded: false };
 * extractToken(sources, new Set(['header']), 8192);
 * // { kind: 'token', token: 'abc', location: 'header', scheme: 'bearer' }
 * ```
 */
export function extractToken(
  sources: TokenSources,
  locations: ReadonlySet<TokenLocation>,
  maxLength: number,
): Extraction {
  const found: Found[] = [];
  const candidates: Array<Found | ReasonCode | undefined> = [
    locations.has('header')
      ? fromHeader(sources.authorization, maxLength, sources.dpopScheme === true)
      : undefined,
    locations.has('body') && sources.formEncoded && sources.method.toUpperCase() !== 'GET'
      ? fromParameter(sources.body, 'body', maxLength)
      : undefined,
    locations.has('query') ? fromParameter(sources.query, 'query', maxLength) : undefined,
  ];
  for (const value of sources.custom ?? []) {
    candidates.push(fromParameter(value, 'custom', maxLength));
  }
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    if (typeof candidate === 'string') return { kind: 'error', reason: candidate };
    found.push(candidate);
  }
  if (found.length > 1) return { kind: 'error', reason: 'token_multiple_locations' };
  const only = found[0];
  return only ? { kind: 'token', ...only } : { kind: 'none' };
}
