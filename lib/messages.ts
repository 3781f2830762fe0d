/**
 * Public messages. The first four are the REST API document's, byte for byte (pinned);
 * the others are bearer-guard's own wording, stable and documented in the README.
 */
export const MESSAGES = Object.freeze({
  tokenInvalid: 'Token Invalid: Error while validating the token.',
  tokenExpired: 'Token Expired: The token provided is expired.',
  expiredOrInvalidClient: 'Expired Token / invalid_client_ID',
  userNotFound: 'No user found with this username/email address',
  tokenMissing: 'Token Missing: A bearer token is required to access this resource.',
  requestMalformed: 'Bad Request: The Authorization header is not a valid bearer token.',
  tokenTooLong: 'Bad Request: The bearer token is too long.',
  tokenInTwoPlaces: 'Bad Request: The bearer token was sent in more than one place.',
  proofMissing: 'Bad Request: The DPoP scheme requires a DPoP proof header.',
  proofMultiple: 'Bad Request: The request carries more than one DPoP proof.',
  proofWithOtherScheme: 'Bad Request: A DPoP proof was sent with a scheme other than DPoP.',
  proofInvalid: 'Invalid DPoP Proof: The DPoP proof is not valid for this request.',
  nonceRequired: 'DPoP Nonce Required: Sign the DPoP proof with the nonce this server provided.',
  bindingNotProven:
    'Token Not Proven: The token is bound to a key or certificate that this request does not prove.',
  stepUpRequired:
    'Step-Up Required: This request requires a stronger or more recent authentication.',
  unavailable: 'Service Unavailable: The token could not be verified right now. Try again later.',
  claimsMismatch: 'Forbidden: The token does not allow this request.',
  internal: 'Internal Server Error: Authentication is not configured for this route.',
});

/** The 403 message of a scope guard, naming every scope it requires. */
export function insufficientScopeMessage(
  scopes: readonly string[],
  mode: 'all' | 'any' = 'all',
): string {
  const which = mode === 'all' ? 'the scope(s)' : 'one of the scope(s)';
  return `Insufficient Scope: This request requires ${which}: ${scopes.join(' ')}.`;
}
