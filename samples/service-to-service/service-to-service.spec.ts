import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CLIENTS,
  JWT_RESOURCE,
  startAuthServer,
  type AuthServer,
  type TestClient,
} from '../../spec/helpers/auth-server.js';
import { createApi } from './api.js';
import { runWorker } from './worker.js';

// The worker and the API, in-process, against a real authorization server on loopback.
describe('service-to-service sample', () => {
  let as: AuthServer;
  let api: Server;
  let apiUrl: string;

  beforeAll(async () => {
    as = await startAuthServer();
    api = createServer(createApi({ issuer: as.issuer, audience: JWT_RESOURCE }));
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    await as.close();
  });

  const worker = (client: TestClient, path?: string) =>
    runWorker({
      tokenEndpoint: `${as.issuer}/token`,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      resource: JWT_RESOURCE,
      scope: 'read write',
      apiUrl,
      path,
    });

  it('answers the worker as its service account', async () => {
    expect(await worker(CLIENTS.reporting)).toEqual({
      status: 200,
      body: {
        name: 'svc-reports',
        emailAddress: 'reports@example.com',
        displayName: 'Reporting service',
      },
    });
  });

  it('lets the service account use only the scopes it was pinned to', async () => {
    expect(await worker(CLIENTS.reporting, '/rest/api/2/reports/weekly')).toEqual({
      status: 200,
      body: {
        report: 'weekly',
        requestedBy: 'svc-reports',
        client: 'svc-reporting',
        serviceAccount: true,
        scopes: ['read'],
      },
    });
  });

  it('refuses a client that has no service account', async () => {
    expect(await worker(CLIENTS.stranger)).toEqual({
      status: 401,
      body: { error: { status: 'ERROR', message: 'Expired Token / invalid_client_ID' } },
    });
  });
});
