/**
 * Accepts a directory in any of its documented forms and returns one `find` function.
 */
import type { Request } from 'express';
import type { DirectoryLookup, DirectoryUser, Identity, UserDirectory } from '../types.js';

/** A `UserDirectory` or a plain lookup function. */
export type DirectoryInput<U extends DirectoryUser = DirectoryUser> =
  UserDirectory<U> | DirectoryLookup<U>;

/** The normalized lookup. Throws (or rejects) when the directory could not answer. */
export type FindUser = (identity: Identity, req: Request) => Promise<DirectoryUser | null>;

/** `true` when `value` is usable as a directory. */
export function isDirectoryInput(value: unknown): value is DirectoryInput {
  if (typeof value === 'function') return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { find?: unknown }).find === 'function'
  );
}

/** Turns a directory into one async lookup that answers an object or `null`. */
export function adaptDirectory(directory: DirectoryInput): FindUser {
  const find: DirectoryLookup =
    typeof directory === 'function' ? directory : (identity, req) => directory.find(identity, req);
  return async (identity, req) => {
    const user = await find(identity, req);
    if (user === null || user === undefined) return null;
    if (typeof user !== 'object') {
      throw new TypeError('the directory answered something other than an object or null');
    }
    return user;
  };
}
