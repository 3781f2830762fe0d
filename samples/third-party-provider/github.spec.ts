import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startJsonServer, type JsonServer } from '../../spec/helpers/json-server.js';
import { createGithubApp, GITHUB_USERS } from './github.js';

describe('sample: an API protected by GitHub tokens', () => {
  let github: JsonServer;
  beforeAll(async () => {
    // A fake api.github.com: GET /user as GitHub documents it.
    github = await startJsonServer((req) =>
      req.path === '/user' && req.headers.authorization === 'Bearer gho_sample'
        ? {
            json: { login: 'octocat', id: 583231, email: null },
            headers: { 'x-oauth-scopes': 'repo' },
          }
        : { status: 401, json: { message: 'Bad credentials' } },
    );
  });
  afterAll(() => github.close());

  it('answers the directory entry of the token owner', async () => {
    const app = createGithubApp({ githubApiUrl: github.url });
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', 'Bearer gho_sample')
      .expect(200, GITHUB_USERS[0]);
    expect(github.count('/user')).toBe(1);
  });
});
