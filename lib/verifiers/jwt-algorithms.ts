/**
 * Which JWS algorithms a key can verify (RFC 7518 §3, RFC 8037). A public key never verifies HMAC
 * (RFC 8725 §2.1, §3.1); a shared secret verifies HMAC only, up to what its length allows
 * (RFC 7518 §3.2). `none` appears nowhere.
 */
import type { KeyObject } from 'node:crypto';

const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_BY_CURVE: Record<string, string[]> = {
  'P-256': ['ES256'],
  'P-384': ['ES384'],
  'P-521': ['ES512'],
  prime256v1: ['ES256'],
  secp384r1: ['ES384'],
  secp521r1: ['ES512'],
};
const OKP_BY_CURVE: Record<string, string[]> = {
  Ed25519: ['EdDSA', 'Ed25519'],
  ed25519: ['EdDSA', 'Ed25519'],
};

/** Every asymmetric signature algorithm bearer-guard accepts: the allow-list for remote key sets. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze([
  ...RSA,
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

/** Smallest RSA modulus accepted, in bits (RFC 8725 §3.5, NIST SP 800-131A). */
export const MIN_RSA_BITS = 2048;

/** The algorithms a public JWK can verify, honouring its `alg`; empty when none. */
export function algorithmsForJwk(jwk: { kty?: unknown; crv?: unknown; alg?: unknown }): string[] {
  let family: string[] = [];
  if (jwk.kty === 'RSA') family = RSA;
  else if (jwk.kty === 'EC' && typeof jwk.crv === 'string') family = EC_BY_CURVE[jwk.crv] ?? [];
  else if (jwk.kty === 'OKP' && typeof jwk.crv === 'string') family = OKP_BY_CURVE[jwk.crv] ?? [];
  if (typeof jwk.alg === 'string') return family.includes(jwk.alg) ? [jwk.alg] : [];
  return [...family];
}

/** The algorithms a public KeyObject can verify; empty when none. */
export function algorithmsForKeyObject(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return [...RSA];
    case 'rsa-pss':
      return RSA.filter((alg) => alg.startsWith('PS'));
    case 'ec':
      return EC_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? [];
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return [];
  }
}

/** Bits of an RSA JWK's modulus (`n`), or `undefined` for other key types. */
export function rsaModulusBits(jwk: { kty?: unknown; n?: unknown }): number | undefined {
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string') return undefined;
  const bytes = Buffer.from(jwk.n, 'base64url');
  let leadingZeroBits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      leadingZeroBits += 8;
      continue;
    }
    leadingZeroBits += Math.clz32(byte) - 24;
    break;
  }
  return bytes.length * 8 - leadingZeroBits;
}

/** HMAC algorithms and the least secret length each needs, in bytes (RFC 7518 §3.2). */
export const HMAC_MIN_BYTES: Readonly<Record<string, number>> = Object.freeze({
  HS256: 32,
  HS384: 48,
  HS512: 64,
});

/** The HMAC algorithms a shared secret of `bytes` bytes is long enough for. */
export function hmacAlgorithmsFor(bytes: number): string[] {
  return Object.entries(HMAC_MIN_BYTES)
    .filter(([, least]) => bytes >= least)
    .map(([alg]) => alg);
}
