/**
 * Test keys, generated once per test file: RSA 2048, EC P-256 and Ed25519 key pairs, with their
 * public JWKs (each with a `kid`).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

export interface TestKey {
  alg: 'RS256' | 'ES256' | 'EdDSA';
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
  publicPem: string;
}

function make(alg: TestKey['alg'], kid: string): TestKey {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const publicJwk = { ...(pair.publicKey.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' };
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicJwk,
    publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

const made = new Map<string, TestKey>();

/** A key pair for `alg`, the same object for the same `kid` within one test file. */
export function testKey(alg: TestKey['alg'] = 'RS256', kid = `${alg.toLowerCase()}-1`): TestKey {
  const key = made.get(kid) ?? make(alg, kid);
  made.set(kid, key);
  return key;
}

/** A JWK Set of the public halves of `keys`. */
export function jwksOf(...keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => ({ ...k.publicJwk })) };
}
