/**
 * A client of the DPoP API, with openid-client 6: it makes a key pair, asks the authorization
 * server for a token bound to it (client credentials with a DPoP proof), and calls the API with
 * `fetchProtectedResource` and the same DPoP handle — which signs a fresh proof per request and
 * answers server nonce challenges (`use_dpop_nonce`) by itself.
 *
 *   ISSUER=… CLIENT_ID=… CLIENT_SECRET=… RESOURCE=urn:example:api API=http://127.0.0.1:3000/reports \
 *     npx tsx samples/dpop/client.ts
 */
import * as client from 'openid-client';
import { pathToFileURL } from 'node:url';

/** What the client needs to know. */
export interface DpopClientOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The API's resource indicator (RFC 8707). */
  resource: string;
  /** The URL to call. */
  api: string;
  /** `true` only for an authorization server and API on plain http (loopback, tests). */
  allowInsecureHttp?: boolean;
}

/**
 * Gets a DPoP-bound token and calls the API `times` times with it.
 *
 * @example
 * ```ts
 * const answers = await callApi({ issuer, clientId, clientSecret, resource, api }, 2);
 * ```
 */
export async function callApi(
  options: DpopClientOptions,
  times = 1,
): Promise<Array<{ status: number; body: unknown }>> {
  const config = await client.discovery(
    new URL(options.issuer),
    options.clientId,
    undefined,
    client.ClientSecretBasic(options.clientSecret),
    options.allowInsecureHttp ? { execute: [client.allowInsecureRequests] } : undefined,
  );
  // One key pair for the token's lifetime: the token is bound to it (cnf.jkt).
  const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
  const tokens = await client.clientCredentialsGrant(
    config,
    { resource: options.resource },
    { DPoP: dpop },
  );
  const answers: Array<{ status: number; body: unknown }> = [];
  for (let i = 0; i < times; i++) {
    const res = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(options.api),
      'GET',
      undefined,
      undefined,
      { DPoP: dpop },
    );
    answers.push({ status: res.status, body: await res.json() });
  }
  return answers;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ISSUER, CLIENT_ID, CLIENT_SECRET, RESOURCE, API } = process.env;
  if (!ISSUER || !CLIENT_ID || !CLIENT_SECRET || !RESOURCE || !API) {
    throw new Error('set ISSUER, CLIENT_ID, CLIENT_SECRET, RESOURCE and API');
  }
  const answers = await callApi({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    resource: RESOURCE,
    api: API,
    allowInsecureHttp: new URL(ISSUER).protocol === 'http:',
  });
  console.log(JSON.stringify(answers, null, 2));
}
