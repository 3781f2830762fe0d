/**
 * memoryDirectory(): users kept in memory, found case-insensitively by username, then by e-mail
 * address, then by an e-mail address given as the username (users sign in with either).
 */
import type { DirectoryUser, Identity, UserDirectory } from '../types.js';
import { copyData } from '../util/copy.js';

/** Which fields of an entry hold the username and the e-mail address. */
export interface MemoryDirectoryOptions {
  /** Field holding the username. Default `'name'` (the REST API document's user shape). */
  usernameKey?: string;
  /** Field holding the e-mail address. Default `'emailAddress'`. */
  emailKey?: string;
}

const fold = (value: string): string => value.normalize('NFC').toLowerCase();

function indexBy<U extends DirectoryUser>(entries: readonly U[], key: string, unique: boolean) {
  const index = new Map<string, U>();
  for (const entry of entries) {
    const value = (entry as Record<string, unknown>)[key];
    if (typeof value !== 'string' || value === '') continue;
    const folded = fold(value);
    if (index.has(folded)) {
      if (unique) throw new TypeError(`memoryDirectory: two entries have the ${key} "${value}"`);
      continue; // a shared e-mail address finds the first entry that has it
    }
    index.set(folded, entry);
  }
  return index;
}

/**
 * A directory over a fixed list of users.
 *
 * @example
 * ```ts
 * const directory = memoryDirectory([
 *   { name: 'admin', emailAddress: 'admin@example.com', displayName: 'Admin' },
 * ]);
 * ```
 */
export function memoryDirectory<U extends DirectoryUser>(
  entries: readonly U[],
  options: MemoryDirectoryOptions = {},
): UserDirectory<U> {
  if (!Array.isArray(entries)) throw new TypeError('memoryDirectory: "entries" must be an array');
  const usernameKey = options.usernameKey ?? 'name';
  const emailKey = options.emailKey ?? 'emailAddress';
  if (typeof usernameKey !== 'string' || usernameKey === '') {
    throw new TypeError('memoryDirectory: "usernameKey" option must be a non-empty string');
  }
  if (typeof emailKey !== 'string' || emailKey === '') {
    throw new TypeError('memoryDirectory: "emailKey" option must be a non-empty string');
  }
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) {
      throw new TypeError('memoryDirectory: every entry must be an object');
    }
  }
  const byUsername = indexBy(entries, usernameKey, true);
  const byEmail = indexBy(entries, emailKey, false);

  const lookup = (identity: Identity): U | null => {
    const username = identity.username ? fold(identity.username) : undefined;
    const email = identity.email ? fold(identity.email) : undefined;
    return (
      (username !== undefined ? byUsername.get(username) : undefined) ??
      (email !== undefined ? byEmail.get(email) : undefined) ??
      (username !== undefined ? byEmail.get(username) : undefined) ??
      null
    );
  };
  // Each request gets its own copy of the entry: a handler changing req.auth.user must not
  // change what the next request sees.
  return { find: async (identity) => copyData(lookup(identity)) };
}
