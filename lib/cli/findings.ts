/**
 * What deserves a warning in a decoded token: dangerous header parameters (RFC 8725 §2, §3.1,
 * §3.10) and claims that are missing or out of time. Pure; the current time is an argument.
 */

/** One remark about a token. */
export interface Finding {
  level: 'danger' | 'warning';
  text: string;
}

/** Header parameters that point at, or carry, a key: never followed by bearer-guard. */
const KEY_POINTERS: Readonly<Record<string, string>> = Object.freeze({
  jku: 'points at a JWK Set URL',
  x5u: 'points at a certificate URL',
  jwk: 'embeds its own public key',
  x5c: 'embeds its own certificate chain',
});

/**
 * Warnings about a JWS header.
 *
 * @example
 * ```ts
 * headerFindings({ alg: 'none' }); // [{ level: 'danger', text: 'alg "none": …' }]
 * ```
 */
export function headerFindings(header: Record<string, unknown>): Finding[] {
  const found: Finding[] = [];
  const alg = header.alg;
  if (typeof alg !== 'string') {
    found.push({ level: 'danger', text: 'no "alg": the token cannot be verified' });
  } else if (alg.toLowerCase() === 'none') {
    found.push({ level: 'danger', text: 'alg "none": an unsigned token, never accepted' });
  } else if (/^HS/i.test(alg)) {
    found.push({
      level: 'danger',
      text: `alg "${alg}": HMAC with a shared secret; only jwtVerifier({ secret }) accepts it, never a public-key verifier`,
    });
  }
  for (const [name, what] of Object.entries(KEY_POINTERS)) {
    if (header[name] !== undefined) {
      found.push({
        level: 'danger',
        text: `"${name}" ${what}: ignored, keys come only from the configuration`,
      });
    }
  }
  if (header.crit !== undefined) {
    found.push({
      level: 'danger',
      text: '"crit" lists extensions that must be understood: rejected',
    });
  }
  if (header.kid === undefined) {
    found.push({ level: 'warning', text: 'no "kid": every key of a JWK Set is tried' });
  }
  return found;
}

/**
 * Warnings about claims: no expiry, expired, not yet valid, no issuer or audience.
 *
 * @example
 * ```ts
 * claimFindings({ exp: now - 60 }, now); // [{ level: 'warning', text: 'expired …' }, …]
 * ```
 */
export function claimFindings(claims: Record<string, unknown>, nowSeconds: number): Finding[] {
  const found: Finding[] = [];
  if (typeof claims.exp !== 'number') {
    found.push({ level: 'warning', text: 'no "exp": the token never expires' });
  } else if (claims.exp <= nowSeconds) {
    found.push({ level: 'warning', text: 'expired: refused with 401 "Token Expired"' });
  }
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) {
    found.push({ level: 'warning', text: 'not valid yet ("nbf" is in the future)' });
  }
  if (claims.iss === undefined) found.push({ level: 'warning', text: 'no "iss" (issuer)' });
  if (claims.aud === undefined) found.push({ level: 'warning', text: 'no "aud" (audience)' });
  return found;
}
