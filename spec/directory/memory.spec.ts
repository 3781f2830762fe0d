import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { memoryDirectory, type Identity } from '../../lib/index.js';
import { adaptDirectory } from '../../lib/directory/adapt.js';
import { USERS } from '../helpers/users.js';

const req = {} as Request;
const dctx = { signal: new AbortController().signal };
const identity = (parts: Partial<Identity>): Identity => ({
  subject: 's',
  scopes: [],
  claims: {},
  serviceAccount: false,
  verifier: 'jwt',
  ...parts,
});
const [admin, jdoe] = USERS;

describe('memoryDirectory', () => {
  const directory = memoryDirectory(USERS);

  it.each<[string, Partial<Identity>, unknown]>([
    ['by username', { username: 'admin' }, admin],
    ['by username, case-insensitively', { username: 'ADMIN' }, admin],
    [
      'by e-mail when no entry has the username',
      { username: 'nobody', email: 'John.Doe@Example.com' },
      jdoe,
    ],
    ['by e-mail with no username', { email: 'admin@gmail.com' }, admin],
    ['nobody by an e-mail given as the username', { username: 'JOHN.DOE@example.com' }, null],
    ['username before e-mail', { username: 'admin', email: 'john.doe@example.com' }, admin],
    ['nobody', { username: 'ghost', email: 'ghost@example.com' }, null],
    ['no username and no e-mail', {}, null],
  ])('finds %s', async (_name, parts, expected) => {
    expect(await directory.find(identity(parts), req)).toEqual(expected);
  });

  it('uses custom keys', async () => {
    const staff = [{ login: 'Ann', mail: 'ann@corp.test' }];
    const custom = memoryDirectory(staff, { usernameKey: 'login', emailKey: 'mail' });
    expect(await custom.find(identity({ username: 'ann' }), req)).toEqual(staff[0]);
    expect(await custom.find(identity({ email: 'ANN@corp.test' }), req)).toEqual(staff[0]);
    expect(await custom.find(identity({ username: 'admin' }), req)).toBeNull();
  });

  it('refuses two entries with the same username (case-insensitively)', () => {
    expect(() => memoryDirectory([{ name: 'admin' }, { name: 'Admin' }])).toThrow(
      new TypeError('memoryDirectory: two entries have the name "Admin"'),
    );
  });

  it('finds the first entry that shares an e-mail address', async () => {
    const shared = [
      { name: 'a', emailAddress: 'team@x.test' },
      { name: 'b', emailAddress: 'team@x.test' },
    ];
    expect(await memoryDirectory(shared).find(identity({ email: 'team@x.test' }), req)).toEqual(
      shared[0],
    );
  });

  it('skips entries without the key and does not change entries', async () => {
    const entries = Object.freeze([
      Object.freeze({ displayName: 'no name' }),
      Object.freeze({ name: 'x' }),
    ]);
    const dir = memoryDirectory(entries);
    expect(await dir.find(identity({ username: 'x' }), req)).toEqual(entries[1]);
  });

  it('hands each request its own copy of the entry, at every depth', async () => {
    const entries = [{ name: 'ann', groups: ['staff'], profile: { role: 'user' } }];
    const dir = memoryDirectory(entries);
    const first = (await dir.find(identity({ username: 'ann' }), req)) as (typeof entries)[0];
    first.groups.push('admins');
    first.profile.role = 'admin';
    expect(await dir.find(identity({ username: 'ann' }), req)).toEqual({
      name: 'ann',
      groups: ['staff'],
      profile: { role: 'user' },
    });
    expect(entries[0]?.groups).toEqual(['staff']);
  });

  it("snapshots its entries: later changes to the caller's objects change nothing", async () => {
    const entries = [{ name: 'ann', emailAddress: 'ann@x.test' }];
    const dir = memoryDirectory(entries);
    (entries[0] as { name: string }).name = 'mallory';
    entries.push({ name: 'eve', emailAddress: 'eve@x.test' });
    expect(await dir.find(identity({ username: 'ann' }), req)).toEqual({
      name: 'ann',
      emailAddress: 'ann@x.test',
    });
    expect(await dir.find(identity({ username: 'eve' }), req)).toBeNull();
  });

  it('refuses entries that are not plain data', () => {
    expect(() => memoryDirectory([{ name: 'ann', greet: () => 'hi' }])).toThrow(
      'memoryDirectory: entries must be plain data',
    );
  });

  it('accepts and ignores the request and the context', async () => {
    const ctx = { signal: new AbortController().signal };
    const find = memoryDirectory([{ name: 'ann' }]).find as (
      identity: Identity,
      req: Request,
      ctx: unknown,
    ) => Promise<unknown>;
    expect(await find(identity({ username: 'ann' }), req, ctx)).toEqual({ name: 'ann' });
  });

  it.each<[string, unknown, unknown, string]>([
    ['entries not an array', { admin }, undefined, 'memoryDirectory: "entries" must be an array'],
    [
      'an entry that is not an object',
      [admin, 'jdoe'],
      undefined,
      'memoryDirectory: every entry must be an object',
    ],
    [
      'an empty usernameKey',
      [],
      { usernameKey: '' },
      'memoryDirectory: "usernameKey" option must be a non-empty string',
    ],
    [
      'emailKey not a string',
      [],
      { emailKey: 3 },
      'memoryDirectory: "emailKey" option must be a non-empty string',
    ],
  ])('%s → TypeError', (_name, entries, options, message) => {
    expect(() => memoryDirectory(entries as never, options as never)).toThrow(
      new TypeError(message),
    );
  });
});

describe('adaptDirectory', () => {
  it.each<[string, Parameters<typeof adaptDirectory>[0], unknown]>([
    ['a sync function', () => admin as object, admin],
    ['an async function', async () => admin as object, admin],
    ['a { find } object', { find: async () => admin as object }, admin],
    ['undefined means no user', async () => undefined, null],
    ['null means no user', () => null, null],
  ])('accepts %s', async (_name, directory, expected) => {
    expect(await adaptDirectory(directory)(identity({}), req, dctx)).toEqual(expected);
  });

  it('passes the identity, the request and the context to the lookup', async () => {
    const seen: unknown[] = [];
    const id = identity({ username: 'admin' });
    await adaptDirectory((who, r, c) => {
      seen.push(who, r, c);
      return null;
    })(id, req, dctx);
    expect(seen).toEqual([id, req, dctx]);
  });

  it.each<[string, Parameters<typeof adaptDirectory>[0]]>([
    [
      'throws',
      () => {
        throw new Error('db down');
      },
    ],
    ['rejects', async () => Promise.reject(new Error('db down'))],
    ['answers a string', async () => 'admin' as never],
    ['answers an array', async () => [] as never],
    ['answers a boxed string', async () => new String('admin') as never],
  ])(
    'a lookup that %s makes the lookup reject (the middleware answers 503)',
    async (_name, directory) => {
      await expect(adaptDirectory(directory)(identity({}), req, dctx)).rejects.toBeInstanceOf(
        Error,
      );
    },
  );
});
