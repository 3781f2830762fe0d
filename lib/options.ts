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
import type { Request } from 'express';
import type { TokenLocation } from './extract.js';
import type { ErrorFormat } from './respond.js';
import type { Decision, Verifier } from './types.js';
import {
  normalizeMtlsOptions,
  type MtlsOptions,
  type ResolvedMtlsOptions,
} from './binding/mtls-options.js';
import {
  normalizeResourceMetadataOptions,
  type ResolvedResourceMetadataOptions,
  type ResourceMetadataOptions,
} from './metadata/options.js';
import { checkKnownOptions } from './util/known-options.js';

/** Reads a token from somewhere else (a cookie, another header); `undefined` when absent. */
export type TokenReader = (req: Request) => string | undefined;

/** Where a token may be sent: RFC 6750's locations, or a function of the request. */
export type TokenSource = TokenLocation | TokenReader;

/** `'respond'`: answer the refusal; `'next'`: hand the rendered `BearerAuthError` to `next(err)`. */
export type ErrorHandling = 'respond' | 'next';

/** Receives every decision, with the request it was made for. Must not throw (it is ignored). */
export type DecisionListener = (decision: Decision, req: Request) => void;

/** Options of `bearerAuth`. */
export interface BearerAuthOptions {
  /** Verifiers tried in order; at least one. */
  verifiers: readonly Verifier[];
  /** Where users are found: a `UserDirectory`, or `(identity, req, ctx) => user | null`. */
  directory: DirectoryInput;
  /** A lookup not settled by then answers 503 and its `ctx.signal` is aborted. Default 5000. */
  directoryTimeoutMs?: number;
  /** Realm in `WWW-Authenticate`. Default `"api"`. */
  realm?: string;
  /**
   * Where a token may be sent: `'header'`, `'body'`, `'query'` (RFC 6750 §2) and functions
   * `(req) => token | undefined` (a cookie, another header). A token found in two places is a
   * 400. Default `['header']`.
   */
  tokenLocations?: readonly TokenSource[];
  /** Tokens longer than this many characters are refused before any parsing. Default 8192. */
  maxTokenLength?: number;
  /**
   * `true`: a request without a token goes on without `req.auth`. A request with a bad token is
   * still refused. Default `false`.
   */
  optional?: boolean;
  /** `'seed'` (default), `'rfc6750'`, or `(err, req) => ({ status, body, headers? })`. */
  errorFormat?: ErrorFormat;
  /**
   * `'respond'` (default) answers refusals; `'next'` calls `next(err)` with the `BearerAuthError`,
   * its `status`, `headers` and `body` already rendered, and writes nothing. Guards follow it.
   */
  errorHandling?: ErrorHandling;
  /**
   * Called once per request that reaches bearerAuth, and once more per guard refusal, with
   * what was decided and the request. Never receives the token or a proof.
   */
  onDecision?: DecisionListener;
  /** `Retry-After` on 503 answers, in seconds. Default 5. */
  retryAfterSeconds?: number;
  /** Certificate-bound access tokens (RFC 8705): where the client certificate comes from. Off by default. */
  mtls?: MtlsOptions;
  /** The RFC 9728 protected resource metadata served by `auth.wellKnown`. Off by default. */
  resourceMetadata?: ResourceMetadataOptions;
}

/** Options after defaults and checks. */
export interface ResolvedBearerAuthOptions {
  readonly verifiers: readonly Verifier[];
  readonly findUser: FindUser;
  readonly directoryTimeoutMs: number;
  readonly realm: string;
  readonly tokenLocations: ReadonlySet<TokenLocation>;
  readonly tokenReaders: readonly TokenReader[];
  readonly maxTokenLength: number;
  readonly optional: boolean;
  readonly errorFormat: ErrorFormat;
  readonly errorHandling: ErrorHandling;
  readonly onDecision: DecisionListener | undefined;
  readonly retryAfterSeconds: number;
  readonly mtls: ResolvedMtlsOptions | undefined;
  readonly resourceMetadata: ResolvedResourceMetadataOptions | undefined;
}

