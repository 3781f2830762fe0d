/**
 * BearerAuthError: the one error type of bearer-guard, and the table that decides, per reason
 * code, which status, OAuth error code and public message a refusal gets.
 */
import { MESSAGES, insufficientScopeMessage } from './messages.js';
import type { ReasonCode } from './reasons.js';
import type { AuthScheme } from './types.js';

/** The OAuth error codes of RFC 6750 §3.1 that bearer-guard answers with. */
export type OAuthErrorCode =
  | 'invalid_token'
  | 'invalid_request'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

interface PublicError {
  status: number;
  oauthError: OAuthErrorCode | undefined;
  message: string;
}

const INVALID: PublicError = {
  status: 400,
  oauthError: 'invalid_token',
  message: MESSAGES.tokenInvalid,
};
const EXPIRED: PublicError = {
  status: 401,
  oauthError: 'invalid_token',
  message: MESSAGES.tokenExpired,
};
const INACTIVE: PublicError = {
  status: 401,
  oauthError: 'invalid_token',
  message: MESSAGES.expiredOrInvalidClient,
};
const NO_USER: PublicError = {
  status: 400,
  oauthError: 'invalid_token',
  message: MESSAGES.userNotFound,
};
const UNAVAILABLE: PublicError = {
  status: 503,
  oauthError: undefined,
  message: MESSAGES.unavailable,
};
const BAD_PROOF: PublicError = {
  status: 401,
  oauthError: 'invalid_dpop_proof',
  message: MESSAGES.proofInvalid,
};
const UNPROVEN: PublicError = {
  status: 401,
  oauthError: 'invalid_token',
  message: MESSAGES.bindingNotProven,
};
const malformed = (message: string): PublicError => ({
  status: 400,
  oauthError: 'invalid_request',
  message,
});

/** Reason code → public answer. Exhaustive: a new reason code does not compile without a row. */
const PUBLIC_ERRORS: Readonly<Record<ReasonCode, PublicError>> = Object.freeze({
  token_missing: { status: 401, oauthError: undefined, message: MESSAGES.tokenMissing },
  token_malformed: malformed(MESSAGES.requestMalformed),
  token_too_long: malformed(MESSAGES.tokenTooLong),
  token_multiple_locations: malformed(MESSAGES.tokenInTwoPlaces),
  dpop_proof_missing: malformed(MESSAGES.proofMissing),
  dpop_proof_multiple: malformed(MESSAGES.proofMultiple),
  dpop_scheme_mismatch: malformed(MESSAGES.proofWithOtherScheme),
  dpop_proof_invalid: BAD_PROOF,
  dpop_proof_mismatch: BAD_PROOF,
  dpop_proof_expired: BAD_PROOF,
  dpop_proof_replayed: BAD_PROOF,
  dpop_nonce_required: {
    status: 401,
    oauthError: 'use_dpop_nonce',
    message: MESSAGES.nonceRequired,
  },
  token_not_jwt: INVALID,
  not_client_credentials: INVALID,
  token_unrecognized: INVALID,
  jwt_malformed: INVALID,
  algorithm_not_allowed: INVALID,
  key_not_found: INVALID,
  signature_invalid: INVALID,
  issuer_mismatch: INVALID,
  audience_mismatch: INVALID,
  typ_mismatch: INVALID,
  claim_invalid: INVALID,
  claim_missing: INVALID,
  crit_unsupported: INVALID,
  token_not_yet_valid: INVALID,
  token_expired: EXPIRED,
  token_too_old: EXPIRED,
  token_issued_in_future: INVALID,
  token_type_not_access: INACTIVE,
  token_inactive: INACTIVE,
  token_revoked: INACTIVE,
  subject_revoked: INACTIVE,
  client_mismatch: INACTIVE,
  client_not_mapped: INACTIVE,
  client_unauthorized: INACTIVE,
  provider_rejected: INACTIVE,
  token_binding_unsupported: UNPROVEN,
  dpop_bound_token_as_bearer: UNPROVEN,
  dpop_key_mismatch: UNPROVEN,
  dpop_token_unbound: UNPROVEN,
  dpop_required: UNPROVEN,
  certificate_missing: UNPROVEN,
  certificate_mismatch: UNPROVEN,
  certificate_binding_required: UNPROVEN,
  username_missing: NO_USER,
  user_not_found: NO_USER,
  upstream_timeout: UNAVAILABLE,
  upstream_unreachable: UNAVAILABLE,
  upstream_error: UNAVAILABLE,
  upstream_invalid_response: UNAVAILABLE,
  upstream_too_large: UNAVAILABLE,
  upstream_redirect: UNAVAILABLE,
  directory_error: UNAVAILABLE,
  mapping_error: UNAVAILABLE,
  verifier_error: UNAVAILABLE,
  replay_store_error: UNAVAILABLE,
  replay_store_full: UNAVAILABLE,
  answer_audience_mismatch: INACTIVE,
  insufficient_scope: {
    status: 403,
    oauthError: 'insufficient_scope',
    message: insufficientScopeMessage([]),
  },
  claims_mismatch: {
    status: 403,
    oauthError: 'insufficient_scope',
    message: MESSAGES.claimsMismatch,
  },
  insufficient_user_authentication: {
    status: 401,
    oauthError: 'insufficient_user_authentication',
    message: MESSAGES.stepUpRequired,
  },
  guard_without_auth: { status: 500, oauthError: undefined, message: MESSAGES.internal },
});

