/**
 * clientCredentialsVerifier's options, their defaults and the one function that checks them at
 * construction: `via` must be a verifier, an object `serviceAccounts` is snapshotted and checked
 * entry by entry, a function one is kept as is.
 */
import type { Identity, Verifier } from '../types.js';
import { isObject } from '../util/json.js';
import { checkKnownOptions } from '../util/known-options.js';

/**
 * The service account a client is mapped to: the directory username, or the username with the
 * scopes the administrator granted that client (`scopes` outside this list are dropped from the
 * identity; `[]` drops them all).
 *
 * @example
 * ```ts
 * const reporting: ServiceAccount = { user: 'svc-reports', scopes: ['read'] };
 * const backup: ServiceAccount = 'svc-backup';
 * ```
 */
export type ServiceAccount = string | { user: string; scopes?: readonly string[] };

/**
 * Client id → service account, as an object. Snapshotted at construction.
 *
 * @example
 * ```ts
 * const accounts: ServiceAccountMap = { 'svc-reporting': { user: 'svc-reports', scopes: ['read'] } };
 * ```
 */
export type ServiceAccountMap = Readonly<Record<string, ServiceAccount>>;

/**
 * Client id → service account, as a function (sync or async). `null` or `undefined` means "not
 * mapped" (401); a throw, a rejection, a wrong-typed answer or an answer slower than
 * `mappingTimeoutMs` means the mapping could not be decided (503).
 *
 * @example
 * ```ts
 * const accounts: ServiceAccountLookup = async (clientId) =>
 *   (await db.serviceAccountOf(clientId)) ?? null;
 * ```
 */
export type ServiceAccountLookup = (
  clientId: string,
  identity: Identity,
) => ServiceAccount | null | undefined | Promise<ServiceAccount | null | undefined>;

/**
 * Options of `clientCredentialsVerifier`.
 *
 * @example
 * ```ts
 * const options: ClientCredentialsVerifierOptions = {
 *   via: jwtVerifier({ jwksUri, issuer, audience }),
 *   serviceAccounts: { 'svc-reporting': 'svc-reports' },
 * };
 * ```
 */
export interface ClientCredentialsVerifierOptions {
  /**
   * The verifier that checks the token itself: a `jwtVerifier`, an `introspectionVerifier` or any
   * `Verifier`. Its `pass`, `reject` and `unavailable` verdicts are returned unchanged.
   */
  via: Verifier;
  /** Client id → directory username of its service account: an object or a function. */
  serviceAccounts: ServiceAccountMap | ServiceAccountLookup;
  /**
   * Decides whether an identity accepted by `via` is a client-credentials token (no end user).
   * Default `isClientCredentialsToken`; an identity for which it answers `false` is passed on
   * to the next verifier (`not_client_credentials`).
   */
  isClientCredentials?: (identity: Identity) => boolean;
  /**
   * Longest wait for a `serviceAccounts` function, in milliseconds; past it the request fails
   * closed with 503 (`mapping_error`). Only an async function can be cut short: a synchronous one
   * blocks until it returns. Default 2000.
   */
  mappingTimeoutMs?: number;
  /** Verifier name in decisions. Default `'client-credentials'`. */
  name?: string;
}

/** A mapped service account after checks. */
export interface ResolvedServiceAccount {
  readonly user: string;
  /** Scopes the client may use; `undefined`: whatever the token grants. */
  readonly scopes: readonly string[] | undefined;
}

/** clientCredentialsVerifier's options after defaults and checks. */
export interface ResolvedClientCredentialsOptions {
  readonly name: string;
  readonly via: Verifier;
  readonly serviceAccounts: ReadonlyMap<string, ResolvedServiceAccount> | ServiceAccountLookup;
  readonly isClientCredentials: ((identity: Identity) => boolean) | undefined;
  readonly mappingTimeoutMs: number;
}

/**
 * Defaults of `clientCredentialsVerifier`.
 *
 * @example
 * ```ts
 * CLIENT_CREDENTIALS_DEFAULTS.mappingTimeoutMs; // 2000
 * ```
 */
export const CLIENT_CREDENTIALS_DEFAULTS = Object.freeze({
  name: 'client-credentials',
  mappingTimeoutMs: 2000,
});

/** Every option `clientCredentialsVerifier` knows. */
const KNOWN_OPTIONS = Object.freeze([
  'via',
  'serviceAccounts',
  'isClientCredentials',
  'mappingTimeoutMs',
  'name',
]);

/** Names users reach for, and what to write instead. */
const HINTS: Readonly<Record<string, string>> = Object.freeze({
  verifier: 'write "via" (the verifier that checks the token itself)',
  verifiers: 'write "via" (one verifier; chain several in bearerAuth({ verifiers }))',
  clients: 'write "serviceAccounts" ({ clientId: username })',
  serviceAccount: 'write "serviceAccounts" ({ clientId: username })',
  mapping: 'write "serviceAccounts" ({ clientId: username } or a function)',
  audience: '"audience" belongs to the verifier given as "via"',
  issuer: '"issuer" belongs to the verifier given as "via"',
  scopes: 'pin scopes per client: serviceAccounts: { clientId: { user, scopes } }',
});

