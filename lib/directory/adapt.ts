/**
 * Accepts a directory in any of its documented forms and returns one `find` function that
 * answers a user object or `null`, or throws when the directory could not answer.
 */
import type { Request } from 'express';
import type {
  DirectoryContext,
  DirectoryLookup,
  DirectoryUser,
  Identity,
  UserDirectory,
} from '../types.js';
import { syncTwin } from '../util/sync-twin.js';

/** A `UserDirectory` or a plain lookup function. */
export type DirectoryInput<U extends DirectoryUser = DirectoryUser> =
  UserDirectory<U> | DirectoryLookup<U>;

/** The normalized lookup. Throws (or rejects) when the directory could not answer. */
export type FindUser = ((
  identity: Identity,
  req: Request,
  ctx: DirectoryContext,
) => Promise<DirectoryUser | null>) & {
  /** Present for directories that answer without I/O (memoryDirectory): the same, at once. */
  now?: (identity: Identity) => DirectoryUser | null;
};

/** A directory's synchronous lookup, for directories that never wait (memoryDirectory). */
export const FIND_NOW = syncTwin<(identity: Identity) => DirectoryUser | null>('find-now');

/** `true` when `value` is usable as a directory. */
export function isDirectoryInput(value: unknown): value is DirectoryInput {
  if (typeof value === 'function') return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { find?: unknown }).find === 'function'
  );
}

const BOXED = [Number, String, Boolean, Symbol, BigInt] as const;

/** A user is a non-null object that is not an array, a boxed primitive or a promise. */
function isUser(value: object): boolean {
  if (Array.isArray(value)) return false;
  if (typeof (value as { then?: unknown }).then === 'function') return false;
  return !BOXED.some((Box) => value instanceof Box);
}

/** Checks one directory answer: a user, `null` for "no user", or a thrown TypeError. */
export function checkDirectoryAnswer(user: unknown): DirectoryUser | null {
  if (user === null || user === undefined) return null;
  if (typeof user !== 'object' || !isUser(user)) {
    throw new TypeError('the directory answered something other than a user object or null');
  }
  return user;
}

/** Turns a directory into one async lookup that answers an object or `null`. */
export function adaptDirectory(directory: DirectoryInput): FindUser {
  const find: DirectoryLookup =
    typeof directory === 'function'
      ? directory
      : (identity, req, ctx) => directory.find(identity, req, ctx);
  const findUser: FindUser = async (identity, req, ctx) =>
    checkDirectoryAnswer(await find(identity, req, ctx));
  // memoryDirectory's own lookup: it answers a copy of a plain-data entry, or null.
  const now = FIND_NOW.of(directory);
  if (now) findUser.now = now;
  return findUser;
}
