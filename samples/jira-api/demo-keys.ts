/**
 * DEMO ONLY. The sample's signing key pair, derived from a fixed, public phrase so that the server
 * and the token script agree without any key file. Anyone can derive this private key: never
 * trust it outside this sample. A real API is given only the issuer's public key (or JWKS URL).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** Who the demo tokens claim to come from, and which API they are for. */
export const DEMO_ISSUER = 'https://id.jira-api.demo';
export const DEMO_AUDIENCE = 'jira-api';

const SEED_PHRASE = 'bearer-guard samples/jira-api demo key: public, never use in production';
/** PKCS#8 DER header of an Ed25519 private key (RFC 8410), followed by the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The demo Ed25519 key pair (the same on every run). */
export function demoKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  const seed = createHash('sha256').update(SEED_PHRASE).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
