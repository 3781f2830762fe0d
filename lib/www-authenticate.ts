/**
 * `WWW-Authenticate` challenges: `Bearer` (RFC 6750 §3) and `DPoP` (RFC 9449 §7.1), with the
 * parameters of RFC 9728 §5.1 (`resource_metadata`) and RFC 9470 §3 (`acr_values`, `max_age`).
 * Quoting lives here only.
 */

/** Characters RFC 6750 §3 allows in `error_description` and `scope` values: %x20-21 / %x23-5B / %x5D-7E. */
const UNSAFE_IN_ATTRIBUTE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** Attributes of one challenge. */
export interface ChallengeParams {
  realm: string;
  error?: string | undefined;
  errorDescription?: string | undefined;
  scope?: readonly string[] | undefined;
  /** RFC 9449 §7.1: the DPoP proof algorithms accepted (`DPoP` challenges only). */
  algs?: readonly string[] | undefined;
  /** RFC 9470 §3: the authentication context classes that would satisfy the request. */
  acrValues?: readonly string[] | undefined;
  /** RFC 9470 §3: the greatest acceptable age of the authentication, in seconds. */
  maxAge?: number | undefined;
  /** RFC 9728 §5.1: the URL of the protected resource metadata. */
  resourceMetadata?: string | undefined;
}

/** A quoted-string (RFC 9110 §5.6.4) holding only printable ASCII. */
function quote(value: string): string {
  return `"${value.replace(UNSAFE_IN_ATTRIBUTE, '').replace(/[\\"]/g, '\\$&')}"`;
}

/** One challenge of `scheme` (`Bearer` or `DPoP`). */
export function challenge(scheme: 'Bearer' | 'DPoP', params: ChallengeParams): string {
  const parts = [`realm=${quote(params.realm)}`];
  if (params.error) parts.push(`error=${quote(params.error)}`);
  if (params.errorDescription) {
    parts.push(`error_description=${quote(params.errorDescription.replace(/["\\]/g, "'"))}`);
  }
  if (params.scope && params.scope.length > 0) parts.push(`scope=${quote(params.scope.join(' '))}`);
  if (params.acrValues && params.acrValues.length > 0) {
    parts.push(`acr_values=${quote(params.acrValues.join(' '))}`);
  }
  if (params.maxAge !== undefined) parts.push(`max_age=${quote(String(params.maxAge))}`);
  if (params.algs && params.algs.length > 0) parts.push(`algs=${quote(params.algs.join(' '))}`);
  if (params.resourceMetadata) parts.push(`resource_metadata=${quote(params.resourceMetadata)}`);
  return `${scheme} ${parts.join(', ')}`;
}

/**
 * Builds a `Bearer` challenge.
 *
 * @example
 * ```ts
 * bearerChallenge({ realm: 'api', error: 'invalid_token' }); // 'Bearer realm="api", error="invalid_token"'
 * ```
 */
export function bearerChallenge(params: ChallengeParams): string {
  return challenge('Bearer', params);
}
