/**
 * DPoP proofs for tests (RFC 9449 §4.2), signed with jose: valid by default, each part
 * overridable to build the bad inputs.
 */
import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, type JWK } from 'jose';

export interface ProofKey {
  alg: 'ES256' | 'RS256' | 'EdDSA' | 'PS256';
  privateKey: KeyObject;
  publicJwk: JWK;
  /** RFC 7638 thumbprint: what `cnf.jkt` holds. */
  jkt: string;
}

/** A fresh proof key pair. */
export async function proofKey(alg: ProofKey['alg'] = 'ES256'): Promise<ProofKey> {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
  return {
    alg,
    privateKey: pair.privateKey,
    publicJwk,
    jkt: await calculateJwkThumbprint(publicJwk, 'sha256'),
  };
}

/** base64url(SHA-256(token)): a proof's `ath`. */
export const ath = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

export interface ProofParts {
  key: ProofKey;
  method?: string;
  url: string;
  /** The access token (sets `ath`); `null` leaves `ath` out. */
  token?: string | null;
  /** Seconds since the epoch; default now. */
  iat?: number;
  /** `null` leaves `jti` out. */
  jti?: string | null;
  nonce?: string;
  /** Header overrides (`typ`, `jwk`, …); `undefined` values remove the member. */
  header?: Record<string, unknown>;
  /** Claim overrides. */
  claims?: Record<string, unknown>;
  /** Key to sign with instead of `key.privateKey` (header still names `key`). */
  signWith?: KeyObject | Uint8Array;
  alg?: string;
}

/** A signed proof. */
export async function makeProof(parts: ProofParts): Promise<string> {
  const claims: Record<string, unknown> = {
    htm: parts.method ?? 'GET',
    htu: parts.url,
    ...(parts.jti === null ? {} : { jti: parts.jti ?? randomUUID() }),
    ...(parts.token === null || parts.token === undefined ? {} : { ath: ath(parts.token) }),
    ...(parts.nonce !== undefined ? { nonce: parts.nonce } : {}),
    ...parts.claims,
  };
  const header: Record<string, unknown> = {
    alg: parts.alg ?? parts.key.alg,
    typ: 'dpop+jwt',
    jwk: parts.key.publicJwk,
    ...parts.header,
  };
  for (const k of Object.keys(header)) if (header[k] === undefined) delete header[k];
  const jwt = new SignJWT(claims).setProtectedHeader(header as { alg: string });
  jwt.setIssuedAt(parts.iat ?? Math.floor(Date.now() / 1000));
  return jwt.sign(parts.signWith ?? parts.key.privateKey);
}

/** An unsigned (`alg: none`) proof. */
export function unsignedProof(parts: Omit<ProofParts, 'signWith' | 'alg'>): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const header = { alg: 'none', typ: 'dpop+jwt', jwk: parts.key.publicJwk };
  const claims = {
    htm: parts.method ?? 'GET',
    htu: parts.url,
    jti: randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    ...(parts.token ? { ath: ath(parts.token) } : {}),
  };
  return `${enc(header)}.${enc(claims)}.`;
}
