/**
 * introspectionVerifier's options, their defaults and the one function that checks them at
 * construction. Secrets never appear in an error message.
 */
import type { Dispatcher } from 'undici';
import { normalizeCacheOption, type TokenCacheOptions } from '../cache/token-cache.js';
import {
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
  type ClientCredentials,
} from '../http/client-auth.js';
import { checkKnownOptions } from '../util/known-options.js';
import { isLoopbackHost, upstreamUrl } from '../util/url.js';

/** Options of `introspectionVerifier`. */
export interface IntrospectionVerifierOptions {
  /** The authorization server's RFC 7662 introspection endpoint. `https:` (see `allowInsecureHttp`). */
  endpoint: string | URL;
  /** The id of the client this API authenticates as (a client allowed to introspect). */
  clientId: string;
  /** That client's secret. Sent only to `endpoint`, never logged. */
  clientSecret: string;
  /** `'client_secret_basic'` (default, RFC 6749 §2.3.1) or `'client_secret_post'`. */
  authMethod?: ClientAuthMethod;
  /** The whole introspection call, connect to last byte, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /**
   * The introspection-result cache; `false` turns it off (concurrent checks of one token still
   * share one call). Default `{ max: 10000, ttlSeconds: 300, negativeTtlSeconds: 10 }`. A token
   * revoked at the server stays accepted for up to `ttlSeconds` unless you call `forget(token)`.
   */
  cache?: TokenCacheOptions | false;
  /**
   * The answer member the username is read from. Default `'username'`; `'username'` and then
   * `'sub'` are always tried after it.
   */
  usernameField?: string;
  /** Verifier name in decisions. Default `'introspection'`. */
  name?: string;
  /**
   * Expected `iss` of the answer (any of). An answer without it, or with another, is refused
   * (400 `issuer_mismatch`). Default: not checked.
   */
  issuer?: string | readonly string[] | false;
  /**
   * Required. This API's identifier(s): an active answer whose `aud` (a string or a list) names
   * none of them is inactive (401). `false` accepts any audience and must be written out.
   */
  audience: string | readonly string[] | false;
  /**
   * With an `audience`, an answer that has no `aud` at all is inactive unless this is `false`
   * (for servers that never put `aud` in their answers). Default `true`.
   */
  requireAudienceInAnswer?: boolean;
  /**
   * An active answer must say `token_type` `Bearer`, `access_token` or `DPoP` (any case).
   * `false` lets it be missing — never wrong. Default `true`.
   */
  requireTokenType?: boolean;
  /** Leeway for `exp`, `nbf` and `iat` of an answer, in seconds. Default 5. */
  clockTolerance?: number;
  /**
   * Oldest accepted token, in seconds since its `iat`: older → 401 `Token Expired`; an answer
   * without `iat` → 400. Default: not checked.
   */
  maxTokenAge?: number;
  /**
   * Trust an answer's `email` when the answer says nothing about verification
   * (`email_verified` absent). `email_verified: false` is never trusted. Default `false`.
   */
  trustEmail?: boolean;
  /** The undici `Dispatcher` introspection calls go through (proxy, custom TLS, `MockAgent`). */
  dispatcher?: Dispatcher;
  /** Allow plain `http:` to non-loopback hosts (the client secret then travels in clear). Default `false`. */
  allowInsecureHttp?: boolean;
  /** Largest introspection answer read, in bytes. Default 65 536. */
  maxResponseBytes?: number;
  /** Clock in milliseconds since the epoch (tests inject one). Default `Date.now`. */
  now?: () => number;
}

/** introspectionVerifier's options after defaults and checks. */
export interface ResolvedIntrospectionOptions {
  readonly name: string;
  readonly endpoint: URL;
  readonly credentials: Readonly<ClientCredentials>;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly cache: Required<TokenCacheOptions> | false;
  /** Answer members tried in order for the username. */
  readonly usernameFields: readonly string[];
  readonly issuer: readonly string[] | undefined;
  /** `false`: any audience. */
  readonly audience: readonly string[] | false;
  readonly requireAudienceInAnswer: boolean;
  readonly requireTokenType: boolean;
  /** Seconds. */
  readonly clockTolerance: number;
  /** Seconds; `undefined`: not checked. */
  readonly maxTokenAge: number | undefined;
  readonly trustEmail: boolean;
  readonly dispatcher: Dispatcher | undefined;
  readonly now: () => number;
}

