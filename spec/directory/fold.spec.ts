/**
 * Case folding that never maps a compatibility character onto ASCII: a name spelt with the Kelvin
 * sign, a long s or a dotted capital I is not the ASCII name it looks like.
 */
import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { memoryDirectory, type Identity } from '../../lib/index.js';
import { foldName } from '../../lib/directory/fold.js';

const req = {} as Request;
const identity = (parts: Partial<Identity>): Identity => ({
  subject: 's',
  scopes: [],
  claims: {},
  serviceAccount: false,
  verifier: 'test',
  ...parts,
});

describe('directory case folding', () => {
  const kate = { name: 'kate', emailAddress: 'kate@example.com' };
  const ross = { name: 'ross', emailAddress: 'sales@example.com' };
  const iris = { name: 'iris', emailAddress: 'iris@example.com' };
  const directory = memoryDirectory([kate, ross, iris]);
  const find = (parts: Partial<Identity>) => directory.find(identity(parts), req);

  it('does not let the Kelvin sign (U+212A) match "k"', async () => {
    expect(await find({ username: '\u212Aate' })).toBeNull();
    expect(await find({ username: '\u212AATE' })).toBeNull();
    expect(await find({ email: '\u212Aate@example.com' })).toBeNull();
  });

  it('does not let the long s (U+017F) match "s"', async () => {
    expect(await find({ username: 'ro\u017F\u017F' })).toBeNull();
    expect(await find({ email: '\u017Fales@example.com' })).toBeNull();
  });

  it('does not let the dotted capital I (U+0130) match "i"', async () => {
    expect(await find({ username: '\u0130ris' })).toBeNull();
    expect(await find({ email: '\u0130RIS@example.com' })).toBeNull();
  });

  it('still folds ASCII case, and non-ASCII case and canonical equivalence', async () => {
    expect(await find({ username: 'KATE' })).toEqual(kate);
    expect(await find({ email: 'Sales@Example.COM' })).toEqual(ross);
    const zoe = { name: 'Zo\u00EB' };
    const names = memoryDirectory([zoe]);
    expect(await names.find(identity({ username: 'ZO\u00CB' }), req)).toEqual(zoe);
    expect(await names.find(identity({ username: 'zoe\u0308' }), req)).toEqual(zoe);
  });

  it('keeps the compatibility characters as they are', () => {
    expect(foldName('\u212Aate')).toBe('\u212Aate');
    expect(foldName('Ro\u017F\u017F')).toBe('ro\u017F\u017F');
    expect(foldName('\u0130ris')).toBe('\u0130ris');
    expect(foldName('\u037E')).toBe('\u037E'); // Greek question mark: NFC makes it ";"
    expect(foldName('ÄRGER')).toBe('ärger');
  });

  it('refuses two entries whose names fold alike, but not a Kelvin-sign look-alike', () => {
    expect(() => memoryDirectory([{ name: 'Kate' }, { name: 'kate' }])).toThrow(TypeError);
    expect(() => memoryDirectory([{ name: 'kate' }, { name: '\u212Aate' }])).not.toThrow();
  });
});
