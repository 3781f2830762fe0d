/**
 * Canonical base64url (RFC 4648 §5, without padding as RFC 7515 §2 requires). A decoder that
 * ignores the unused low bits of the last character reads up to 16 spellings as one value;
 * refusing all but the canonical one gives each signed token exactly one string.
 */

/**
 * `true` when `segment` is the one canonical unpadded base64url spelling of its bytes.
 *
 * @example
 * ```ts
 * isCanonicalBase64url('YQ'); // true  ('a')
 * isCanonicalBase64url('YR'); // false (also decodes to 'a')
 * ```
 */
export function isCanonicalBase64url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}
