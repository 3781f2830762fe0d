import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startJsonServer, type JsonServer } from '../../spec/helpers/json-server.js';
import { createCustomProviderApp, CUSTOM_USERS } from './custom.js';

describe('sample: an API protected by a custom provider', () => {
  let sso: JsonServer;
  beforeAll(async () => {
    sso = await startJsonServer((req) =>
      req.headers.authorization === 'Bearer sso-token' &&
      req.headers['x-client'] === 'reporting-api'
        ? { json: { user_name: 'admin', mail: 'admin@example.com' } }
        : { status: 401, json: { error: 'invalid_token' } },
    );
  });
  afterAll(() => sso.close());

  it('answers the directory entry of the user the provider names', async () => {
    const app = createCustomProviderApp(`${sso.url}/api/me`);
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', 'Bearer sso-token')
      .expect(200, CUSTOM_USERS[0]);
    expect(sso.count('/api/me')).toBe(1);
  });
});
