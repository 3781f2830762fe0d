/**
 * DPoP-bound tokens from the real authorization server (oidc-provider, which has DPoP on by
 * default): client credentials with a proof at its token endpoint, and user tokens bound to a
 * key, opaque or JWT.
 */
import {
  CLIENTS,
  JWT_RESOURCE,
  type AuthServer,
  type TestClient,
} from '../../samples/demo/authorization-server.js';
import { makeProof, type ProofKey } from './dpop.js';

/** `POST /token` (client_credentials) with a DPoP proof: the answer binds the token to `key`. */
export async function dpopClientCredentials(
  server: AuthServer,
  key: ProofKey,
  options: { client?: TestClient; scope?: string; resource?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const client = options.client ?? CLIENTS.reporting;
  const url = `${server.issuer}/token`;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (options.scope) form.set('scope', options.scope);
  if (options.resource) form.set('resource', options.resource);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      dpop: await makeProof({ key, method: 'POST', url, token: null }),
    },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * An access token for a user of `web-app`, bound to `key`: a JWT for `JWT_RESOURCE`, or an opaque
 * one — for `JWT_RESOURCE` too (its introspection answer has that `aud`) unless `resource: false`
 * (no `aud`: the only kind oidc-provider's own `/me` accepts).
 */
export async function dpopUserToken(
  server: AuthServer,
  key: ProofKey,
  options: { accountId: string; format?: 'opaque' | 'jwt'; scope?: string; resource?: boolean },
): Promise<string> {
  const { provider } = server;
  const format = options.format ?? 'opaque';
  const client = await provider.Client.find(CLIENTS.webApp.clientId);
  if (!client) throw new Error('web-app client missing');
  const grant = new provider.Grant({ accountId: options.accountId, clientId: client.clientId });
  grant.addOIDCScope('openid');
  const apiScope = options.scope ?? 'read write';
  const forApi = format === 'jwt' || options.resource !== false;
  if (forApi) grant.addResourceScope(JWT_RESOURCE, apiScope);
  const grantId = await grant.save();
  const token = new provider.AccessToken({
    accountId: options.accountId,
    client,
    grantId,
    gty: 'authorization_code',
    scope: format === 'jwt' ? apiScope : `openid ${apiScope}`,
  });
  token.setThumbprint('jkt', key.jkt);
  if (forApi) {
    token.resourceServer = new provider.ResourceServer(JWT_RESOURCE, {
      audience: JWT_RESOURCE,
      scope: 'read write delete',
      accessTokenFormat: format,
      ...(format === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
    });
  }
  return token.save();
}

/** oidc-provider's own resource-server check: `GET /me` with `Authorization: DPoP` and a proof. */
export async function providerUserinfo(
  server: AuthServer,
  key: ProofKey,
  token: string,
): Promise<{ status: number; body: unknown }> {
  const url = `${server.issuer}/me`;
  const res = await fetch(url, {
    headers: {
      authorization: `DPoP ${token}`,
      dpop: await makeProof({ key, url, token }),
    },
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}
