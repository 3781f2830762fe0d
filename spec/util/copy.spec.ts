import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { copyData, copyIdentity } from '../../lib/util/copy.js';
import type { Identity } from '../../lib/types.js';

describe('copyData', () => {
  it('copies objects and arrays at every depth', () => {
    const original = { sub: 'a', org: { role: 'user', teams: [{ name: 't' }] }, groups: ['x'] };
    const copy = copyData(original);
    copy.org.role = 'admin';
    copy.org.teams[0]!.name = 'changed';
    copy.groups.push('admins');
    expect(original).toEqual({
      sub: 'a',
      org: { role: 'user', teams: [{ name: 't' }] },
      groups: ['x'],
    });
    expect(copy).toEqual({
      sub: 'a',
      org: { role: 'admin', teams: [{ name: 'changed' }] },
      groups: ['x', 'admins'],
    });
  });

  it('copies plain objects of another realm, and keeps class instances and dates', () => {
    const foreign = runInNewContext('({ nested: { a: [1, 2] } })') as { nested: { a: number[] } };
    const copy = copyData(foreign);
    copy.nested.a.push(3);
    expect(foreign.nested.a).toEqual([1, 2]);
    const when = new Date(0);
    class Thing {
      value = 1;
    }
    const thing = new Thing();
    const kept = copyData({ when, thing });
    expect(kept.when).toBe(when);
    expect(kept.thing).toBe(thing);
  });

  it('keeps an own __proto__ member a member, never a prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"admin":true},"x":{"__proto__":{"admin":true}}}') as {
      x: object;
    };
    const copy = copyData(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(copy.x)).toBe(Object.prototype);
    expect((copy as { admin?: boolean }).admin).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual(
      JSON.parse('{"admin":true}'),
    );
  });

  it('copies own members only, even when Object.prototype has an enumerable one', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.inheritedForCopyTest = { polluted: true };
    try {
      const copy = copyData({ a: { b: 1 } });
      expect(Object.keys(copy)).toEqual(['a']);
      expect(Object.prototype.hasOwnProperty.call(copy, 'inheritedForCopyTest')).toBe(false);
    } finally {
      delete proto.inheritedForCopyTest;
    }
  });
});

describe('copyIdentity', () => {
  it('gives the request its own scopes, claims and confirmation', () => {
    const cached: Identity = {
      subject: 's',
      scopes: ['read'],
      claims: { org: { role: 'user' } },
      serviceAccount: false,
      verifier: '',
      confirmation: { jkt: 'abc' },
    };
    const copy = copyIdentity(cached, 'jwt');
    copy.scopes.push('write');
    (copy.claims.org as { role: string }).role = 'admin';
    (copy.confirmation as { jkt: string }).jkt = 'other';
    expect(cached.scopes).toEqual(['read']);
    expect(cached.claims).toEqual({ org: { role: 'user' } });
    expect(cached.confirmation).toEqual({ jkt: 'abc' });
    expect(copy.verifier).toBe('jwt');
  });
});
