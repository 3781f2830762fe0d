import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CLIENTS,
  JWT_RESOURCE,
  startAuthServer,
  type AuthServer,
} from '../../spec/helpers/auth-server.js';
import { createApi } from './api.js';
import { callApi } from './client.js';
import type { DpopOptions } from '../../lib/index.js';

// The openid-client client and the API, in-process, against a real authorization server on
// loopback (oidc-provider, which binds tokens to the key of the proof sent to its token endpoint).
describe('DPoP sample', () => {
  let as: AuthServer;
  const servers: Server[] = [];

  beforeAll(async () => {
    as = await startAuthServer();
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await as.close();
  });

  async function startApi(dpop: DpopOptions): Promise<string> {
    const server = createServer(createApi({ issuer: as.issuer, audience: JWT_RESOURCE, dpop }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/reports`;
  }

  const call = (api: string, times: number) =>
    callApi(
      {
        issuer: as.issuer,
        clientId: CLIENTS.reporting.clientId,
        clientSecret: CLIENTS.reporting.clientSecret,
        resource: JWT_RESOURCE,
        api,
        allowInsecureHttp: true,
      },
      times,
    );

  it('the client calls the API with a DPoP-bound token, a new proof each time', async () => {
    const answers = await call(await startApi({}), 3);
    expect(answers).toEqual(
      Array(3).fill({ status: 200, body: { caller: CLIENTS.reporting.clientId, binding: 'dpop' } }),
    );
  });

  it('with server nonces the client still gets through, on its own', async () => {
    const api = await startApi({ nonce: { secret: 'sample-nonce-secret-at-least-32-bytes' } });
    const answers = await call(api, 2);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  });
});
