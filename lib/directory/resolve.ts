/**
 * The resolve stage: asks the directory for the user of a verified identity, within
 * `directoryTimeoutMs`. A lookup that has not settled by then is a directory error (503) and its
 * `ctx.signal` is aborted; its late answer is ignored.
 */
import type { Request } from 'express';
import type { DirectoryUser, Identity } from '../types.js';
import type { FindUser } from './adapt.js';

/** What the directory said. */
export type Resolution =
  { kind: 'user'; user: DirectoryUser } | { kind: 'none' } | { kind: 'error'; cause: unknown };

const NONE: Resolution = Object.freeze({ kind: 'none' });

/**
 * Looks the identity up: at once for a directory that never waits (memoryDirectory), otherwise
 * within `timeoutMs`.
 *
 * @example
 * ```ts
 * const found = await resolveUser(findUser, identity, req, 5000);
 * if (found.kind === 'user') use(found.user);
 * ```
 */
export function resolveUser(
  findUser: FindUser,
  identity: Identity,
  req: Request,
  timeoutMs: number,
): Promise<Resolution> | Resolution {
  if (findUser.now) {
    try {
      const user = findUser.now(identity);
      return user ? { kind: 'user', user } : NONE;
    } catch (cause) {
      return { kind: 'error', cause };
    }
  }
  const controller = new AbortController();
  return new Promise<Resolution>((resolve) => {
    const timer = setTimeout(() => {
      const cause = new Error(`the directory did not answer within ${timeoutMs} ms`);
      cause.name = 'TimeoutError';
      controller.abort(cause);
      resolve({ kind: 'error', cause });
    }, timeoutMs);
    let lookup: Promise<DirectoryUser | null>;
    try {
      lookup = findUser(identity, req, { signal: controller.signal });
    } catch (cause) {
      clearTimeout(timer);
      resolve({ kind: 'error', cause });
      return;
    }
    lookup.then(
      (user) => {
        clearTimeout(timer);
        resolve(user ? { kind: 'user', user } : { kind: 'none' });
      },
      (cause: unknown) => {
        clearTimeout(timer);
        resolve({ kind: 'error', cause });
      },
    );
  });
}
