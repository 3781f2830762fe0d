import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { jwtVerifier, MESSAGES } from '../../lib/index.js';
import { buildApp } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt, secondsFromNow } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const key = testKey('RS256');
const verifier = () =>
  jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE });
const seed = (message: string) => ({ error: { status: 'ERROR', message } });

describe('bearerAuth with a JWT public key', () => {
  it('answers the directory entry for a valid token', async () => {
    const { app, decisions } = buildApp({ verifiers: [verifier()] });
    const token = await mintJwt();
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', `Bearer ${token}`)
      .expect(200, USERS[0]);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ outcome: 'accept', verifier: 'jwt', status: 200 });
  });

  it('answers 401 with the pinned body for an expired JWT', async () => {
    const { app, decisions } = buildApp({ verifiers: [verifier()] });
    const token = await mintJwt({ claims: { exp: secondsFromNow(-120) } });
    await request(app)
      .get('/rest/api/2/myself')
      .set('Authorization', `Bearer ${token}`)
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
      .expect(seed(MESSAGES.tokenExpired));
    expect(decisions[0]).toMatchObject({
      outcome: 'reject',
      reason: 'token_expired',
      verifier: 'jwt',
    });
  });
});
