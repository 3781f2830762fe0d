/**
 * bearerAuth's options: their types, defaults, and the one function that checks and freezes
 * them at construction, so a request never discovers a configuration mistake.
 */
import {
  adaptDirectory,
  isDirectoryInput,
  type DirectoryInput,
  type FindUser,
} from './directory/adapt.js';
import type { TokenLocation } from './extract.js';
import type { ErrorFormat } from './respond.js';
import { checkRevocationOption, type RevocationCheck } from './shared/revocation-option.js';
import type { Decision, Verifier } from './types.js';

/** Options of `bearerAuth`. */
export interface BearerAuthOptions {
  /** Verifiers tried in order; at least one. */
  verifiers: readonly Verifier[];
  /** Where users are found: a `UserDirectory`, or `(identity, req) => user | null`. */
  directory: DirectoryInput;
  /** Realm in `WWW-Authenticate`. Default `"api"`. */
  realm?: string;
  /** Where a token may be sent (RFC 6750 §2). Default `['header']`. */
  tokenLocations?: readonly TokenLocation[];
  /** Tokens longer than this many characters are refused before any parsing. Default 8192. */
  maxTokenLength?: number;
  /**
   * `true`: a request without a token goes on without `req.auth`. A request with a bad token is
   * still refused. Default `false`.
   */
  optional?: boolean;
  /** `'seed'` (default), `'rfc6750'`, or `(err, req) => ({ status, body, headers? })`. */
  errorFormat?: ErrorFormat;
  /** Called exactly once per request with what was decided. Never receives the token. */
  onDecision?: (decision: Decision) => void;
  /** `Retry-After` on 503 answers, in seconds. Default 5. */
  retryAfterSeconds?: number;
  /** A `sharedCache()` whose revocations are honoured: a revoked token or subject is refused. */
  revocation?: RevocationCheck;
}

/** Options after defaults and checks. */
export interface ResolvedBearerAuthOptions {
  readonly verifiers: readonly Verifier[];
  readonly findUser: FindUser;
  readonly realm: string;
  readonly tokenLocations: ReadonlySet<TokenLocation>;
  readonly maxTokenLength: number;
  readonly optional: boolean;
  readonly errorFormat: ErrorFormat;
  readonly onDecision: ((decision: Decision) => void) | undefined;
  readonly retryAfterSeconds: number;
  readonly revocation: RevocationCheck | undefined;
}

/** Defaults of `bearerAuth`. */
export const BEARER_AUTH_DEFAULTS = Object.freeze({
  realm: 'api',
  tokenLocations: Object.freeze(['header'] as TokenLocation[]),
  maxTokenLength: 8192,
  optional: false,
  errorFormat: 'seed' as ErrorFormat,
  retryAfterSeconds: 5,
});

const LOCATIONS: readonly TokenLocation[] = ['header', 'body', 'query'];
/** A realm is written into a quoted-string: printable ASCII without quote or backslash. */
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
const MAX_TOKEN_LENGTH_LIMIT = 1024 * 1024;

function fail(message: string): never {
  throw new TypeError(`bearerAuth: ${message}`);
}

function checkVerifiers(value: unknown): readonly Verifier[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail('"verifiers" option must be a non-empty array of verifiers');
  }
  value.forEach((v: unknown, i) => {
    const candidate = v as Partial<Verifier> | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate.name !== 'string' ||
      candidate.name === '' ||
      typeof candidate.verify !== 'function'
    ) {
      fail(`"verifiers" option: entry ${i} is not a verifier ({ name, verify(token, ctx) })`);
    }
  });
  return Object.freeze([...(value as Verifier[])]);
}

function checkLocations(value: unknown): ReadonlySet<TokenLocation> {
  if (!Array.isArray(value) || value.length === 0) {
    fail(
      `"tokenLocations" option must be a non-empty array of ${LOCATIONS.map((l) => `'${l}'`).join(', ')}`,
    );
  }
  for (const location of value) {
    if (!LOCATIONS.includes(location as TokenLocation)) {
      fail(`"tokenLocations" option: unknown location ${JSON.stringify(location)}`);
    }
  }
  return new Set(value as TokenLocation[]);
}

/**
 * Checks `options`, applies defaults and returns a frozen copy. Throws a `TypeError` naming the
 * option on any mistake. Never mutates `options`.
 */
export function normalizeBearerAuthOptions(options: BearerAuthOptions): ResolvedBearerAuthOptions {
  if (typeof options !== 'object' || options === null) fail('options object is required');
  const verifiers = checkVerifiers(options.verifiers);
  if (!isDirectoryInput(options.directory)) {
    fail('"directory" option must be a directory ({ find(identity, req) }) or a function');
  }
  const realm = options.realm ?? BEARER_AUTH_DEFAULTS.realm;
  if (typeof realm !== 'string' || !REALM.test(realm)) {
    fail(
      '"realm" option must be a non-empty string of printable ASCII without quotes or backslashes',
    );
  }
  const tokenLocations = checkLocations(
    options.tokenLocations ?? BEARER_AUTH_DEFAULTS.tokenLocations,
  );
  const maxTokenLength = options.maxTokenLength ?? BEARER_AUTH_DEFAULTS.maxTokenLength;
  if (
    !Number.isInteger(maxTokenLength) ||
    maxTokenLength < 1 ||
    maxTokenLength > MAX_TOKEN_LENGTH_LIMIT
  ) {
    fail(`"maxTokenLength" option must be an integer from 1 to ${MAX_TOKEN_LENGTH_LIMIT}`);
  }
  const optional = options.optional ?? BEARER_AUTH_DEFAULTS.optional;
  if (typeof optional !== 'boolean') fail('"optional" option must be a boolean');
  const errorFormat = options.errorFormat ?? BEARER_AUTH_DEFAULTS.errorFormat;
  if (errorFormat !== 'seed' && errorFormat !== 'rfc6750' && typeof errorFormat !== 'function') {
    fail(`"errorFormat" option must be 'seed', 'rfc6750' or a function`);
  }
  if (options.onDecision !== undefined && typeof options.onDecision !== 'function') {
    fail('"onDecision" option must be a function');
  }
  const retryAfterSeconds = options.retryAfterSeconds ?? BEARER_AUTH_DEFAULTS.retryAfterSeconds;
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
    fail('"retryAfterSeconds" option must be a non-negative integer');
  }
  return Object.freeze({
    verifiers,
    findUser: adaptDirectory(options.directory),
    realm,
    tokenLocations,
    maxTokenLength,
    optional,
    errorFormat,
    onDecision: options.onDecision,
    retryAfterSeconds,
    revocation: checkRevocationOption('bearerAuth', options.revocation),
  });
}
