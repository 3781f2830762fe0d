/**
 * mintJwt(): signs test tokens with a default for every claim, so a test states only what it is
 * about: `mintJwt({ exp: secondsFromNow(-120) })`.
 */
import { SignJWT, type JWTPayload } from 'jose';
import { testKey, type TestKey } from './keys.js';

export const ISSUER = 'https://id.example.test';
export const AUDIENCE = 'https://api.example.test';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export const secondsFromNow = (seconds: number): number => nowSeconds() + seconds;

export interface MintOptions {
  key?: TestKey;
  header?: Record<string, unknown>;
  /** Claims merged over the defaults; a claim set to `undefined` is left out. */
  claims?: Record<string, unknown>;
}

export const DEFAULT_CLAIMS: JWTPayload = {
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'user-1',
  preferred_username: 'admin',
  scope: 'read write',
};

/** A signed JWT with default claims (`exp` one hour ahead) overridden by `options.claims`. */
export async function mintJwt(options: MintOptions = {}): Promise<string> {
  const key = options.key ?? testKey('RS256');
  const merged: Record<string, unknown> = {
    iat: nowSeconds(),
    exp: secondsFromNow(3600),
    ...DEFAULT_CLAIMS,
    ...options.claims,
  };
  const payload = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
  return new SignJWT(payload as JWTPayload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header })
    .sign(key.privateKey);
}

/** base64url of a JSON value or a string. */
export const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An unsigned token with the given header and payload and a fake signature. */
export function forgeJwt(header: unknown, payload: unknown, signature = 'c2ln'): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}
