/**
 * What a JWT is for: only access tokens are accepted. Real ID and logout tokens from oidc-provider
 * are refused by a jwtVerifier configured the safe way (discovery + audience), and the `typ`
 * header is checked for every token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import { jwtVerifier, MESSAGES } from '../../lib/index.js';
import { buildApp, getMyself, seed } from '../helpers/app.js';
import { CLIENTS, JWT_RESOURCE, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';

let as: AuthServer;
beforeAll(async () => {
  as = await startAuthServer();
});
afterAll(() => as.close());

/** A real token of `use` (`idtoken` or `logout`) issued by oidc-provider to the web app. */
async function providerToken(use: 'idtoken' | 'logout'): Promise<string> {
  const client = await as.provider.Client.find(CLIENTS.webApp.clientId);
  if (!client) throw new Error('web-app client missing');
  const token = new as.provider.IdToken(
    { sub: 'user-admin', preferred_username: 'admin', email: 'admin@gmail.com' },
    { client },
  );
  (token as unknown as { scope: string }).scope = 'openid profile email';
  if (use === 'logout')
    token.set('events', { 'http://schemas.openid.net/event/backchannel-logout': {} });
  return token.issue({ use });
}

const apiAtTheServer = () =>
  buildApp({ verifiers: [jwtVerifier({ discovery: as.issuer, audience: JWT_RESOURCE })] });

describe('token type (what a JWT is for)', () => {
  it('an access token of the server is accepted (the control)', async () => {
    const token = await as.userToken({ accountId: 'user-admin', format: 'jwt' });
    await getMyself(apiAtTheServer().app, token).expect(200);
  });

  it('an ID token (aud = client id) is refused by jwtVerifier({ discovery, audience })', async () => {
    const idToken = await providerToken('idtoken');
    const { app, decisions } = apiAtTheServer();
    const res = await getMyself(app, idToken);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'audience_mismatch' });
  });

  it('a logout token (typ logout+jwt) is refused, even with audience: false', async () => {
    const logout = await providerToken('logout');
    expect(decodeProtectedHeader(logout).typ).toBe('logout+jwt');
    const { app, decisions } = buildApp({
      verifiers: [jwtVerifier({ discovery: as.issuer, audience: false })],
    });
    const res = await getMyself(app, logout);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'typ_mismatch' });
  });
});

describe('typ header', () => {
  const key = testKey('RS256');
  const verifier = (typ?: string) =>
    jwtVerifier({
      publicKey: key.publicPem,
      issuer: ISSUER,
      audience: AUDIENCE,
      ...(typ ? { typ } : {}),
    });
  const ctx = undefined as never;

  it.each(['JWT', 'jwt', 'application/jwt', 'at+jwt', 'AT+JWT', 'application/at+jwt', undefined])(
    'typ %s is an access token type: accepted',
    async (typ) => {
      const token = await mintJwt({ header: { typ } });
      expect((await verifier().verify(token, ctx)).kind).toBe('accept');
    },
  );

  it.each([
    ['a logout token', 'logout+jwt'],
    ['a security event', 'secevent+jwt'],
    ['a DPoP proof', 'dpop+jwt'],
    ['an introspection answer', 'token-introspection+jwt'],
    ['an empty typ', ''],
    ['a number', 1],
    ['an array', ['JWT']],
  ])('typ of %s is refused (typ_mismatch)', async (_name, typ) => {
    const token = await mintJwt({ header: { typ } });
    expect(await verifier().verify(token, ctx)).toMatchObject({
      kind: 'reject',
      reason: 'typ_mismatch',
    });
  });

  it.each(['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT'])(
    'typ option at+jwt accepts an RFC 9068 token of typ %s',
    async (typ) => {
      const token = await mintJwt({ header: { typ } });
      expect((await verifier('at+jwt').verify(token, ctx)).kind).toBe('accept');
    },
  );

  it.each(['JWT', 'application/jwt', undefined])(
    'typ option at+jwt refuses a token of typ %s',
    async (typ) => {
      const token = await mintJwt({ header: { typ } });
      expect(await verifier('at+jwt').verify(token, ctx)).toMatchObject({
        kind: 'reject',
        reason: 'typ_mismatch',
      });
    },
  );
});
