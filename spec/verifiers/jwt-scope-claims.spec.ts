/**
 * `scopeClaims`: claims whose values are scopes too, beside `scope` and `scp` — Auth0 RBAC
 * `permissions`, Entra ID `roles` — so that requireScopes() guards them.
 */
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import {
  bearerAuth,
  jwtVerifier,
  memoryDirectory,
  requireScopes,
  type Verdict,
} from '../../lib/index.js';
import { USERS } from '../helpers/users.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';

const key = testKey('RS256');
const safe = { publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE };
const noCtx = undefined as never;
const scopesOf = (verdict: Verdict) =>
  verdict.kind === 'accept' ? verdict.identity.scopes : verdict;

describe('scopeClaims', () => {
  it('Auth0 permissions (a list) are scopes', async () => {
    const verifier = jwtVerifier({ ...safe, scopeClaims: ['permissions'] });
    const token = await mintJwt({
      claims: { scope: 'openid', permissions: ['read:issues', 'delete:issues'] },
    });
    expect(scopesOf(await verifier.verify(token, noCtx))).toEqual([
      'openid',
      'read:issues',
      'delete:issues',
    ]);
  });

  it('Entra roles beside scp (space-separated string)', async () => {
    const verifier = jwtVerifier({ ...safe, scopeClaims: 'roles' });
    const token = await mintJwt({
      claims: { scope: undefined, scp: 'Issues.Read', roles: ['Issues.Admin', 'Issues.Read'] },
    });
    expect(scopesOf(await verifier.verify(token, noCtx))).toEqual(['Issues.Read', 'Issues.Admin']);
  });

  it('a space-separated string claim is split', async () => {
    const verifier = jwtVerifier({ ...safe, scopeClaims: ['permissions'] });
    const token = await mintJwt({ claims: { scope: undefined, permissions: 'a b  c' } });
    expect(scopesOf(await verifier.verify(token, noCtx))).toEqual(['a', 'b', 'c']);
  });

  it('without scopeClaims, permissions and roles grant nothing', async () => {
    const token = await mintJwt({
      claims: { scope: 'read', permissions: ['admin'], roles: ['admin'] },
    });
    expect(scopesOf(await jwtVerifier(safe).verify(token, noCtx))).toEqual(['read']);
  });

  it.each<[string, unknown]>([
    ['a number', 1],
    ['a list holding a number', ['read', 2]],
    ['an object', { read: true }],
  ])('a scope claim holding %s is claim_invalid', async (_name, permissions) => {
    const verifier = jwtVerifier({ ...safe, scopeClaims: ['permissions'] });
    expect(await verifier.verify(await mintJwt({ claims: { permissions } }), noCtx)).toMatchObject({
      kind: 'reject',
      reason: 'claim_invalid',
    });
  });

  it('requireScopes guards a permission from scopeClaims, end to end', async () => {
    const app = express();
    app.use(
      '/api',
      bearerAuth({
        verifiers: [jwtVerifier({ ...safe, scopeClaims: ['permissions'] })],
        directory: memoryDirectory(USERS),
      }),
    );
    app.delete('/api/issues/:id', requireScopes('delete:issues'), (_req, res) => {
      res.status(204).end();
    });
    const allowed = await mintJwt({ claims: { permissions: ['delete:issues'] } });
    const denied = await mintJwt({ claims: { permissions: ['read:issues'] } });
    await request(app)
      .delete('/api/issues/1')
      .set('Authorization', `Bearer ${allowed}`)
      .expect(204);
    await request(app).delete('/api/issues/1').set('Authorization', `Bearer ${denied}`).expect(403);
  });
});
