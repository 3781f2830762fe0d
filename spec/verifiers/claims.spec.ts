/**
 * The shared claim readers every verifier can use: verified e-mail, confirmation (`cnf`),
 * authentication (`acr`, `auth_time`), RFC 7519 types, extra scope claims — and
 * identityFromClaims keeping its 0.1 behaviour unless a new field asks for more.
 */
import { describe, expect, it } from '@jest/globals';
import {
  identityFromClaims,
  readAuthentication,
  readConfirmation,
  readScopes,
  registeredClaimsTyped,
  verifiedEmail,
} from '../../lib/verifiers/claims.js';
import {
  readIdentityExtras,
  verifiedEmail as extrasEmail,
} from '../../lib/verifiers/identity-extras.js';

const reading = {
  clientIdClaims: ['client_id'],
  username: (claims: Record<string, unknown>) =>
    typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined,
  verifier: 'test',
};

describe('verifiedEmail', () => {
  it.each<[unknown, boolean, string | undefined]>([
    [true, false, 'a@x'],
    ['true', false, 'a@x'],
    [false, true, undefined],
    ['false', true, undefined],
    [0, true, undefined],
    [null, true, undefined],
  ])('email_verified %p, trustEmail %p → %p', (emailVerified, trustEmail, expected) => {
    expect(verifiedEmail({ email: 'a@x', email_verified: emailVerified }, trustEmail)).toBe(
      expected,
    );
  });

  it('no email_verified: trustEmail decides', () => {
    expect(verifiedEmail({ email: 'a@x' }, false)).toBeUndefined();
    expect(verifiedEmail({ email: 'a@x' }, true)).toBe('a@x');
  });

  it('no email: undefined; an email of another type: null', () => {
    expect(verifiedEmail({}, true)).toBeUndefined();
    expect(verifiedEmail({ email: 1, email_verified: true }, true)).toBeNull();
  });
});

describe('readConfirmation', () => {
  it('reads jkt and x5t#S256', () => {
    expect(readConfirmation({ cnf: { jkt: 'j', 'x5t#S256': 'x' } })).toEqual({
      jkt: 'j',
      x5tS256: 'x',
    });
  });
  it('no cnf, or an empty one: none', () => {
    expect(readConfirmation({})).toBeUndefined();
    expect(readConfirmation({ cnf: {} })).toBeUndefined();
  });
  it('wrong shapes are claim_invalid; unknown methods only are token_binding_unsupported', () => {
    expect(readConfirmation({ cnf: 'j' })).toBe('claim_invalid');
    expect(readConfirmation({ cnf: { jkt: 1 } })).toBe('claim_invalid');
    expect(readConfirmation({ cnf: { kid: 'k' } })).toBe('token_binding_unsupported');
  });
});

describe('readAuthentication', () => {
  it('reads acr and auth_time, refuses wrong types', () => {
    expect(readAuthentication({ acr: 'mfa', auth_time: 5 })).toEqual({ acr: 'mfa', authTime: 5 });
    expect(readAuthentication({})).toEqual({});
    expect(readAuthentication({ acr: 1 })).toBe('claim_invalid');
    expect(readAuthentication({ auth_time: '5' })).toBe('claim_invalid');
  });
});

describe('registeredClaimsTyped', () => {
  it.each<[Record<string, unknown>, boolean]>([
    [{ iss: 'i', sub: 's', jti: 'j', client_id: 'c', aud: ['a'], exp: 1, nbf: 1, iat: 1 }, true],
    [{ jti: true }, false],
    [{ sub: 1 }, false],
    [{ aud: [1] }, false],
    [{ iss: null }, false],
    [{ exp: 1e300 }, false],
  ])('%p → %p', (claims, expected) => {
    expect(registeredClaimsTyped(claims)).toBe(expected);
  });
});

describe('readScopes', () => {
  it('adds the extra claims, without duplicates', () => {
    expect(readScopes({ scope: 'a b', scp: ['b'], roles: ['c'] }, ['roles'])).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(readScopes({ permissions: 5 }, ['permissions'])).toBeUndefined();
  });
});

describe('identityFromClaims', () => {
  const claims = {
    sub: 's',
    preferred_username: 'u',
    email: 'a@x',
    iat: 10,
    acr: 'mfa',
    cnf: { jkt: 'j' },
  };

  it('without the new fields, behaves as in 0.1 (email as sent, nothing more read)', () => {
    const identity = identityFromClaims(claims, reading);
    expect(identity).toMatchObject({ subject: 's', username: 'u', email: 'a@x' });
    expect(identity).not.toHaveProperty('confirmation');
    expect(identity).not.toHaveProperty('issuedAt');
  });

  it('with trustEmail and strictClaims: verified e-mail only, and issuedAt/acr/confirmation', () => {
    expect(
      identityFromClaims(claims, { ...reading, trustEmail: false, strictClaims: true }),
    ).toEqual(
      expect.objectContaining({
        email: undefined,
        issuedAt: 10,
        acr: 'mfa',
        confirmation: { jkt: 'j' },
      }),
    );
    expect(identityFromClaims({ ...claims, jti: true }, { ...reading, strictClaims: true })).toBe(
      'claim_invalid',
    );
  });

  it('hands the verified e-mail to the username reader', () => {
    const seen: unknown[] = [];
    identityFromClaims(
      { sub: 's', email: 'a@x', email_verified: true },
      { ...reading, trustEmail: false, username: (_c, email) => (seen.push(email), undefined) },
    );
    expect(seen).toEqual(['a@x']);
  });
});

describe('one rule for every verifier (JWT and introspection/provider readers agree)', () => {
  const cases: Array<Record<string, unknown>> = [
    { email: 'a@x', email_verified: null },
    { email: 'a@x', email_verified: 'yes' },
    { email: 'a@x' },
    { cnf: { jkt: 'j', jwk: { kty: 'EC' } } },
    { cnf: { jwk: { kty: 'EC' } } },
    { cnf: { jkt: '' } },
    { cnf: { 'x5t#S256': 'x', kid: 7 } },
    { acr: 'mfa', auth_time: 253_402_300_800 },
    { auth_time: -1 },
  ];

  it.each(cases)('%p', (claims) => {
    for (const trustEmail of [false, true]) {
      expect(verifiedEmail(claims, trustEmail)).toBe(
        extrasEmail(claims.email as string, claims, { trust: 'flag', trustEmail }),
      );
    }
    const extras = readIdentityExtras(claims);
    const jwtBinding = readConfirmation(claims);
    const jwtAuthentication = readAuthentication(claims);
    if (typeof extras === 'string') {
      expect([jwtBinding, jwtAuthentication]).toContain(extras);
    } else {
      expect(jwtBinding).toEqual(extras.confirmation);
      expect(jwtAuthentication).toEqual({
        ...(extras.acr !== undefined ? { acr: extras.acr } : {}),
        ...(extras.authTime !== undefined ? { authTime: extras.authTime } : {}),
      });
    }
  });

  it('an email_verified of null vouches for nothing, even with trustEmail', () => {
    expect(verifiedEmail({ email: 'a@x', email_verified: null }, true)).toBeUndefined();
  });

  it('cnf members bearer-guard cannot prove may have any type beside one it can', () => {
    expect(readConfirmation({ cnf: { jkt: 'j', jwk: { kty: 'EC' } } })).toEqual({ jkt: 'j' });
    expect(readConfirmation({ cnf: { jwk: { kty: 'EC' } } })).toBe('token_binding_unsupported');
    expect(readConfirmation({ cnf: { jkt: '' } })).toBe('claim_invalid');
  });
});
