/**
 * Sealing values for the store: AES-256-GCM under a key derived from the secret, with the
 * store key (or channel) as associated data, so a value copied under another key does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DerivedKeys } from './secrets.js';

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Longest sealed value read or written: larger answers are garbage, larger verdicts not shared. */
export const MAX_SEALED_LENGTH = 64 * 1024;

/** Seals `plaintext` bound to `aad` under `keys`. */
export function seal(keys: DerivedKeys, aad: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.seal, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Opens a sealed value with `keys`; `undefined` when it is not one sealed under them for `aad`. */
export function open(keys: DerivedKeys, aad: string, sealed: unknown): string | undefined {
  if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH) return undefined;
  if (!sealed.startsWith(VERSION)) return undefined;
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.seal, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Opens with any of `keys` (messages carry no key of their own to tell which secret sealed them). */
export function openAny(
  keys: readonly DerivedKeys[],
  aad: string,
  sealed: unknown,
): string | undefined {
  for (const k of keys) {
    const opened = open(k, aad, sealed);
    if (opened !== undefined) return opened;
  }
  return undefined;
}
