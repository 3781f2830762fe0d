/**
 * clientCredentialsVerifier(): tokens a client got for itself with the client-credentials grant
 * (RFC 6749 §4.4), mapped to a service-account user of the directory. Steps: `via` checks the
 * token → is it a client-credentials token? → client id → service account → identity.
 */
import type { Identity, Verdict, Verifier, VerifyContext } from '../types.js';
import { mapClient } from './client-credentials-mapping.js';
import {
  normalizeClientCredentialsOptions,
  type ClientCredentialsVerifierOptions,
  type ResolvedClientCredentialsOptions,
  type ResolvedServiceAccount,
} from './client-credentials-options.js';
import { clientIdOf, isClientCredentialsToken } from './client-credentials-rule.js';
import { peekOf, withPeek } from './peek.js';

export type {
  ClientCredentialsVerifierOptions,
  ServiceAccount,
  ServiceAccountLookup,
  ServiceAccountMap,
} from './client-credentials-options.js';
export { isClientCredentialsToken } from './client-credentials-rule.js';

/** The identity of the service account: the client is the subject, the mapping names the user. */
function serviceAccountIdentity(
  identity: Identity,
  clientId: string,
  account: ResolvedServiceAccount,
  name: string,
): Identity {
  const pinned = account.scopes;
  // `email` is left out on purpose: the directory must find the mapped user or nobody, never
  // whoever an e-mail claim in the token happens to name.
  return {
    subject: clientId,
    username: account.user,
    clientId,
    scopes: pinned ? identity.scopes.filter((scope) => pinned.includes(scope)) : identity.scopes,
    claims: identity.claims,
    issuer: identity.issuer,
    expiresAt: identity.expiresAt,
    // What the token is bound to travels with it: a DPoP- or certificate-bound client token
    // must never become a plain bearer token by being mapped to a service account.
    ...(identity.issuedAt !== undefined ? { issuedAt: identity.issuedAt } : {}),
    ...(identity.confirmation ? { confirmation: { ...identity.confirmation } } : {}),
    serviceAccount: true,
    verifier: name,
  };
}

const NOT_CLIENT_CREDENTIALS: Verdict = Object.freeze({
  kind: 'pass',
  reason: 'not_client_credentials',
});

/** `true` when an identity `via` accepted is a client's own (client-credentials) token. */
function isClientToken(identity: Identity, config: ResolvedClientCredentialsOptions): boolean {
  return (config.isClientCredentials ?? isClientCredentialsToken)(identity) === true;
}

async function decide(
  verdict: Verdict,
  config: ResolvedClientCredentialsOptions,
): Promise<Verdict> {
  if (verdict.kind !== 'accept') return verdict;
  const { identity } = verdict;
  if (!isClientToken(identity, config)) return NOT_CLIENT_CREDENTIALS;

  const clientId = clientIdOf(identity);
  if (clientId === undefined) return { kind: 'reject', reason: 'client_not_mapped' };
  const mapping = await mapClient(clientId, identity, config);
  switch (mapping.kind) {
    case 'unmapped':
      return { kind: 'reject', reason: 'client_not_mapped' };
    case 'error':
      return { kind: 'unavailable', reason: 'mapping_error', cause: mapping.cause };
    case 'mapped':
      return {
        kind: 'accept',
        identity: serviceAccountIdentity(identity, clientId, mapping.account, config.name),
      };
  }
}

/**
 * A verifier of client-credentials tokens: `via` checks the token, then a token with a client and
 * no end user is mapped through `serviceAccounts` to the directory username of its service
 * account. A token with an end user is passed on (`not_client_credentials`), so put this verifier
 * before a verifier of user tokens over the same issuer.
 *
 * @example
 * ```ts
 * const jwt = jwtVerifier({ jwksUri, issuer, audience });
 * const auth = bearerAuth({
 *   verifiers: [
 *     clientCredentialsVerifier({
 *       via: jwt,
 *       serviceAccounts: { 'svc-reporting': { user: 'svc-reports', scopes: ['read'] } },
 *     }),
 *     jwt,
 *   ],
 *   directory: memoryDirectory(users),
 * });
 * ```
 */
export function clientCredentialsVerifier(options: ClientCredentialsVerifierOptions): Verifier {
  const config = normalizeClientCredentialsOptions(options);

  async function verify(token: string, ctx: VerifyContext): Promise<Verdict> {
    // `via` or `isClientCredentials` throwing, or an identity of the wrong shape, is a bug
    // upstream of this verifier: fail closed rather than guess.
    try {
      return await decide(await config.via.verify(token, ctx), config);
    } catch (cause) {
      return { kind: 'unavailable', reason: 'verifier_error', cause };
    }
  }

  // A token `via` holds that is not a client's own is passed on at once; a client's own token is
  // mapped by `verify` (a mapping function may wait).
  const peekVia = peekOf(config.via);
  const peek = (token: string): Verdict | undefined => {
    const verdict = peekVia?.(token);
    if (verdict === undefined) return undefined;
    if (verdict.kind !== 'accept') return verdict;
    try {
      return isClientToken(verdict.identity, config) ? undefined : NOT_CLIENT_CREDENTIALS;
    } catch {
      return undefined; // `verify` reports the failure
    }
  };
  return withPeek({ name: config.name, verify }, peek);
}
