/**
 * Synchronous JWS signature checks with `node:crypto` (RFC 7515 §5.2, RFC 7518 §3, RFC 8037),
 * for the first sight of a token: one call on the main thread instead of a WebCrypto round trip.
 * Keys are imported and selected with jose elsewhere; this module only answers "does this
 * signature verify with this key under this algorithm", strictly:
 * - the key's type (and curve) must be the one the algorithm names;
 * - an ECDSA signature must be the fixed-size `r || s` of its curve (RFC 7518 §3.4);
 * - HMAC compares in constant time (RFC 7518 §3.2).
 */
import {
  constants,
  createHmac,
  createSecretKey,
  KeyObject,
  timingSafeEqual,
  verify,
  type webcrypto,
} from 'node:crypto';

interface Rule {
  /** Digest for `crypto.verify` (`null` for EdDSA). */
  digest: 'sha256' | 'sha384' | 'sha512' | null;
  /** Key types the algorithm takes. */
  keyTypes: readonly string[];
  /** ECDSA: the named curve and the `r || s` length in bytes. */
  curve?: string;
  signatureBytes?: number;
  pss?: boolean;
}

const RULES: Readonly<Record<string, Rule>> = Object.freeze({
  RS256: { digest: 'sha256', keyTypes: ['rsa'] },
  RS384: { digest: 'sha384', keyTypes: ['rsa'] },
  RS512: { digest: 'sha512', keyTypes: ['rsa'] },
  PS256: { digest: 'sha256', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  PS384: { digest: 'sha384', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  PS512: { digest: 'sha512', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  ES256: { digest: 'sha256', keyTypes: ['ec'], curve: 'prime256v1', signatureBytes: 64 },
  ES384: { digest: 'sha384', keyTypes: ['ec'], curve: 'secp384r1', signatureBytes: 96 },
  ES512: { digest: 'sha512', keyTypes: ['ec'], curve: 'secp521r1', signatureBytes: 132 },
  EdDSA: { digest: null, keyTypes: ['ed25519', 'ed448'] },
  Ed25519: { digest: null, keyTypes: ['ed25519'] },
});

const HMAC: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512'>> = Object.freeze({
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
});

/** The signing input and signature of a compact JWS, split once. */
export interface CompactParts {
  /** `BASE64URL(header) || '.' || BASE64URL(payload)`, as sent. */
  signingInput: string;
  /** The decoded signature bytes. */
  signature: Buffer;
}

/** Splits a compact JWS; `undefined` unless it has exactly three parts. */
export function splitCompact(token: string): CompactParts | undefined {
  const last = token.lastIndexOf('.');
  const first = token.indexOf('.');
  if (first <= 0 || last === first || token.indexOf('.', first + 1) !== last) return undefined;
  return {
    signingInput: token.slice(0, last),
    signature: Buffer.from(token.slice(last + 1), 'base64url'),
  };
}

/** `true` when `alg` is an algorithm this module checks. */
export function isSupportedAlgorithm(alg: string): boolean {
  return (
    Object.prototype.hasOwnProperty.call(RULES, alg) ||
    Object.prototype.hasOwnProperty.call(HMAC, alg)
  );
}

/**
 * `true` when `parts.signature` is a valid signature of `parts.signingInput` by `key` under
 * `alg`. Any mismatch of key and algorithm, or a malformed signature, is `false`.
 *
 * @example
 * ```ts
 * const parts = splitCompact(token);
 * if (parts && verifySignature('RS256', publicKey, parts)) accept();
 * ```
 */
export function verifySignature(alg: string, key: KeyObject, parts: CompactParts): boolean {
  const data = Buffer.from(parts.signingInput, 'latin1');
  if (Object.prototype.hasOwnProperty.call(HMAC, alg)) {
    if (key.type !== 'secret') return false;
    const expected = createHmac(HMAC[alg] as string, key)
      .update(data)
      .digest();
    return expected.length === parts.signature.length && timingSafeEqual(expected, parts.signature);
  }
  const rule = Object.prototype.hasOwnProperty.call(RULES, alg) ? RULES[alg] : undefined;
  if (!rule || key.type !== 'public') return false;
  const type = key.asymmetricKeyType ?? '';
  if (!rule.keyTypes.includes(type)) return false;
  try {
    if (rule.curve) {
      if (key.asymmetricKeyDetails?.namedCurve !== rule.curve) return false;
      if (parts.signature.length !== rule.signatureBytes) return false;
      return verify(rule.digest, data, { key, dsaEncoding: 'ieee-p1363' }, parts.signature);
    }
    if (rule.digest === null) return verify(null, data, key, parts.signature);
    if (rule.pss) {
      return verify(
        rule.digest,
        data,
        {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        },
        parts.signature,
      );
    }
    return verify(
      rule.digest,
      data,
      { key, padding: constants.RSA_PKCS1_PADDING },
      parts.signature,
    );
  } catch {
    return false;
  }
}

const keyObjects = new WeakMap<object, KeyObject>();

/**
 * The `node:crypto` form of a key jose imported (a WebCrypto `CryptoKey`) or of an HMAC secret's
 * bytes, converted once per key and kept as long as the key is.
 *
 * @example
 * ```ts
 * const keyObject = keyObjectFor(await importJWK(jwk, 'RS256'));
 * ```
 */
export function keyObjectFor(key: webcrypto.CryptoKey | Uint8Array): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = key instanceof Uint8Array ? createSecretKey(key) : KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}
