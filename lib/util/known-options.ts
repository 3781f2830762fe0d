/**
 * The one check every factory runs first: an option key it does not know is a configuration
 * mistake (a typo would silently switch a check off), answered with a `TypeError` naming the
 * key and, for names users bring from other libraries, saying what to write instead.
 */

/** Names other libraries use, and what to write in bearer-guard instead. */
const FOREIGN_NAMES: Readonly<Record<string, string>> = Object.freeze({
  // express-oauth2-jwt-bearer
  issuerBaseURL: 'write jwtVerifier({ discovery: <issuer URL> }) (or "issuer" with a key source)',
  tokenSigningAlg: 'write "algorithms" on jwtVerifier (a list)',
  authRequired: 'write bearerAuth({ optional: true }) for routes where a token is optional',
  validators: 'use requireClaims() after bearerAuth, or "requiredClaims" on jwtVerifier',
  cacheMaxAge: 'write "jwksMaxAgeMs" on jwtVerifier',
  agent: 'write "dispatcher" (an undici Dispatcher) on the verifier that makes the call',
  getCertificate: 'write bearerAuth({ mtls: { certificate } })',
  // express-jwt
  getToken: 'write bearerAuth({ tokenLocations: [(req) => token] })',
  credentialsRequired: 'write bearerAuth({ optional: true }) to let requests without a token in',
  requestProperty: 'bearer-guard always sets req.auth',
  isRevoked: 'use sharedCache() and bearerAuth({ revocation })',
  // passport-jwt
  secretOrKey: 'write jwtVerifier({ publicKey }) or jwtVerifier({ secret }) for HMAC',
  secretOrKeyProvider: 'write jwtVerifier({ jwksUri }) or jwtVerifier({ discovery })',
  jwtFromRequest: 'write bearerAuth({ tokenLocations })',
  ignoreExpiration: 'expired tokens are always refused; "clockTolerance" allows a little skew',
  passReqToCallback: 'the directory receives (identity, req, ctx)',
  // jsonwebtoken / jwks-rsa
  clockTimestamp: 'write "now" (a function returning milliseconds)',
  maxAge: 'write "maxTokenAge" (seconds) on jwtVerifier or introspectionVerifier',
  jwksRequestsPerMinute: 'write "cooldownMs" on jwtVerifier',
  rateLimit: 'jwtVerifier limits key-set fetches with "cooldownMs"',
  cacheMaxEntries: 'write cache: { max } on the verifier',
  timeout: 'write "timeoutMs"',
  requestAgent: 'write "dispatcher" (an undici Dispatcher)',
  fetcher: 'write "dispatcher" (an undici Dispatcher)',
});

/** Levenshtein distance, capped: only small distances matter for a "did you mean". */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    const d = distance(lower, name.toLowerCase(), 2);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Throws a `TypeError` for the first own key of `options` that is not in `known`. A key whose
 * value is `undefined` counts as absent. `hints` (this factory's own advice for names that
 * belong elsewhere) wins over the shared table of other libraries' names.
 *
 * @example
 * ```ts
 * checkKnownOptions('jwtVerifier', { audiance: 'api' }, ['audience', 'issuer']);
 * // TypeError: jwtVerifier: unknown option "audiance" (did you mean "audience"?)
 * ```
 */
export function checkKnownOptions(
  factory: string,
  options: object,
  known: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    if ((options as Record<string, unknown>)[key] === undefined) continue;
    const own = Object.prototype.hasOwnProperty.call(hints, key) ? hints[key] : undefined;
    const foreign = Object.prototype.hasOwnProperty.call(FOREIGN_NAMES, key)
      ? FOREIGN_NAMES[key]
      : undefined;
    const advice = own ?? foreign;
    if (advice) throw new TypeError(`${factory}: unknown option "${key}": ${advice}`);
    const suggestion = closest(key, known);
    throw new TypeError(
      `${factory}: unknown option "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    );
  }
}
