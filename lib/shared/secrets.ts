/**
 * The shared cache's secrets: each one (≥ 32 bytes) yields, by HKDF-SHA256, a key for naming
 * entries (HMAC) and a key for sealing them (AES-256-GCM). The first secret writes; all read.
 */
import { hkdfSync } from 'node:crypto';

/** The two keys derived from one secret. */
export interface DerivedKeys {
  readonly mac: Buffer;
  readonly seal: Buffer;
}

const MIN_SECRET_BYTES = 32;
const SALT = Buffer.from('bearer-guard shared cache');

function derive(secret: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, SALT, info, 32));
}

function toBuffer(factory: string, value: unknown): Buffer {
  const buffer =
    typeof value === 'string'
      ? Buffer.from(value, 'utf8')
      : value instanceof Uint8Array
        ? Buffer.from(value)
        : undefined;
  if (!buffer || buffer.length < MIN_SECRET_BYTES) {
    throw new TypeError(
      `${factory}: "secret" option must be a string or Buffer of at least ${MIN_SECRET_BYTES} bytes, or a non-empty list of them`,
    );
  }
  return buffer;
}

/**
 * Checks `secret` (one secret or a list, newest first) and derives the keys of each.
 * Throws a TypeError naming the option.
 */
export function deriveKeys(factory: string, secret: unknown): readonly DerivedKeys[] {
  const list = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0) toBuffer(factory, undefined);
  return Object.freeze(
    list.map((value) => {
      const buffer = toBuffer(factory, value);
      return Object.freeze({
        mac: derive(buffer, 'bg:v1 key'),
        seal: derive(buffer, 'bg:v1 seal'),
      });
    }),
  );
}
