/**
 * The default answer to "is this a client-credentials token?" (RFC 6749 §4.4): a token with a
 * client and no end user. Read from what `via` accepted: an RFC 9068 JWT payload or an RFC 7662
 * introspection answer.
 */
import type { Identity } from '../types.js';
import { stringField } from '../util/json.js';

/**
 * The client id of an identity: `identity.clientId`, else the claims' `client_id`.
 *
 * @example
 * ```ts
 * clientIdOf({ ...identity, clientId: undefined, claims: { client_id: 'svc' } }); // 'svc'
 * ```
 */
export function clientIdOf(identity: Identity): string | undefined {
  if (typeof identity.clientId === 'string' && identity.clientId !== '') return identity.clientId;
  return stringField(identity.claims, 'client_id');
}

/**
 * `true` when the identity has a client id and no end user:
 * - `sub` is absent (RFC 7662 answers for client-credentials tokens carry `client_id` and no
 *   `sub`), or
 * - `sub` equals the client id (RFC 9068 §2.2 for tokens "where no resource owner is involved").
 *
 * A `sub` other than the client id names a resource owner (RFC 7662 §2.2, RFC 7519 §4.1.2), so
 * such a token is a user token even when the answer has no `username`: many servers introspect
 * user tokens that way, and mistaking one for a service account could hand a user the service
 * account's rights. A `username` other than the client id also names an end user. Servers that
 * give client-credentials tokens a `sub` of their own (an internal service-account id) need the
 * `isClientCredentials` option.
 *
 * @example
 * ```ts
 * const rule = (identity: Identity) =>
 *   isClientCredentialsToken(identity) || identity.claims.gty === 'client_credentials';
 * clientCredentialsVerifier({ via, serviceAccounts, isClientCredentials: rule });
 * ```
 */
export function isClientCredentialsToken(identity: Identity): boolean {
  const clientId = clientIdOf(identity);
  if (clientId === undefined) return false;
  const { claims } = identity;
  const hasSub = Object.prototype.hasOwnProperty.call(claims, 'sub') && claims.sub !== undefined;
  if (hasSub && claims.sub === clientId) return true;
  const username = stringField(claims, 'username');
  if (username !== undefined && username !== clientId) return false;
  return !hasSub;
}