/** The largest delay `setTimeout` honours (2^31 - 1 ms). */
const MAX_TIMEOUT_MS = 2_147_483_647;
const ENTRY_KEYS = new Set(['user', 'scopes']);

function fail(message: string): never {
  throw new TypeError(`clientCredentialsVerifier: ${message}`);
}

/** `true` when `value` has the shape of a verifier. */
function isVerifier(value: unknown): value is Verifier {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Verifier>;
  return (
    typeof candidate.name === 'string' &&
    candidate.name !== '' &&
    typeof candidate.verify === 'function'
  );
}

const nonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value !== '';

/**
 * One mapping value → a resolved service account, or a message saying what is wrong with it.
 * Unknown keys are refused: a misspelt `scope` would otherwise silently grant every scope.
 *
 * @example
 * ```ts
 * readServiceAccount('svc-reports'); // { user: 'svc-reports', scopes: undefined }
 * readServiceAccount({ user: 'u', scope: ['read'] }); // 'has unknown key(s) "scope"'
 * ```
 */
export function readServiceAccount(value: unknown): ResolvedServiceAccount | string {
  if (nonEmptyString(value)) return Object.freeze({ user: value, scopes: undefined });
  if (!isObject(value)) return 'must be a username or { user, scopes? }';
  const unknown = Object.keys(value).filter((key) => !ENTRY_KEYS.has(key));
  if (unknown.length > 0) return `has unknown key(s) ${unknown.map((k) => `"${k}"`).join(', ')}`;
  if (!nonEmptyString(value.user)) return '"user" must be a non-empty string';
  const scopes = value.scopes;
  if (scopes === undefined) return Object.freeze({ user: value.user, scopes: undefined });
  if (!Array.isArray(scopes) || !scopes.every(nonEmptyString)) {
    return '"scopes" must be an array of non-empty strings';
  }
  return Object.freeze({ user: value.user, scopes: Object.freeze([...(scopes as string[])]) });
}

function snapshotMap(value: object): ReadonlyMap<string, ResolvedServiceAccount> {
  let copy: unknown;
  try {
    copy = structuredClone(value);
  } catch {
    fail('"serviceAccounts" option must hold plain data (usernames and { user, scopes? })');
  }
  const map = new Map<string, ResolvedServiceAccount>();
  for (const [clientId, entry] of Object.entries(copy as Record<string, unknown>)) {
    if (clientId === '') fail('"serviceAccounts" option: a client id must not be empty');
    const account = readServiceAccount(entry);
    if (typeof account === 'string') {
      fail(`"serviceAccounts" option: the entry of ${JSON.stringify(clientId)} ${account}`);
    }
    map.set(clientId, account);
  }
  return map;
}

/**
 * Checks `options`, applies defaults, snapshots an object mapping and freezes the result.
 * Throws a `TypeError` naming the option on any mistake; never mutates `options`.
 *
 * @example
 * ```ts
 * const config = normalizeClientCredentialsOptions({ via, serviceAccounts: { svc: 'svc-user' } });
 * config.name; // 'client-credentials'
 * ```
 */
export function normalizeClientCredentialsOptions(
  options: ClientCredentialsVerifierOptions,
): ResolvedClientCredentialsOptions {
  if (typeof options !== 'object' || options === null) fail('options object is required');
  checkKnownOptions('clientCredentialsVerifier', options, KNOWN_OPTIONS, HINTS);
  if (!isVerifier(options.via)) {
    fail(
      '"via" option must be a verifier ({ name, verify(token, ctx) }), e.g. jwtVerifier(...) or introspectionVerifier(...)',
    );
  }
  const given = options.serviceAccounts as unknown;
  let serviceAccounts: ResolvedClientCredentialsOptions['serviceAccounts'];
  if (typeof given === 'function') serviceAccounts = given as ServiceAccountLookup;
  else if (isObject(given)) serviceAccounts = snapshotMap(given);
  else {
    fail(
      '"serviceAccounts" option must be an object { clientId: username | { user, scopes? } } or a function (clientId, identity) => username | { user, scopes? } | null',
    );
  }
  const isClientCredentials = options.isClientCredentials;
  if (isClientCredentials !== undefined && typeof isClientCredentials !== 'function') {
    fail('"isClientCredentials" option must be a function (identity) => boolean');
  }
  const mappingTimeoutMs = options.mappingTimeoutMs ?? CLIENT_CREDENTIALS_DEFAULTS.mappingTimeoutMs;
  if (
    typeof mappingTimeoutMs !== 'number' ||
    !Number.isFinite(mappingTimeoutMs) ||
    mappingTimeoutMs <= 0 ||
    mappingTimeoutMs > MAX_TIMEOUT_MS
  ) {
    fail(`"mappingTimeoutMs" option must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  const name = options.name ?? CLIENT_CREDENTIALS_DEFAULTS.name;
  if (!nonEmptyString(name)) fail('"name" option must be a non-empty string');
  return Object.freeze({
    name,
    via: options.via,
    serviceAccounts,
    isClientCredentials,
    mappingTimeoutMs,
  });
}
