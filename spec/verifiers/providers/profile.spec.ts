import { describe, expect, it } from '@jest/globals';
import {
  pick,
  profileIdentity,
  readPath,
  type ProfileChecks,
} from '../../../lib/verifiers/providers/profile.js';

const checks = (extra: Partial<ProfileChecks> = {}): ProfileChecks => ({
  mapping: {
    username: ['login'],
    email: ['email', ['emails', 0, 'value']],
    subject: ['sub', 'id'],
    scope: 'scope',
    scopeHeader: undefined,
    expiresAt: 'exp',
    emailVerified: 'email_verified',
  },
  audienceFields: ['aud'],
  clientFields: ['azp'],
  expectedAudience: undefined,
  clientId: undefined,
  email: { trust: 'flag', trustEmail: true },
  verifier: 'oauth-provider:test',
  ...extra,
});

describe('provider profile mapping', () => {
  it('reads own properties and array indexes along a path, nothing else', () => {
    const profile = { a: { b: [{ c: 'x' }] } };
    expect(readPath(profile, ['a', 'b', 0, 'c'])).toBe('x');
    expect(readPath(profile, ['a', 'b', 1, 'c'])).toBeUndefined();
    expect(readPath(profile, ['a', 'toString'])).toBeUndefined();
    expect(readPath({ list: 'abc' }, ['list', 0])).toBeUndefined();
    expect(pick({ login: null, email: 'e' }, ['login', 'email'])).toBe('e');
  });

  it('maps a profile to an identity', () => {
    expect(
      profileIdentity(
        { login: 'admin', id: 17, scope: ['read', 'write', 'read'], exp: '2000000000', azp: 'c1' },
        {},
        checks(),
      ),
    ).toEqual({
      subject: '17',
      username: 'admin',
      email: undefined,
      clientId: 'c1',
      scopes: ['read', 'write'],
      claims: expect.any(Object),
      expiresAt: 2_000_000_000,
      serviceAccount: false,
      verifier: 'oauth-provider:test',
    });
  });

  it('uses the e-mail address as the username and subject when that is all there is', () => {
    expect(profileIdentity({ emails: [{ value: 'jd@example.com' }] }, {}, checks())).toMatchObject({
      username: 'jd@example.com',
      email: 'jd@example.com',
      subject: 'jd@example.com',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no username and no e-mail', { id: 1 }, 'username_missing'],
    ['a numeric username', { login: 5 }, 'claim_invalid'],
    ['an object e-mail', { login: 'a', email: { value: 'x' } }, 'claim_invalid'],
    ['a boolean subject', { login: 'a', sub: true }, 'claim_invalid'],
    ['a scope of numbers', { login: 'a', scope: [1, 2] }, 'claim_invalid'],
  ])('refuses %s', (_what, profile, reason) => {
    expect(profileIdentity(profile, {}, checks())).toBe(reason);
  });

  it('checks audience and client where the profile names them', () => {
    const profile = { login: 'a', aud: ['x', 'y'], azp: 'c1' };
    expect(profileIdentity(profile, {}, checks({ expectedAudience: ['y'] }))).toMatchObject({
      username: 'a',
    });
    expect(profileIdentity(profile, {}, checks({ expectedAudience: ['z'] }))).toBe(
      'audience_mismatch',
    );
    expect(profileIdentity(profile, {}, checks({ clientId: ['c2'] }))).toBe('client_mismatch');
    expect(profileIdentity({ login: 'a' }, {}, checks({ clientId: ['c1'] }))).toBe(
      'client_mismatch',
    );
  });

  it('reads scopes from a response header', () => {
    const mapping = { ...checks().mapping, scope: undefined, scopeHeader: 'x-oauth-scopes' };
    expect(
      profileIdentity({ login: 'a' }, { 'x-oauth-scopes': 'repo, read:user' }, checks({ mapping })),
    ).toMatchObject({ scopes: ['repo', 'read:user'] });
  });
});
