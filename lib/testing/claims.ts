/**
 * Claim sets of the testing kit's tokens: defaults, overrides, and the shapes of the deliberately
 * broken tokens (expired, not yet valid, wrong audience, wrong issuer, no scope).
 */

/** Claims as the testing kit takes them; a claim set to `undefined` is left out of the token. */
export type TestClaims = Record<string, unknown>;

/** How long a valid test token lives, in seconds. */
export const DEFAULT_LIFETIME_SECONDS = 3600;
/**
 * The audience of `wrongAudienceToken()`.
 *
 * @example
 * ```ts
 * decodeJwt(await issuer.wrongAudienceToken()).aud === WRONG_AUDIENCE; // true
 * ```
 */
export const WRONG_AUDIENCE = 'urn:bearer-guard:testing:wrong-audience';
/**
 * The issuer of `wrongIssuerToken()`.
 *
 * @example
 * ```ts
 * decodeJwt(await issuer.wrongIssuerToken()).iss === WRONG_ISSUER; // true
 * ```
 */
export const WRONG_ISSUER = 'https://wrong-issuer.invalid';

/**
 * Claims of every token unless overridden: a user `test-user` with scopes `read write`.
 *
 * @example
 * ```ts
 * users.push({ name: DEFAULT_TEST_CLAIMS.preferred_username });
 * ```
 */
export const DEFAULT_TEST_CLAIMS: Readonly<TestClaims> = Object.freeze({
  sub: 'test-user',
  preferred_username: 'test-user',
  scope: 'read write',
});

/**
 * Layers claim sets left to right, then drops the claims set to `undefined`.
 *
 * @example
 * ```ts
 * mergeClaims({ a: 1, b: 2 }, { b: undefined }); // { a: 1 }
 * ```
 */
export function mergeClaims(...layers: ReadonlyArray<TestClaims | undefined>): TestClaims {
  const merged: TestClaims = Object.assign({}, ...layers);
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}
