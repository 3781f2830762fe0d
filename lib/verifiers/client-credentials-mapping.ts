/**
 * Client id → service account, through the object snapshotted at construction or the
 * application's function under a timeout. A function that fails is never read as "not mapped".
 */
import type { Identity } from '../types.js';
import {
  readServiceAccount,
  type ResolvedClientCredentialsOptions,
  type ResolvedServiceAccount,
} from './client-credentials-options.js';

/** What the mapping said about one client. */
export type MappingResult =
  | { kind: 'mapped'; account: ResolvedServiceAccount }
  | { kind: 'unmapped' }
  | { kind: 'error'; cause: unknown };

const UNMAPPED: MappingResult = Object.freeze({ kind: 'unmapped' });

/** Settles with `work`'s value, or rejects once `timeoutMs` has passed. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the serviceAccounts function took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Looks `clientId` up.
 *
 * @example
 * ```ts
 * const result = await mapClient('svc-reporting', identity, config);
 * if (result.kind === 'mapped') console.log(result.account.user);
 * ```
 */
export async function mapClient(
  clientId: string,
  identity: Identity,
  config: ResolvedClientCredentialsOptions,
): Promise<MappingResult> {
  const { serviceAccounts } = config;
  if (typeof serviceAccounts !== 'function') {
    const account = serviceAccounts.get(clientId);
    return account ? { kind: 'mapped', account } : UNMAPPED;
  }
  let answer: unknown;
  try {
    // Promise.resolve().then: a synchronous throw becomes a rejection like an async one.
    answer = await withTimeout(
      Promise.resolve().then(() => serviceAccounts(clientId, identity)),
      config.mappingTimeoutMs,
    );
  } catch (cause) {
    return { kind: 'error', cause };
  }
  if (answer === null || answer === undefined) return UNMAPPED;
  const account = readServiceAccount(answer);
  if (typeof account === 'string') {
    return {
      kind: 'error',
      cause: new TypeError(`the serviceAccounts function's answer ${account}`),
    };
  }
  return { kind: 'mapped', account };
}
