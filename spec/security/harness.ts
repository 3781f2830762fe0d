/**
 * Shared pieces of the attack corpus: the pinned refusals, a raw JWS signer for header and
 * payload bytes that jose would never produce, and one-call request helpers.
 */
import { expect } from '@jest/globals';
import { createHmac, sign as cryptoSign } from 'node:crypto';
import type { Express } from 'express';
import { type Response } from 'supertest';
import { MESSAGES, type Decision } from '../../lib/index.js';
import type { TestKey } from '../helpers/keys.js';
import { b64url, DEFAULT_CLAIMS, nowSeconds, secondsFromNow } from '../helpers/tokens.js';
import { getMyself, MYSELF, seed } from '../helpers/app.js';

/** A pinned refusal: status, exact body and challenge header. */
export interface Refusal {
  status: number;
  body: unknown;
  challenge: string | undefined;
}

/** 400 `Token Invalid`: unparseable, bad signature, wrong alg/issuer/audience, unrecognised. */
export const INVALID: Refusal = {
  status: 400,
  body: seed(MESSAGES.tokenInvalid),
  challenge: 'Bearer realm="api", error="invalid_token"',
};
/** 401 `Token Expired`. */
export const EXPIRED: Refusal = {
  status: 401,
  body: seed(MESSAGES.tokenExpired),
  challenge: 'Bearer realm="api", error="invalid_token"',
};
/** 400 malformed Authorization header. */
export const MALFORMED: Refusal = {
  status: 400,
  body: seed(MESSAGES.requestMalformed),
  challenge: 'Bearer realm="api", error="invalid_request"',
};
/** 400 token longer than `maxTokenLength`. */
export const TOO_LONG: Refusal = {
  status: 400,
  body: seed(MESSAGES.tokenTooLong),
  challenge: 'Bearer realm="api", error="invalid_request"',
};
/** 400 token sent in more than one place. */
export const TWO_PLACES: Refusal = {
  status: 400,
  body: seed(MESSAGES.tokenInTwoPlaces),
  challenge: 'Bearer realm="api", error="invalid_request"',
};
/** 401 no bearer token. */
export const MISSING: Refusal = {
  status: 401,
  body: seed(MESSAGES.tokenMissing),
  challenge: 'Bearer realm="api"',
};
/** 503 upstream down. */
export const UNAVAILABLE: Refusal = {
  status: 503,
  body: seed(MESSAGES.unavailable),
  challenge: undefined,
};

/** The protected route every corpus app serves. */
export const ROUTE = MYSELF;

/** `GET ROUTE` with `Authorization: Bearer <token>`. */
export function sendToken(app: Express, token: string): Promise<Response> {
  return getMyself(app, token);
}

/** Asserts the pinned refusal and that `onDecision` saw exactly one refusal for `reason`. */
export function expectRefusal(
  res: Response,
  refusal: Refusal,
  decisions: readonly Decision[],
  reason: string,
): void {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status: refusal.status,
    body: refusal.body,
  });
  expect(res.headers['www-authenticate']).toBe(refusal.challenge);
  expect(decisions).toHaveLength(1);
  expect(decisions[0]).toMatchObject({ reason, status: refusal.status });
  expect(decisions[0]?.outcome).not.toBe('accept');
}

/**
 * A compact JWS over exactly the given header and payload text (duplicate keys, odd spacing,
 * non-JSON payloads), signed with `key` for `alg` (RS*, PS*, ES*, EdDSA).
 */
export function signCompact(key: TestKey, header: string, payload: string, alg = key.alg): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const signature = cryptoSign(hash, Buffer.from(input), {
    key: key.privateKey,
    ...(alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    ...(alg.startsWith('PS') ? { padding: 6, saltLength: Number(alg.slice(2)) / 8 } : {}),
  });
  return `${input}.${signature.toString('base64url')}`;
}

/** The three segments of a compact token. */
export function segments(token: string): [string, string, string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
}

/** Every other spelling of `segment` that decodes to the same bytes (non-zero pad bits). */
export function nonCanonicalTwins(segment: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = Buffer.from(segment, 'base64url');
  const last = segment.slice(-1);
  return [...alphabet]
    .filter((c) => c !== last)
    .map((c) => segment.slice(0, -1) + c)
    .filter((twin) => Buffer.from(twin, 'base64url').equals(bytes));
}

/** An HS* token keyed with `secret`: what an attacker builds from a public key (RFC 8725 §2.1). */
export function hmacCompact(
  secret: string | Buffer,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const alg = String(header.alg);
  const input = `${b64url(header)}.${b64url(payload)}`;
  const mac = createHmac(`sha${alg.slice(2)}`, secret)
    .update(input)
    .digest('base64url');
  return `${input}.${mac}`;
}

/** Default claims of a token that would be accepted if its signature were. */
export function validClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...DEFAULT_CLAIMS, iat: nowSeconds(), exp: secondsFromNow(3600), ...extra };
}
