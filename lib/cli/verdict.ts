/**
 * What can be said of a token without its keys or its issuer: whether something in it already
 * rules it out. bearerAuth refuses such a token whatever verifier it is configured with, so the
 * explainer exits non-zero on it even without `--config`. Pure; the time is an argument.
 */
import { B64TOKEN } from '../extract.js';
import type { DecodedToken } from './decode.js';

/** bearerAuth's default allowance for clock skew, in seconds (jwtVerifier `clockTolerance`). */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

/** `typ` values of access tokens (RFC 9068 §2.1; absent is fine too). */
const ACCESS_TYPES = new Set(['jwt', 'application/jwt', 'at+jwt', 'application/at+jwt']);

/** The offline verdict: `problems` lists why the token cannot be valid (empty: it may be). */
export interface OfflineVerdict {
  possible: boolean;
  problems: string[];
}

/**
 * Why a token cannot be valid, from its text and decoded parts alone.
 *
 * @example
 * ```ts
 * offlineVerdict(token, decodeToken(token), Date.now() / 1000);
 * // { possible: false, problems: ['expired 3 minutes ago (exp)'] }
 * ```
 */
export function offlineVerdict(
  token: string,
  decoded: DecodedToken,
  nowSeconds: number,
): OfflineVerdict {
  const problems: string[] = [];
  if (!B64TOKEN.test(token)) {
    problems.push('it has characters a bearer token cannot have (RFC 6750 b64token)');
  }
  // Three dot-separated parts whose first does not decode may still be an opaque token (RFC 6750's
  // own example, "mF_9.B5f-4.1JqM"); a first part that starts like base64url JSON ("eyJ" = `{"`)
  // was meant as a JWT header.
  if (decoded.kind === 'malformed-jwt' && token.startsWith('eyJ')) {
    problems.push(`malformed JWT: ${decoded.problem}`);
  }
  if (decoded.kind === 'jwt') {
    const { header, claims } = decoded;
    const alg = header.alg;
    if (typeof alg !== 'string') problems.push('no "alg" in the header');
    else if (alg.toLowerCase() === 'none') problems.push('unsigned ("alg": "none")');
    else if (!decoded.signed) problems.push('the signature is empty');
    if (header.crit !== undefined) problems.push('"crit" header parameter (never supported)');
    const typ = header.typ;
    if (typ !== undefined && (typeof typ !== 'string' || !ACCESS_TYPES.has(typ.toLowerCase()))) {
      problems.push(`"typ" ${JSON.stringify(typ)} is not an access token type`);
    }
    const tolerance = DEFAULT_CLOCK_TOLERANCE_SECONDS;
    for (const name of ['exp', 'nbf', 'iat'] as const) {
      const value = claims[name];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
        problems.push(`"${name}" is not a number of seconds`);
      }
    }
    if (typeof claims.exp === 'number' && claims.exp <= nowSeconds - tolerance) {
      problems.push(`expired ${ago(nowSeconds - claims.exp)} ago ("exp")`);
    }
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + tolerance) {
      problems.push(`not valid for another ${ago(claims.nbf - nowSeconds)} ("nbf")`);
    }
    if (typeof claims.iat === 'number' && claims.iat > nowSeconds + tolerance) {
      problems.push(`issued in the future, in ${ago(claims.iat - nowSeconds)} ("iat")`);
    }
  }
  return { possible: problems.length === 0, problems };
}

function ago(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} seconds`;
  if (s < 7200) return `${Math.round(s / 60)} minutes`;
  if (s < 172_800) return `${Math.round(s / 3600)} hours`;
  return `${Math.round(s / 86_400)} days`;
}
