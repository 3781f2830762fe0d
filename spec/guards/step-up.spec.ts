/**
 * RFC 9470 step-up: requireAuthentication refuses a token whose acr / auth_time fall short with
 * 401 insufficient_user_authentication and every requirement on the challenge.
 */
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import {
  bearerAuth,
  jwtVerifier,
  memoryDirectory,
  MESSAGES,
  requireAuthentication,
  type BearerAuthOptions,
  type Decision,
  type Identity,
  type Verifier,
} from '../../lib/index.js';
import {
  normalizeAuthenticationRequirement,
  satisfiesAuthentication,
} from '../../lib/guards/step-up.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const now = () => Math.floor(Date.now() / 1000);

/** Opaque test tokens → how their user signed in. */
const SIGN_INS: Record<string, { acr?: unknown; authTime?: unknown }> = {
  'mfa-now': { acr: 'mfa', authTime: now() - 10 },
  'phr-now': { acr: 'phr', authTime: now() - 10 },
  'pwd-now': { acr: 'pwd', authTime: now() - 10 },
  'mfa-old': { acr: 'mfa', authTime: now() - 3600 },
  'mfa-no-time': { acr: 'mfa' },
  'no-acr-now': { authTime: now() - 10 },
  nothing: {},
  'mfa-future': { acr: 'mfa', authTime: now() + 3600 },
};

/** A verifier that reads the sign-in of each test token (what jwt/introspection verifiers fill from acr / auth_time). */
const signIns: Verifier = {
  name: 'sign-ins',
  async verify(token) {
    const signIn = SIGN_INS[token];
    if (!signIn) return { kind: 'pass', reason: 'token_unrecognized' };
    const identity: Identity = {
      subject: 'u1',
      username: 'admin',
      scopes: [],
      claims: {},
      serviceAccount: false,
      verifier: 'sign-ins',
      ...(signIn as Pick<Identity, 'acr' | 'authTime'>),
    };
    return { kind: 'accept', identity };
  },
};

function app(options: Partial<BearerAuthOptions> = {}) {
  const decisions: Decision[] = [];
  const a = express();
  a.use(
    '/api',
    bearerAuth({
      verifiers: [signIns],
      directory: async () => ({ name: 'admin' }),
      onDecision: (d) => decisions.push(d),
      ...options,
    }),
  );
  a.get('/api/mfa', requireAuthentication({ acr: ['mfa', 'phr'] }), (_q, r) =>
    r.json({ ok: true }),
  );
  a.get('/api/recent', requireAuthentication({ maxAgeSeconds: 300 }), (_q, r) =>
    r.json({ ok: true }),
  );
  a.get('/api/both', requireAuthentication({ acr: 'mfa', maxAgeSeconds: 300 }), (_q, r) =>
    r.json({ ok: true }),
  );
  return { app: a, decisions };
}

const get = (a: express.Express, path: string, token: string) =>
  request(a).get(path).set('Authorization', `Bearer ${token}`);

