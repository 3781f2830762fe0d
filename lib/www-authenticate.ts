/**
 * The `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3). Quoting lives here only.
 */

/** Characters RFC 6750 §3 allows in `error_description` and `scope` values: %x20-21 / %x23-5B / %x5D-7E. */
const UNSAFE_IN_ATTRIBUTE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** Attributes of one challenge. */
export interface ChallengeParams {
  realm: string;
  error?: string | undefined;
  errorDescription?: string | undefined;
  scope?: readonly string[] | undefined;
}

/** A quoted-string (RFC 9110 §5.6.4) holding only printable ASCII. */
function quote(value: string): string {
  return `"${value.replace(UNSAFE_IN_ATTRIBUTE, '').replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Builds the header value.
 *
 * @example
 * ```ts
 * bearerChallenge({ realm: 'api', error: 'invalid_token' }); // 'Bearer realm="api", error="invalid_token"'
 * ```
 */
export function bearerChallenge(params: ChallengeParams): string {
  const parts = [`realm=${quote(params.realm)}`];
  if (params.error) parts.push(`error=${quote(params.error)}`);
  if (params.errorDescription) {
    parts.push(`error_description=${quote(params.errorDescription.replace(/["\\]/g, "'"))}`);
  }
  if (params.scope && params.scope.length > 0) parts.push(`scope=${quote(params.scope.join(' '))}`);
  return `Bearer ${parts.join(', ')}`;
}
