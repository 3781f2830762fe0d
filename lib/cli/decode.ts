/**
 * Reads a token WITHOUT trusting it: no signature is checked, nothing is fetched. A compact JWS
 * (RFC 7515 §7.1) gives its header and claims; a compact JWE (RFC 7516 §7.1) only its header;
 * anything else is an opaque token that only its issuer can explain.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createHash } from 'node:crypto';
import { isObject } from '../util/json.js';

/** What can be read from a token. */
export type DecodedToken =
  | {
      kind: 'jwt';
      fingerprint: string;
      length: number;
      header: Record<string, unknown>;
      claims: Record<string, unknown>;
      /** `false` when the signature segment is empty (unsigned). */
      signed: boolean;
    }
  | { kind: 'jwe'; fingerprint: string; length: number; header: Record<string, unknown> }
  | { kind: 'malformed-jwt'; fingerprint: string; length: number; problem: string }
  | { kind: 'opaque'; fingerprint: string; length: number };

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * A short, stable name for a token that does not reveal it: `sha256:` and 12 hex digits.
 *
 * @example
 * ```ts
 * fingerprint('abc'); // 'sha256:ba7816bf8f01'
 * ```
 */
export function fingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

/**
 * Cleans what a user pasted: surrounding white space, a `Bearer ` prefix, an `Authorization:`
 * header name.
 *
 * @example
 * ```ts
 * cleanTokenInput('Authorization: Bearer abc\n'); // 'abc'
 * ```
 */
export function cleanTokenInput(input: string): string {
  return input
    .trim()
    .replace(/^authorization:\s*/i, '')
    .replace(/^bearer\s+/i, '')
    .trim();
}

/**
 * Decodes `token` without verifying it.
 *
 * @example
 * ```ts
 * const decoded = decodeToken(token);
 * if (decoded.kind === 'jwt') decoded.claims.exp;
 * ```
 */
export function decodeToken(token: string): DecodedToken {
  const base = { fingerprint: fingerprint(token), length: token.length };
  const parts = token.split('.');
  if ((parts.length !== 3 && parts.length !== 5) || !parts.every((p) => SEGMENT.test(p))) {
    return { kind: 'opaque', ...base };
  }
  let header: unknown;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return parts.length === 3 && parts[0] !== '' && parts[1] !== ''
      ? { kind: 'malformed-jwt', ...base, problem: 'the header is not base64url-encoded JSON' }
      : { kind: 'opaque', ...base };
  }
  if (!isObject(header)) {
    return { kind: 'malformed-jwt', ...base, problem: 'the header is not a JSON object' };
  }
  if (parts.length === 5) return { kind: 'jwe', ...base, header };
  try {
    return { kind: 'jwt', ...base, header, claims: decodeJwt(token), signed: parts[2] !== '' };
  } catch {
    return {
      kind: 'malformed-jwt',
      ...base,
      problem: 'the payload is not a JSON object of claims',
    };
  }
}
