/**
 * Reading a compact JWS (RFC 7515 §7.1) without trusting it, each part decoded once: the header
 * and the payload as JSON objects, whether every part is the canonical base64url spelling of its
 * bytes (RFC 7515 §2), and the signing input with the signature's bytes for `node:crypto`
 * (`splitCompact`, as the DPoP proof reader splits a proof). The header and payload are read as
 * jose reads them (strict UTF-8 with a leading byte-order mark dropped, a plain JSON object or
 * nothing), so a verifier reading with this module and one reading with jose's
 * `decodeProtectedHeader`/`decodeJwt` see the same token.
 */
import { isObject } from '../util/json.js';
import { splitCompact, type CompactParts } from './jws-signature.js';

/** A compact JWS: three base64url segments, the last one possibly empty. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Strict UTF-8: a part that is not UTF-8 is not JSON (jose decodes with `fatal: true` too). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What a compact JWS says before any check of its signature. */
export interface CompactRead {
  /** The protected header, a JSON object. */
  header: Record<string, unknown>;
  /** The payload when it is a JSON object; `undefined` when it is not. */
  payload: Record<string, unknown> | undefined;
  /** `true` when each part is the one canonical unpadded base64url spelling of its bytes. */
  canonical: boolean;
  parts: CompactParts;
}

/**
 * A JSON object from a part's bytes, or `undefined`. A part whose length leaves one character
 * over is not base64url at all (no byte ends there): refused, as jose refuses it.
 */
function jsonObject(segment: string, bytes: Buffer): Record<string, unknown> | undefined {
  if (segment.length % 4 === 1) return undefined;
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads `token` as a compact JWS; `undefined` when it is not one whose header is a JSON object.
 *
 * @example
 * ```ts
 * const read = readCompact(token);
 * if (read?.canonical && read.payload) verify(read.header.alg, key, read.parts);
 * ```
 */
export function readCompact(token: string): CompactRead | undefined {
  if (!COMPACT_JWS.test(token)) return undefined;
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  const headerPart = token.slice(0, first);
  const headerBytes = Buffer.from(headerPart, 'base64url');
  const header = jsonObject(headerPart, headerBytes);
  if (header === undefined) return undefined;
  const parts = splitCompact(token) as CompactParts; // three parts: COMPACT_JWS says so
  const payloadPart = token.slice(first + 1, last);
  const payloadBytes = Buffer.from(payloadPart, 'base64url');
  const canonical =
    headerBytes.toString('base64url') === headerPart &&
    payloadBytes.toString('base64url') === payloadPart &&
    parts.signature.toString('base64url') === token.slice(last + 1);
  return { header, payload: jsonObject(payloadPart, payloadBytes), canonical, parts };
}
