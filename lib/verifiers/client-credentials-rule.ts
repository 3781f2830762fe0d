/**
 * The default answer to "is this a client-credentials token?" (RFC 6749 §4.4): a token with a
 * client and no end user. Read from what `via` accepted: an RFC 9068 JWT payload or an RFC 7662
 * introspection answer.
 */
import type { Claims, Identity } from '../types.js';
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

/** An RFC 7662 answer: its `active` member is required (§2.2); a JWT payload has none. */
function isIntrospectionAnswer(claims: Claims): boolean {
  return claims.active === true;
}

/**
 * `true` when the identity has a client id and no end user:
 * - `sub` is absent, or
 * - `sub` equals the client id (RFC 9068 §2.2 for tokens "where no resource owner is involved"), or
 * - the claims are an introspection answer (`active: true`) with `client_id` and no `username`.
 *
 * A `username` other than the client id names an end user, so a token that carries one is a
 * client-credentials token only when its `sub` equals the client id.
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
  return !hasSub || isIntrospectionAnswer(claims);
}