/** The row of `reason`, own rows only: a reason named like an Object method has none. */
function publicError(reason: string): PublicError | undefined {
  return Object.prototype.hasOwnProperty.call(PUBLIC_ERRORS, reason)
    ? PUBLIC_ERRORS[reason as ReasonCode]
    : undefined;
}

/** `true` when `reason` is a reason code answered with 503 (an upstream could not decide). */
export function isOutageReason(reason: string): boolean {
  return publicError(reason)?.status === 503;
}

/** Options of the `BearerAuthError` constructor beyond the reason code. */
export interface BearerAuthErrorOptions {
  /** The private cause: reaches `onDecision` and logs, never a response. */
  cause?: unknown;
  /** The verifier that decided. */
  verifier?: string;
  /** Scopes a guard requires (for `WWW-Authenticate: … scope="…"`). */
  scopes?: readonly string[];
  /** Overrides the public message (guards naming their scopes). */
  message?: string;
  /** The scheme the request used: the challenge carrying the error is this scheme's. */
  scheme?: AuthScheme;
  /** A fresh DPoP nonce for the `DPoP-Nonce` header (RFC 9449 §8). */
  dpopNonce?: string;
  /** RFC 9470: authentication context classes that would satisfy the request. */
  acrValues?: readonly string[];
  /** RFC 9470: the greatest acceptable age of the authentication, in seconds. */
  maxAge?: number;
}

/**
 * A refusal: carries everything needed to answer it. The `message` is the public one (pinned
 * wording); `reason` and `cause` are for operators.
 *
 * @example
 * ```ts
 * const err = new BearerAuthError('token_expired');
 * err.status;     // 401
 * err.message;    // 'Token Expired: The token provided is expired.'
 * err.oauthError; // 'invalid_token'
 * ```
 */
export class BearerAuthError extends Error {
  override readonly name = 'BearerAuthError';
  /** HTTP status answered (once rendered: the status of the rendered answer). */
  status: number;
  /** Why, as a stable reason code. */
  readonly reason: ReasonCode;
  /** RFC 6750 error code, or `undefined` (no token, upstream down). */
  readonly oauthError: OAuthErrorCode | undefined;
  /** The verifier that decided, when one did. */
  readonly verifier: string | undefined;
  /** Scopes a guard requires. */
  readonly scopes: readonly string[];
  /** The scheme the request used, when it sent a token. */
  readonly scheme: AuthScheme | undefined;
  /** A fresh DPoP nonce the client must use (`use_dpop_nonce`). */
  readonly dpopNonce: string | undefined;
  /** RFC 9470: authentication context classes that would satisfy the request. */
  readonly acrValues: readonly string[];
  /** RFC 9470: the greatest acceptable age of the authentication, in seconds. */
  readonly maxAge: number | undefined;
  /**
   * Once rendered: the answer's headers as a plain object (challenge, `Retry-After`,
   * `DPoP-Nonce`, `Cache-Control`). Set before the error reaches `next(err)`.
   */
  headers: Record<string, string> | undefined;
  /** Once rendered: the answer's body, as the configured error format builds it. */
  body: unknown;

  constructor(reason: ReasonCode, options: BearerAuthErrorOptions = {}) {
    const known = publicError(reason) ?? INVALID;
    super(options.message ?? known.message, { cause: options.cause });
    this.status = known.status;
    this.reason = reason;
    this.oauthError = known.oauthError;
    this.verifier = options.verifier;
    this.scopes = Object.freeze([...(options.scopes ?? [])]);
    this.scheme = options.scheme;
    this.dpopNonce = options.dpopNonce;
    this.acrValues = Object.freeze([...(options.acrValues ?? [])]);
    this.maxAge = options.maxAge;
    this.headers = undefined;
    this.body = undefined;
  }

  /** The `status` Express's default error handler and express-jwt habits read. */
  get statusCode(): number {
    return this.status;
  }
}

/** A scope guard's refusal, naming every scope it requires. */
export function insufficientScope(
  scopes: readonly string[],
  mode: 'all' | 'any' = 'all',
): BearerAuthError {
  return new BearerAuthError('insufficient_scope', {
    scopes,
    message: insufficientScopeMessage(scopes, mode),
  });
}