/** Defaults of `introspectionVerifier`. */
export const INTROSPECTION_DEFAULTS = Object.freeze({
  name: 'introspection',
  authMethod: 'client_secret_basic' as ClientAuthMethod,
  timeoutMs: 5000,
  maxResponseBytes: 64 * 1024,
  usernameFields: Object.freeze(['username', 'sub']),
  requireAudienceInAnswer: true,
  requireTokenType: true,
  clockTolerance: 5,
  trustEmail: false,
});

/** Every option `introspectionVerifier` knows. */
const KNOWN_OPTIONS = Object.freeze([
  'endpoint',
  'clientId',
  'clientSecret',
  'authMethod',
  'timeoutMs',
  'cache',
  'usernameField',
  'name',
  'issuer',
  'audience',
  'requireAudienceInAnswer',
  'requireTokenType',
  'clockTolerance',
  'maxTokenAge',
  'trustEmail',
  'dispatcher',
  'allowInsecureHttp',
  'maxResponseBytes',
  'now',
]);

/** Names that belong to other factories or libraries, and what to write here instead. */
const HINTS: Readonly<Record<string, string>> = Object.freeze({
  jwksUri: '"jwksUri" is a jwtVerifier option: introspection asks "endpoint"',
  jwks: '"jwks" is a jwtVerifier option: introspection asks "endpoint"',
  publicKey: '"publicKey" is a jwtVerifier option: introspection asks "endpoint"',
  discovery: '"discovery" is a jwtVerifier option: give the introspection "endpoint" itself',
  secret: 'write "clientSecret" (the secret of the client this API introspects as)',
  introspectionEndpoint: 'write "endpoint"',
  introspectionUrl: 'write "endpoint"',
  url: 'write "endpoint"',
  client_id: 'write "clientId"',
  client_secret: 'write "clientSecret"',
  audiences: 'write "audience" (a string or a list)',
  expectedAudience: 'write "audience" (a string or a list)',
  issuers: 'write "issuer" (a string or a list)',
  tokenEndpointAuthMethod: 'write "authMethod"',
  token_endpoint_auth_method: 'write "authMethod"',
  clockToleranceSeconds: 'write "clockTolerance" (seconds)',
  ttlSeconds: 'write cache: { ttlSeconds }',
});

const FACTORY = 'introspectionVerifier';

function fail(message: string): never {
  throw new TypeError(`${FACTORY}: ${message}`);
}

function requiredString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    fail(`"${option}" option must be a non-empty string`);
  return value;
}

function oneOrMany(option: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const valid = list.length > 0 && list.every((item) => typeof item === 'string' && item !== '');
  if (!valid) fail(`"${option}" option must be a non-empty string or array of non-empty strings`);
  return Object.freeze(list as string[]);
}

function boolean(option: string, value: unknown, fallback: boolean): boolean {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'boolean') fail(`"${option}" option must be a boolean`);
  return resolved;
}

function seconds(option: string, value: unknown, fallback?: number): number | undefined {
  const resolved = value ?? fallback;
  if (resolved === undefined) return undefined;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved < 0) {
    fail(`"${option}" option must be a non-negative number of seconds`);
  }
  return resolved;
}

function audienceOption(value: unknown): readonly string[] | false {
  if (value === false) return false;
  if (value === undefined) {
    fail(
      '"audience" option is required: this API\'s identifier (a string or a list), or audience: false to accept tokens issued for any API',
    );
  }
  return oneOrMany('audience', value) as readonly string[];
}

function dispatcherOption(value: unknown): Dispatcher | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Dispatcher).request !== 'function'
  ) {
    fail('"dispatcher" option must be an undici Dispatcher (an Agent, ProxyAgent or MockAgent)');
  }
  return value as Dispatcher;
}