describe('requireAuthentication', () => {
  const { app: api, decisions } = app();

  it.each([
    ['/api/mfa', 'mfa-now'],
    ['/api/mfa', 'phr-now'],
    ['/api/recent', 'pwd-now'],
    ['/api/both', 'mfa-now'],
  ])('%s lets %s through', async (path, token) => {
    await get(api, path, token).expect(200, { ok: true });
  });

  it.each([
    ['/api/mfa', 'pwd-now', 'acr_values="mfa phr"'],
    ['/api/mfa', 'no-acr-now', 'acr_values="mfa phr"'],
    ['/api/mfa', 'nothing', 'acr_values="mfa phr"'],
    ['/api/recent', 'mfa-old', 'max_age="300"'],
    ['/api/recent', 'mfa-no-time', 'max_age="300"'],
    ['/api/recent', 'mfa-future', 'max_age="300"'],
    ['/api/both', 'mfa-old', 'acr_values="mfa", max_age="300"'],
    ['/api/both', 'pwd-now', 'acr_values="mfa", max_age="300"'],
    ['/api/both', 'mfa-no-time', 'acr_values="mfa", max_age="300"'],
  ])('%s refuses %s: 401 with %s', async (path, token, attributes) => {
    const res = await get(api, path, token).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="insufficient_user_authentication", ${attributes}`,
    );
    expect(res.body).toEqual({ error: { status: 'ERROR', message: MESSAGES.stepUpRequired } });
    expect(decisions.at(-1)).toMatchObject({
      outcome: 'reject',
      reason: 'insufficient_user_authentication',
      status: 401,
    });
  });

  it("follows bearerAuth's errorFormat", async () => {
    const { app: rfc } = app({ errorFormat: 'rfc6750' });
    const res = await get(rfc, '/api/both', 'pwd-now').expect(401);
    expect(res.body).toEqual({
      error: 'insufficient_user_authentication',
      error_description: MESSAGES.stepUpRequired,
    });
  });

  it('answers 401 token_missing on an optional route without a token', async () => {
    const { app: optional } = app({ optional: true });
    const res = await request(optional).get('/api/mfa').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

describe('requireAuthentication options', () => {
  it.each<[unknown, RegExp]>([
    [{}, /at least one of "acr" and "maxAgeSeconds" is required/],
    [undefined, /options object/],
    [{ acr: [] }, /"acr" option must be a string or a non-empty list/],
    [{ acr: 'a b' }, /is not a valid acr value/],
    [{ acr: ['mfa', 3] }, /is not a valid acr value/],
    [{ maxAgeSeconds: -1 }, /"maxAgeSeconds" option must be a non-negative integer/],
    [{ maxAgeSeconds: 1.5 }, /"maxAgeSeconds" option must be a non-negative integer/],
    [{ maxAge: 300 }, /unknown option "maxAge": write "maxAgeSeconds"/],
    [{ acr: 'mfa', acrValues: 'mfa' }, /unknown option "acrValues"/],
    [{ acr: 'mfa', maxAgeSecond: 3 }, /did you mean "maxAgeSeconds"/],
  ])('%j throws a TypeError', (options, message) => {
    expect(() => requireAuthentication(options as never)).toThrow(TypeError);
    expect(() => requireAuthentication(options as never)).toThrow(message);
  });

  it('never satisfies a requirement with a missing or mistyped acr / auth_time', () => {
    const base: Identity = {
      subject: 's',
      scopes: [],
      claims: {},
      serviceAccount: false,
      verifier: 'v',
    };
    const both = normalizeAuthenticationRequirement({ acr: 'mfa', maxAgeSeconds: 60 });
    const t = 1_000_000;
    expect(satisfiesAuthentication({ ...base, acr: 'mfa', authTime: t - 60 }, both, t)).toBe(true);
    expect(satisfiesAuthentication({ ...base, acr: 'mfa', authTime: t - 61 }, both, t)).toBe(false);
    expect(satisfiesAuthentication({ ...base, acr: 'MFA', authTime: t }, both, t)).toBe(false);
    expect(satisfiesAuthentication({ ...base, authTime: t }, both, t)).toBe(false);
    expect(satisfiesAuthentication({ ...base, acr: 'mfa' }, both, t)).toBe(false);
    expect(
      satisfiesAuthentication(
        { ...base, acr: 'mfa', authTime: String(t) as unknown as number },
        both,
        t,
      ),
    ).toBe(false);
    expect(satisfiesAuthentication({ ...base, acr: 'mfa', authTime: NaN }, both, t)).toBe(false);
    expect(satisfiesAuthentication({ ...base, acr: 'mfa', authTime: t + 60 }, both, t)).toBe(true);
    expect(satisfiesAuthentication({ ...base, acr: 'mfa', authTime: t + 61 }, both, t)).toBe(false);
  });
});

describe('requireAuthentication with JWTs (acr / auth_time read by jwtVerifier)', () => {
  const key = testKey('RS256');
  const a = express();
  a.use(
    '/api',
    bearerAuth({
      verifiers: [jwtVerifier({ publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE })],
      directory: memoryDirectory(USERS),
    }),
  );
  a.get('/api/admin', requireAuthentication({ acr: 'mfa', maxAgeSeconds: 300 }), (_q, r) =>
    r.json({ ok: true }),
  );

  it.each([
    [{ acr: 'mfa', auth_time: now() - 60 }, 200],
    [{ acr: 'mfa', auth_time: now() - 301 - 5 }, 401],
    [{ acr: 'pwd', auth_time: now() - 60 }, 401],
    [{ auth_time: now() - 60 }, 401],
    [{ acr: 'mfa' }, 401],
  ])('%j → %i', async (claims, status) => {
    const res = await get(a, '/api/admin', await mintJwt({ claims })).expect(status);
    if (status === 401) {
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_user_authentication", acr_values="mfa", max_age="300"',
      );
    }
  });
});
