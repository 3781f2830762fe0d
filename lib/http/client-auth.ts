/**
 * Client authentication of a confidential client to an authorization server's endpoint
 * (introspection, token): `client_secret_basic` and `client_secret_post` (RFC 6749 §2.3.1,
 * OpenID Connect Core §9).
 */

/** How the client id and secret reach the authorization server. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** The supported methods, the first being the default. */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = Object.freeze([
  'client_secret_basic',
  'client_secret_post',
]);

/** A confidential client's credentials. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  method: ClientAuthMethod;
}

/**
 * `application/x-www-form-urlencoded` encoding of one value (RFC 6749 Appendix B): UTF-8, every
 * byte outside `A-Z a-z 0-9 - . _ *` percent-encoded, space as `+`.
 *
 * @example
 * ```ts
 * formEncode('a b:c'); // 'a+b%3Ac'
 * ```
 */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * The `Authorization` header of `client_secret_basic`. RFC 6749 §2.3.1: the id and the secret are
 * form-encoded *before* they are joined with `:` and base64-encoded, so that a `:` in the id
 * cannot move the split and non-ASCII characters survive.
 *
 * @example
 * ```ts
 * basicAuthorization('my:client', 'p@ss word'); // 'Basic bXklM0FjbGllbnQ6cCU0MHNzK3dvcmQ='
 * ```
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/**
 * Adds the client's credentials to a request: a header for `client_secret_basic`, two form
 * fields for `client_secret_post`. Returns the headers to send; `form` is extended in place.
 *
 * @example
 * ```ts
 * const form = new URLSearchParams({ token });
 * const headers = applyClientAuth({ clientId, clientSecret, method: 'client_secret_basic' }, form);
 * ```
 */
export function applyClientAuth(
  credentials: ClientCredentials,
  form: URLSearchParams,
): Record<string, string> {
  if (credentials.method === 'client_secret_post') {
    form.set('client_id', credentials.clientId);
    form.set('client_secret', credentials.clientSecret);
    return {};
  }
  return { authorization: basicAuthorization(credentials.clientId, credentials.clientSecret) };
}