/** Defaults of `bearerAuth`. */
export const BEARER_AUTH_DEFAULTS = Object.freeze({
  directoryTimeoutMs: 5000,
  realm: 'api',
  tokenLocations: Object.freeze(['header'] as TokenSource[]),
  maxTokenLength: 8192,
  optional: false,
  errorFormat: 'seed' as ErrorFormat,
  errorHandling: 'respond' as ErrorHandling,
  retryAfterSeconds: 5,
});

/** Every option `bearerAuth` knows. */
const KNOWN_OPTIONS = [
  'verifiers',
  'directory',
  'directoryTimeoutMs',
  'realm',
  'tokenLocations',
  'maxTokenLength',
  'optional',
  'errorFormat',
  'errorHandling',
  'onDecision',
  'retryAfterSeconds',
  'mtls',
  'resourceMetadata',
];

/** Advice for names that belong to another factory or another library. */
const HINTS: Readonly<Record<string, string>> = Object.freeze({
  audience: 'audience is checked by each verifier: write it on jwtVerifier/introspectionVerifier',
  issuer: 'issuer is checked by each verifier: write it on jwtVerifier',
  secret: 'write jwtVerifier({ secret }) for HMAC-signed tokens',
  jwksUri: 'write jwtVerifier({ jwksUri })',
  maxTokenAge: 'maxTokenAge is an option of jwtVerifier and introspectionVerifier',
  clockTolerance: 'clockTolerance is an option of each verifier',
  users: 'write directory: memoryDirectory(users)',
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

function checkLocations(value: unknown): {
  locations: ReadonlySet<TokenLocation>;
  readers: readonly TokenReader[];
} {
  if (!Array.isArray(value) || value.length === 0) {
    fail(
      `"tokenLocations" option must be a non-empty array of ${LOCATIONS.map((l) => `'${l}'`).join(', ')} or functions (req) => token`,
    );
  }
  const locations = new Set<TokenLocation>();
  const readers: TokenReader[] = [];
  for (const location of value) {
    if (typeof location === 'function') readers.push(location as TokenReader);
    else if (LOCATIONS.includes(location as TokenLocation))
      locations.add(location as TokenLocation);
    else fail(`"tokenLocations" option: unknown location ${JSON.stringify(location)}`);
  }
  return { locations, readers: Object.freeze(readers) };
}

/**
 * Checks `options`, applies defaults and returns a frozen copy. Throws a `TypeError` naming the
 * option on any mistake. Never mutates `options`.
 */
export function normalizeBearerAuthOptions(options: BearerAuthOptions): ResolvedBearerAuthOptions {
  if (typeof options !== 'object' || options === null) fail('options object is required');
  checkKnownOptions('bearerAuth', options, KNOWN_OPTIONS, HINTS);
  const verifiers = checkVerifiers(options.verifiers);
  if (!isDirectoryInput(options.directory)) {
    fail('"directory" option must be a directory ({ find(identity, req) }) or a function');
  }
  const directoryTimeoutMs = options.directoryTimeoutMs ?? BEARER_AUTH_DEFAULTS.directoryTimeoutMs;
  if (
    typeof directoryTimeoutMs !== 'number' ||
    !Number.isInteger(directoryTimeoutMs) ||
    directoryTimeoutMs < 1 ||
    directoryTimeoutMs > 2_147_483_647
  ) {
    fail('"directoryTimeoutMs" option must be a positive integer number of milliseconds');
  }
  const realm = options.realm ?? BEARER_AUTH_DEFAULTS.realm;
  if (typeof realm !== 'string' || !REALM.test(realm)) {
    fail(
      '"realm" option must be a non-empty string of printable ASCII without quotes or backslashes',
    );
  }
  const { locations: tokenLocations, readers: tokenReaders } = checkLocations(
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
  const errorHandling = options.errorHandling ?? BEARER_AUTH_DEFAULTS.errorHandling;
  if (errorHandling !== 'respond' && errorHandling !== 'next') {
    fail(`"errorHandling" option must be 'respond' or 'next'`);
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
    directoryTimeoutMs,
    realm,
    tokenLocations,
    tokenReaders,
    maxTokenLength,
    optional,
    errorFormat,
    errorHandling,
    onDecision: options.onDecision,
    retryAfterSeconds,
    mtls: normalizeMtlsOptions(options.mtls),
    resourceMetadata: normalizeResourceMetadataOptions(options.resourceMetadata),
  });
}
