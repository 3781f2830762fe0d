/**
 * memoryDirectory(): users kept in memory, found case-insensitively by username, then by the
 * identity's (verified) e-mail address; with `matchUsernameAsEmail`, also by a username that is
 * an entry's e-mail address. Both indexes are built once: every lookup is O(1).
 */
import type { DirectoryUser, Identity, UserDirectory } from '../types.js';
import { copyData } from '../util/copy.js';
import { checkKnownOptions } from '../util/known-options.js';
import { FIND_NOW } from './adapt.js';
import { foldName } from './fold.js';

/** Which fields of an entry hold the username and the e-mail address, and how they match. */
export interface MemoryDirectoryOptions {
  /** Field holding the username. Default `'name'` (the REST API document's user shape). */
  usernameKey?: string;
  /** Field holding the e-mail address. Default `'emailAddress'`. */
  emailKey?: string;
  /**
   * Also find the entry whose e-mail address equals the identity's *username* (users who sign in
   * with their address as the username). Only for issuers that let nobody pick a username that
   * is someone else's address: with it on, such a username takes that account. Default `false`.
   */
  matchUsernameAsEmail?: boolean;
}

const FACTORY = 'memoryDirectory';
const KNOWN_OPTIONS = Object.freeze(['usernameKey', 'emailKey', 'matchUsernameAsEmail']);
const HINTS: Readonly<Record<string, string>> = Object.freeze({
  usernameField: 'write "usernameKey" (the entry field holding the username)',
  emailField: 'write "emailKey" (the entry field holding the e-mail address)',
  usernameClaim: '"usernameClaim" is a jwtVerifier option; here write "usernameKey"',
  matchEmail:
    'e-mail addresses always match (verified ones only); write "matchUsernameAsEmail" to match a username against them too',
  caseSensitive: 'lookups are always case-insensitive',
});

function indexBy<U extends DirectoryUser>(entries: readonly U[], key: string, unique: boolean) {
  const index = new Map<string, U>();
  for (const entry of entries) {
    const value = (entry as Record<string, unknown>)[key];
    if (typeof value !== 'string' || value === '') continue;
    const folded = foldName(value);
    if (index.has(folded)) {
      if (unique) throw new TypeError(`${FACTORY}: two entries have the ${key} "${value}"`);
      continue; // a shared e-mail address finds the first entry that has it
    }
    index.set(folded, entry);
  }
  return index;
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${FACTORY}: "${option}" option must be a non-empty string`);
  }
  return value;
}

/**
 * A directory over a fixed list of users, snapshotted at construction (plain data: what
 * `structuredClone` copies). Each lookup answers a fresh copy of the entry. `identity.email` is
 * only ever the verified address (the verifiers leave it out otherwise), so an unverified e-mail
 * claim finds nobody.
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
  if (!Array.isArray(entries)) throw new TypeError(`${FACTORY}: "entries" must be an array`);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${FACTORY}: options must be an object`);
  }
  checkKnownOptions(FACTORY, options, KNOWN_OPTIONS, HINTS);
  const usernameKey = nonEmptyString('usernameKey', options.usernameKey ?? 'name');
  const emailKey = nonEmptyString('emailKey', options.emailKey ?? 'emailAddress');
  const matchUsernameAsEmail = options.matchUsernameAsEmail ?? false;
  if (typeof matchUsernameAsEmail !== 'boolean') {
    throw new TypeError(`${FACTORY}: "matchUsernameAsEmail" option must be a boolean`);
  }
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) {
      throw new TypeError(`${FACTORY}: every entry must be an object`);
    }
  }
  // A snapshot: later changes to the caller's array or objects do not change who gets in.
  let snapshot: U[];
  try {
    snapshot = structuredClone([...entries]);
  } catch {
    throw new TypeError(`${FACTORY}: entries must be plain data (no functions or class instances)`);
  }
  const byUsername = indexBy(snapshot, usernameKey, true);
  const byEmail = indexBy(snapshot, emailKey, false);

  const lookup = (identity: Identity): U | null => {
    const username = identity.username ? foldName(identity.username) : undefined;
    const email = identity.email ? foldName(identity.email) : undefined;
    return (
      (username !== undefined ? byUsername.get(username) : undefined) ??
      (email !== undefined ? byEmail.get(email) : undefined) ??
      (matchUsernameAsEmail && username !== undefined ? byEmail.get(username) : undefined) ??
      null
    );
  };
  // `find(identity, req, ctx)`: the request and the context (its AbortSignal) are not needed
  // for an in-memory lookup, which settles at once. Each request gets its own copy of the entry:
  // a handler changing `req.auth.user` (at any depth) never reaches another request.
  const findNow = (identity: Identity): U | null => {
    const entry = lookup(identity);
    return entry === null ? null : copyData(entry);
  };
  // The middleware calls the synchronous form directly: no promise, no timer.
  return FIND_NOW.attach({ find: async (identity: Identity) => findNow(identity) }, findNow);
}
