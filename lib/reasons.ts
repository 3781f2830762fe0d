/**
 * Reason codes: why a token was accepted, passed or refused. Match on these, never on messages.
 * They reach `onDecision` and logs; the response only ever carries the public message.
 */
export const REASON_CODES = [
  // the request itself
  'token_missing',
  'token_malformed',
  'token_too_long',
  'token_multiple_locations',
  'dpop_proof_missing',
  'dpop_proof_multiple',
  'dpop_scheme_mismatch',
  // a DPoP proof (RFC 9449)
  'dpop_proof_invalid',
  'dpop_proof_mismatch',
  'dpop_proof_expired',
  'dpop_proof_replayed',
  'dpop_nonce_required',
  // a verifier's "not mine"
  'token_not_jwt',
  'not_client_credentials',
  'token_unrecognized',
  // the token is bad
  'jwt_malformed',
  'algorithm_not_allowed',
  'key_not_found',
  'signature_invalid',
  'issuer_mismatch',
  'audience_mismatch',
  'typ_mismatch',
  'claim_invalid',
  'claim_missing',
  'crit_unsupported',
  'token_not_yet_valid',
  'token_expired',
  'token_too_old',
  'token_issued_in_future',
  'token_type_not_access',
  'token_inactive',
  'token_revoked',
  'subject_revoked',
  'client_mismatch',
  'client_not_mapped',
  'client_unauthorized',
  'provider_rejected',
  // what the token is bound to (RFC 9449, RFC 8705)
  'token_binding_unsupported',
  'dpop_bound_token_as_bearer',
  'dpop_key_mismatch',
  'dpop_token_unbound',
  'dpop_required',
  'certificate_missing',
  'certificate_mismatch',
  'certificate_binding_required',
  // the user
  'username_missing',
  'user_not_found',
  // upstreams
  'upstream_timeout',
  'upstream_unreachable',
  'upstream_error',
  'upstream_invalid_response',
  'upstream_too_large',
  'upstream_redirect',
  'directory_error',
  'mapping_error',
  'verifier_error',
  'replay_store_error',
  'replay_store_full',
  // an introspection answer naming another audience, or none (inactive for this API)
  'answer_audience_mismatch',
  // guards
  'insufficient_scope',
  'claims_mismatch',
  'insufficient_user_authentication',
  'guard_without_auth',
] as const;

/** One reason code: see `REASON_CODES`. */
export type ReasonCode = (typeof REASON_CODES)[number];