function positiveInteger(option: string, value: unknown, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isSafeInteger(resolved) || resolved < 1) {
    fail(`"${option}" option must be a positive integer`);
  }
  return resolved;
}

let warnedInsecure = false;

/**
 * Checks `options`, applies defaults and freezes the result. Throws a TypeError naming the
 * factory and the option.
 *
 * @example
 * ```ts
 * const config = normalizeIntrospectionOptions({
 *   endpoint: 'https://id.example.com/token/introspection', clientId: 'api', clientSecret,
 *   audience: 'https://api.example.com',
 * });
 * config.credentials.method; // 'client_secret_basic'
 * ```
 */
export function normalizeIntrospectionOptions(
  options: IntrospectionVerifierOptions,
): ResolvedIntrospectionOptions {
  if (typeof options !== 'object' || options === null) fail('options object is required');
  checkKnownOptions(FACTORY, options, KNOWN_OPTIONS, HINTS);
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  if (typeof allowInsecureHttp !== 'boolean') fail('"allowInsecureHttp" option must be a boolean');
  const endpoint = upstreamUrl(FACTORY, 'endpoint', options.endpoint, allowInsecureHttp);
  const method = options.authMethod ?? INTROSPECTION_DEFAULTS.authMethod;
  if (!CLIENT_AUTH_METHODS.includes(method)) {
    fail(
      `"authMethod" option must be one of ${CLIENT_AUTH_METHODS.map((m) => `"${m}"`).join(', ')}`,
    );
  }
  const credentials = Object.freeze({
    clientId: requiredString('clientId', options.clientId),
    clientSecret: requiredString('clientSecret', options.clientSecret),
    method,
  });
  const usernameField =
    options.usernameField === undefined
      ? undefined
      : requiredString('usernameField', options.usernameField);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('"now" option must be a function');

  if (endpoint.protocol === 'http:' && !isLoopbackHost(endpoint.hostname) && !warnedInsecure) {
    warnedInsecure = true;
    process.emitWarning(
      `${FACTORY}: "endpoint" ${endpoint.origin} is plain http: the client secret and every token travel unencrypted`,
      { code: 'BEARER_GUARD_INSECURE_HTTP' },
    );
  }

  return Object.freeze({
    name: requiredString('name', options.name ?? INTROSPECTION_DEFAULTS.name),
    endpoint,
    credentials,
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, INTROSPECTION_DEFAULTS.timeoutMs),
    maxResponseBytes: positiveInteger(
      'maxResponseBytes',
      options.maxResponseBytes,
      INTROSPECTION_DEFAULTS.maxResponseBytes,
    ),
    cache: normalizeCacheOption(FACTORY, options.cache),
    usernameFields: Object.freeze([
      ...new Set([
        ...(usernameField ? [usernameField] : []),
        ...INTROSPECTION_DEFAULTS.usernameFields,
      ]),
    ]),
    // `issuer: false` reads as jwtVerifier's spelling of "not checked".
    issuer: (options.issuer as unknown) === false ? undefined : oneOrMany('issuer', options.issuer),
    audience: audienceOption(options.audience),
    requireAudienceInAnswer: boolean(
      'requireAudienceInAnswer',
      options.requireAudienceInAnswer,
      INTROSPECTION_DEFAULTS.requireAudienceInAnswer,
    ),
    requireTokenType: boolean(
      'requireTokenType',
      options.requireTokenType,
      INTROSPECTION_DEFAULTS.requireTokenType,
    ),
    clockTolerance: seconds(
      'clockTolerance',
      options.clockTolerance,
      INTROSPECTION_DEFAULTS.clockTolerance,
    ) as number,
    maxTokenAge: seconds('maxTokenAge', options.maxTokenAge),
    trustEmail: boolean('trustEmail', options.trustEmail, INTROSPECTION_DEFAULTS.trustEmail),
    dispatcher: dispatcherOption(options.dispatcher),
    now,
  });
}
