/**
 * bearer-guard/testing: a local token issuer for an application's own test suite. Import it from
 * tests only; the main entry point never loads it.
 *
 * @example
 * ```ts
 * import { createTestIssuer } from 'bearer-guard/testing';
 * const issuer = createTestIssuer();
 * const token = await issuer.tokenWithScopes('read');
 * ```
 */
export { createTestIssuer } from './issuer.js';
export type {
  ServeJwksOptions,
  ServedJwks,
  TestIssuer,
  TestIssuerOptions,
  TestTokenOptions,
  TestVerifierOptions,
} from './issuer.js';
export { DEFAULT_TEST_CLAIMS, WRONG_AUDIENCE, WRONG_ISSUER } from './claims.js';
export type { TestClaims } from './claims.js';
export type { JwksServer } from './jwks-server.js';
export type { TestAlgorithm } from './signing-key.js';
