import { describe, expect, it } from '@jest/globals';
import { createSecretKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  isSupportedAlgorithm,
  splitCompact,
  verifySignature,
} from '../../lib/verifiers/jws-signature.js';

type Pair = { privateKey: KeyObject; publicKey: KeyObject };
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }) as Pair;
const rsaOther = generateKeyPairSync('rsa', { modulusLength: 2048 }) as Pair;
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }) as Pair;
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }) as Pair;
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }) as Pair;
const ed = generateKeyPairSync('ed25519') as Pair;
const secret = createSecretKey(Buffer.alloc(64, 7));

const CASES: Array<[string, KeyObject, KeyObject]> = [
  ['RS256', rsa.privateKey, rsa.publicKey],
  ['RS384', rsa.privateKey, rsa.publicKey],
  ['RS512', rsa.privateKey, rsa.publicKey],
  ['PS256', rsa.privateKey, rsa.publicKey],
  ['PS384', rsa.privateKey, rsa.publicKey],
  ['PS512', rsa.privateKey, rsa.publicKey],
  ['ES256', p256.privateKey, p256.publicKey],
  ['ES384', p384.privateKey, p384.publicKey],
  ['ES512', p521.privateKey, p521.publicKey],
  ['EdDSA', ed.privateKey, ed.publicKey],
  ['HS256', secret, secret],
  ['HS384', secret, secret],
  ['HS512', secret, secret],
];

const signed = (alg: string, key: KeyObject) =>
  new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg }).sign(key);

describe('verifySignature (node:crypto, checked against tokens jose signs)', () => {
  it.each(CASES)('%s: a token jose signed verifies', async (alg, privateKey, publicKey) => {
    const parts = splitCompact(await signed(alg, privateKey));
    expect(parts && verifySignature(alg, publicKey, parts)).toBe(true);
  });

  it.each(CASES)('%s: a changed payload does not verify', async (alg, privateKey, publicKey) => {
    const [h, , s] = (await signed(alg, privateKey)).split('.');
    const forged = `${h}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${s}`;
    expect(verifySignature(alg, publicKey, splitCompact(forged)!)).toBe(false);
  });

  it('refuses a signature made by another key', async () => {
    const parts = splitCompact(await signed('RS256', rsaOther.privateKey))!;
    expect(verifySignature('RS256', rsa.publicKey, parts)).toBe(false);
  });

  it.each<[string, string, KeyObject, KeyObject]>([
    [
      'an HMAC algorithm with a public key (algorithm confusion)',
      'HS256',
      rsa.privateKey,
      rsa.publicKey,
    ],
    ['ES256 with a P-384 key', 'ES256', p384.privateKey, p384.publicKey],
    ['EdDSA with an RSA key', 'EdDSA', rsa.privateKey, rsa.publicKey],
    ['RS256 with an EC key', 'RS256', p256.privateKey, p256.publicKey],
    ['RS256 with a secret', 'RS256', secret, secret],
    ['"none"', 'none', rsa.privateKey, rsa.publicKey],
  ])('refuses %s', async (_name, alg, signer, key) => {
    const input = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9';
    const signature =
      signer.type === 'secret' ? Buffer.alloc(32) : sign('sha256', Buffer.from(input), signer);
    expect(verifySignature(alg, key, { signingInput: input, signature })).toBe(false);
  });

  it('refuses an ECDSA signature in DER form instead of r || s', async () => {
    const input = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9';
    const der = sign('sha256', Buffer.from(input), p256.privateKey);
    expect(verifySignature('ES256', p256.publicKey, { signingInput: input, signature: der })).toBe(
      false,
    );
  });

  it('refuses an HMAC signature of another length without throwing', () => {
    const input = 'a.b';
    expect(
      verifySignature('HS256', secret, { signingInput: input, signature: Buffer.alloc(3) }),
    ).toBe(false);
  });

  it('splits only compact tokens of three parts', () => {
    expect(splitCompact('a.b')).toBeUndefined();
    expect(splitCompact('a.b.c.d')).toBeUndefined();
    expect(splitCompact('.b.c')).toBeUndefined();
    expect(splitCompact('a.b.c')).toMatchObject({ signingInput: 'a.b' });
  });

  it('knows which algorithms it checks', () => {
    expect(isSupportedAlgorithm('PS512')).toBe(true);
    expect(isSupportedAlgorithm('none')).toBe(false);
    expect(isSupportedAlgorithm('constructor')).toBe(false);
  });
});
