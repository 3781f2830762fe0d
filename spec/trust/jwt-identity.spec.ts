/**
 * Whom a JWT names: the e-mail of an identity is the verified one only, so a token cannot take
 * another user's account by carrying that user's address ("nOAuth").
 */
import { describe, expect, it } from '@jest/globals';
import { jwtVerifier, MESSAGES, type Identity, type Verdict } from '../../lib/index.js';
import { buildApp, getMyself, seed } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';

const key = testKey('RS256');
const safe = { publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE };
const VICTIM_EMAIL = 'admin@gmail.com'; // the directory's `admin`

const identityOf = (verdict: Verdict): Identity => {
  if (verdict.kind !== 'accept') throw new Error(`not accepted: ${verdict.reason}`);
  return verdict.identity;
};

describe('nOAuth: an unverified e-mail never names a user', () => {
  it("nOAuth: the attacker's preferred_username with the victim's unverified email is not the victim (400 No user found)", async () => {
    const { app, decisions } = buildApp({ verifiers: [jwtVerifier(safe)] });
    const token = await mintJwt({
      claims: {
        sub: 'attacker-1',
        preferred_username: 'mallory',
        email: VICTIM_EMAIL,
        email_verified: false,
      },
    });
    const res = await getMyself(app, token);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.userNotFound));
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'user_not_found' });
  });

  it('nOAuth with trustEmail: true: email_verified false is still never trusted', async () => {
    const { app } = buildApp({ verifiers: [jwtVerifier({ ...safe, trustEmail: true })] });
    const token = await mintJwt({
      claims: { preferred_username: 'mallory', email: VICTIM_EMAIL, email_verified: false },
    });
    const res = await getMyself(app, token);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.userNotFound));
  });

  it('nOAuth without a username claim: the unverified email is not used as the username either', async () => {
    const { app } = buildApp({ verifiers: [jwtVerifier(safe)] });
    const token = await mintJwt({
      claims: { sub: 'attacker-1', preferred_username: undefined, email: VICTIM_EMAIL },
    });
    await getMyself(app, token).expect(400);
  });

  it('a verified e-mail of a user who has no username claim finds that user', async () => {
    const { app } = buildApp({ verifiers: [jwtVerifier(safe)] });
    const token = await mintJwt({
      claims: {
        sub: 'someone',
        preferred_username: 'unknown-login',
        email: VICTIM_EMAIL,
        email_verified: true,
      },
    });
    const res = await getMyself(app, token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'admin' });
  });
});

describe('email_verified values', () => {
  const verify = async (claims: Record<string, unknown>, trustEmail?: boolean) =>
    identityOf(
      await jwtVerifier({ ...safe, ...(trustEmail !== undefined ? { trustEmail } : {}) }).verify(
        await mintJwt({ claims: { email: 'a@example.test', ...claims } }),
        undefined as never,
      ),
    );

  it.each<[string, unknown, boolean | undefined, string | undefined]>([
    ['true', true, undefined, 'a@example.test'],
    ['"true"', 'true', undefined, 'a@example.test'],
    ['false', false, undefined, undefined],
    ['"false"', 'false', undefined, undefined],
    ['0', 0, undefined, undefined],
    ['missing', undefined, undefined, undefined],
    ['false with trustEmail', false, true, undefined],
    ['"false" with trustEmail', 'false', true, undefined],
    ['0 with trustEmail (not a statement of verification)', 0, true, undefined],
    ['missing with trustEmail', undefined, true, 'a@example.test'],
  ])('email_verified %s', async (_name, emailVerified, trustEmail, expected) => {
    const identity = await verify({ email_verified: emailVerified }, trustEmail);
    expect(identity.email).toBe(expected);
  });

  it('an explicit usernameClaim: "email" is the application\'s choice: used as given', async () => {
    const identity = identityOf(
      await jwtVerifier({ ...safe, usernameClaim: 'email' }).verify(
        await mintJwt({ claims: { email: 'a@example.test', email_verified: false } }),
        undefined as never,
      ),
    );
    expect(identity.username).toBe('a@example.test');
    expect(identity.email).toBeUndefined();
  });

  it('an email that is not a string is claim_invalid', async () => {
    const verdict = await jwtVerifier(safe).verify(
      await mintJwt({ claims: { email: ['a@example.test'] } }),
      undefined as never,
    );
    expect(verdict).toMatchObject({ kind: 'reject', reason: 'claim_invalid' });
  });
});

describe('identity fields', () => {
  it('fills issuedAt, acr, authTime and confirmation from the claims', async () => {
    const token = await mintJwt({
      claims: {
        iat: 1_700_000_000,
        exp: 4_000_000_000,
        acr: 'urn:mfa',
        auth_time: 1_699_999_000,
        cnf: { jkt: 'thumb-jkt', 'x5t#S256': 'thumb-x5t' },
      },
    });
    const identity = identityOf(await jwtVerifier(safe).verify(token, undefined as never));
    expect(identity).toMatchObject({
      issuedAt: 1_700_000_000,
      acr: 'urn:mfa',
      authTime: 1_699_999_000,
      confirmation: { jkt: 'thumb-jkt', x5tS256: 'thumb-x5t' },
    });
  });

  it('a token without cnf, acr, auth_time has none of them', async () => {
    const identity = identityOf(
      await jwtVerifier(safe).verify(await mintJwt(), undefined as never),
    );
    expect(identity.confirmation).toBeUndefined();
    expect(identity.acr).toBeUndefined();
    expect(identity.authTime).toBeUndefined();
    expect(typeof identity.issuedAt).toBe('number');
  });

  it.each<[string, unknown, string]>([
    ['cnf a string', 'thumb', 'claim_invalid'],
    ['cnf an array', ['thumb'], 'claim_invalid'],
    ['cnf null', null, 'claim_invalid'],
    ['cnf.jkt a number', { jkt: 1 }, 'claim_invalid'],
    ['cnf.x5t#S256 an object', { 'x5t#S256': {} }, 'claim_invalid'],
    ['cnf.jkt empty', { jkt: '' }, 'claim_invalid'],
    [
      'cnf.jwk (an RFC 7800 key bearer-guard cannot prove)',
      { jwk: { kty: 'EC' } },
      'token_binding_unsupported',
    ],
    ['cnf with only a kid', { kid: 'k1' }, 'token_binding_unsupported'],
  ])('%s is refused', async (_name, cnf, reason) => {
    const verdict = await jwtVerifier(safe).verify(
      await mintJwt({ claims: { cnf } }),
      undefined as never,
    );
    expect(verdict).toMatchObject({ kind: 'reject', reason });
  });

  it.each<[string, Record<string, unknown>]>([
    ['acr a number', { acr: 2 }],
    ['auth_time a string', { auth_time: '1700000000' }],
  ])('%s is claim_invalid', async (_name, claims) => {
    const verdict = await jwtVerifier(safe).verify(await mintJwt({ claims }), undefined as never);
    expect(verdict).toMatchObject({ kind: 'reject', reason: 'claim_invalid' });
  });
});
