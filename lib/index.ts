/**
 * bearer-guard: Express middleware that protects REST APIs with OAuth 2.0 bearer tokens.
 */
import './augment.js';

export type { Register, RegisteredClaims, RegisteredUser, RequestAuth } from './augment.js';

export { bearerAuth } from './middleware.js';
export type { BearerAuthMiddleware } from './middleware.js';
export { BEARER_AUTH_DEFAULTS } from './options.js';
export type { BearerAuthOptions } from './options.js';
export { jwtVerifier } from './verifiers/jwt.js';
export type { JwtVerifierOptions, UsernameClaim } from './verifiers/jwt.js';
export { memoryDirectory } from './directory/memory.js';
export type { MemoryDirectoryOptions } from './directory/memory.js';
export type { DirectoryInput } from './directory/adapt.js';
export { requireScopes, requireAnyScope, requireClaims, requireAuthentication } from './guards.js';
export type { AuthenticationRequirement, ClaimsRequirement } from './guards.js';
export type {
  CertificateEncoding,
  CertificateFinder,
  ForwardedCertificateOptions,
  MtlsOptions,
  TrustedProxies,
} from './binding/mtls-options.js';
export type { ResourceMetadataOptions } from './metadata/options.js';
export { BearerAuthError } from './errors.js';
export type { BearerAuthErrorOptions, OAuthErrorCode } from './errors.js';
export { MESSAGES } from './messages.js';
export { REASON_CODES } from './reasons.js';
export type { ReasonCode } from './reasons.js';
export type { ErrorFormat, ErrorFormatter, ErrorResponse } from './respond.js';
export type { TokenLocation } from './extract.js';
export type { TokenCacheOptions } from './cache/token-cache.js';
export type {
  AuthResult,
  Claims,
  Decision,
  DirectoryLookup,
  DirectoryUser,
  Identity,
  UserDirectory,
  Verdict,
  Verifier,
  VerifyContext,
} from './types.js';
export { introspectionVerifier } from './verifiers/introspection.js';
export type {
  ClientAuthMethod,
  IntrospectionVerifier,
  IntrospectionVerifierOptions,
} from './verifiers/introspection.js';
export {
  clientCredentialsVerifier,
  isClientCredentialsToken,
} from './verifiers/client-credentials.js';
export type {
  ClientCredentialsVerifierOptions,
  ServiceAccount,
  ServiceAccountLookup,
  ServiceAccountMap,
} from './verifiers/client-credentials.js';
export { oauthProviderVerifier } from './verifiers/oauth-provider.js';
export type {
  CustomProviderOptions,
  OAuthProviderOptions,
  PresetName,
  PresetProviderOptions,
  ProfileField,
  ProviderCommonOptions,
  ProviderName,
} from './verifiers/oauth-provider.js';
