/**
 * A fresh asymmetric signing key for the testing kit: RS256 (RSA 2048), ES256 (P-256) or EdDSA
 * (Ed25519), with its public JWK (RFC 7517) and PEM. The `kid` is derived from the public key, so
 * two issuers never share one by accident.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** Algorithms the testing kit signs with. */
export type TestAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

/** A key pair ready to sign and to publish. */
export interface SigningKey {
  readonly alg: TestAlgorithm;
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public half as a JWK with `kid`, `alg` and `use: "sig"`. */
  readonly publicJwk: Readonly<JWK>;
  /** The public half as an SPKI PEM. */
  readonly publicKeyPem: string;
}

const ALGORITHMS: readonly TestAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

function generate(alg: TestAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
  }
}

/**
 * `true` when `value` is an algorithm the testing kit can sign with.
 *
 * @example
 * ```ts
 * isTestAlgorithm('HS256'); // false
 * ```
 */
export function isTestAlgorithm(value: unknown): value is TestAlgorithm {
  return ALGORITHMS.includes(value as TestAlgorithm);
}

/**
 * Generates a signing key for `alg`.
 *
 * @example
 * ```ts
 * const key = createSigningKey('ES256');
 * key.publicJwk.kty; // 'EC'
 * ```
 */
export function createSigningKey(alg: TestAlgorithm): SigningKey {
  const { privateKey, publicKey } = generate(alg);
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const kid = `test-${createHash('sha256').update(der).digest('base64url').slice(0, 16)}`;
  const publicJwk: JWK = Object.freeze({
    ...(publicKey.export({ format: 'jwk' }) as JWK),
    kid,
    alg,
    use: 'sig',
  });
  return Object.freeze({
    alg,
    kid,
    privateKey,
    publicJwk,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  });
}
