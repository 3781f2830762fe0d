/**
 * The `cognito` preset against a local stand-in for a user pool: its JWK Set where Cognito serves
 * it (`{issuer}/.well-known/jwks.json`) and tokens shaped as AWS documents them (no `aud`,
 * `client_id`, `token_use`, `cognito:groups`, `username`, `scope`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import {
  bearerAuth,
  memoryDirectory,
  MESSAGES,
  oauthProviderVerifier,
  requireClaims,
  type OAuthProviderOptions,
} from '../../lib/index.js';
import { buildApp, getMyself as get, seed } from '../helpers/app.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { mintJwt, nowSeconds } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const POOL = 'eu-west-1_AbCdEf123';
const APP_CLIENT = '1example23456789abcdefghij';
const key = testKey('RS256', 'cognito-1');

let pool: JsonServer;
beforeAll(async () => {
  pool = await startJsonServer((req) =>
    req.path === `/${POOL}/.well-known/jwks.json`
      ? { json: jwksOf(key) }
      : { status: 404, json: {} },
  );
});
afterAll(() => pool.close());

const cognito = (extra: Partial<OAuthProviderOptions> = {}) =>
  oauthProviderVerifier({
    provider: 'cognito',
    region: 'eu-west-1',
    userPoolId: POOL,
    baseUrl: pool.url,
    clientId: APP_CLIENT,
    ...extra,
  } as OAuthProviderOptions);

/** An access token as Cognito issues it: no aud, client_id, token_use access. */
const accessToken = (claims: Record<string, unknown> = {}) =>
  mintJwt({
    key,
    header: { typ: undefined },
    claims: {
      iss: `${pool.url}/${POOL}`,
      aud: undefined,
      preferred_username: undefined,
      sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      'cognito:groups': ['admins', 'staff'],
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin read',
      auth_time: nowSeconds() - 60,
      jti: 'jti-1',
      client_id: APP_CLIENT,
      username: 'admin',
      ...claims,
    },
  });

describe('cognito preset', () => {
  it('accepts a user-pool access token, with its groups and scopes', async () => {
    const app = express();
    app.use('/rest/api', bearerAuth({ verifiers: [cognito()], directory: memoryDirectory(USERS) }));
    const inGroup = (group: string) =>
      requireClaims((claims) => {
        const groups = claims['cognito:groups'];
        return Array.isArray(groups) && groups.includes(group);
      });
    app.get('/rest/api/2/admin', inGroup('admins'), (req, res) =>
      res.json({
        user: req.auth?.user,
        scopes: req.auth?.scopes,
        groups: req.auth?.claims['cognito:groups'],
        clientId: req.auth?.identity.clientId,
        authTime: req.auth?.identity.authTime,
      }),
    );
    const token = await accessToken();
    const res = await request(app).get('/rest/api/2/admin').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: USERS[0],
      scopes: ['aws.cognito.signin.user.admin', 'read'],
      groups: ['admins', 'staff'],
      clientId: APP_CLIENT,
    });
    expect(typeof res.body.authTime).toBe('number');
    const outsider = await accessToken({ 'cognito:groups': ['staff'] });
    await request(app)
      .get('/rest/api/2/admin')
      .set('Authorization', `Bearer ${outsider}`)
      .expect(403);
  });

  it('refuses an ID token of the same pool (token_use id, 400)', async () => {
    const { app, decisions } = buildApp({ verifiers: [cognito()] });
    const idToken = await accessToken({
      token_use: 'id',
      aud: APP_CLIENT,
      client_id: undefined,
      'cognito:username': 'admin',
      email: 'admin@gmail.com',
      email_verified: true,
    });
    await get(app, idToken)
      .expect(400)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
      .expect(seed(MESSAGES.tokenInvalid));
    expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'typ_mismatch' });
  });

  it('refuses a token without token_use (400)', async () => {
    const { app } = buildApp({ verifiers: [cognito()] });
    await get(app, await accessToken({ token_use: undefined })).expect(
      400,
      seed(MESSAGES.tokenInvalid),
    );
  });

  it('refuses an access token of another app client (401 Expired Token / invalid_client_ID)', async () => {
    const { app, decisions } = buildApp({ verifiers: [cognito()] });
    await get(app, await accessToken({ client_id: 'another-app-client' })).expect(
      401,
      seed(MESSAGES.expiredOrInvalidClient),
    );
    expect(decisions[0]).toMatchObject({ reason: 'client_mismatch' });
  });

  it('accepts any of several app clients, or any with clientId: false', async () => {
    const token = await accessToken({ client_id: 'second-client' });
    await get(
      buildApp({ verifiers: [cognito({ clientId: [APP_CLIENT, 'second-client'] })] }).app,
      token,
    ).expect(200, USERS[0]);
    await get(buildApp({ verifiers: [cognito({ clientId: false })] }).app, token).expect(
      200,
      USERS[0],
    );
  });

  it('passes a token of another pool to the next verifier', async () => {
    const { app, decisions } = buildApp({ verifiers: [cognito()] });
    await get(app, await accessToken({ iss: `${pool.url}/eu-west-1_Other` })).expect(400);
    expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'issuer_mismatch' });
  });

  it('requires clientId and refuses expectedAudience at construction', () => {
    expect(() => cognito({ clientId: undefined })).toThrow(
      /the "cognito" preset requires the "clientId" option/,
    );
    expect(() => cognito({ expectedAudience: 'api' })).toThrow(
      /the "cognito" preset cannot check "expectedAudience"/,
    );
    expect(() => cognito({ userPoolId: undefined })).toThrow(
      /the "cognito" preset requires the "userPoolId" option/,
    );
  });

  it('derives the issuer and JWK Set from region and userPoolId', async () => {
    const { normalizeProviderOptions } = await import('../../lib/verifiers/providers/options.js');
    const config = normalizeProviderOptions({
      provider: 'cognito',
      region: 'us-east-1',
      userPoolId: 'us-east-1_Example',
      clientId: APP_CLIENT,
    });
    expect(config.jwt?.issuers).toEqual([
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example',
    ]);
    expect(config.jwt?.jwksUri?.href).toBe(
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example/.well-known/jwks.json',
    );
  });
});
