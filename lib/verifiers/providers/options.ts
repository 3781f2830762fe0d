/**
 * oauthProviderVerifier's options, and the one function that checks them at construction and
 * turns a preset record plus options into resolved endpoints, mappings and checks.
 */
import { normalizeCacheOption, type TokenCacheOptions } from '../../cache/token-cache.js';
import type { Claims } from '../../types.js';
import { upstreamUrl } from '../../util/url.js';
import { PRESETS, type PresetName } from './index.js';
import type { FieldPath, PresetParam, ProfileEndpoint, ProviderPreset } from './preset.js';
import type { FieldSource, ResolvedMapping } from './profile.js';

const FACTORY = 'oauthProviderVerifier';

/** A profile field given as an option: a key, keys tried in order, or a function of the profile. */
export type ProfileField = string | readonly string[] | ((profile: Claims) => string | undefined);

/** Options every preset takes. */
export interface ProviderCommonOptions {
  /** Verifier name in decisions. Default `oauth-provider:<provider>`. */
  name?: string;
  /**
   * Replaces the provider's origin in all its endpoints (and issuers): a self-hosted or custom
   * domain, a regional host, a test server. A path is kept (`https://sso.example.com/auth`).
   */
  baseUrl?: string | URL;
  /** Where the username is read, overriding the preset's mapping. */
  usernameField?: ProfileField;
  /** Where the e-mail address is read, overriding the preset's mapping. */
  emailField?: ProfileField;
  /**
   * The audience a token must have been issued for (any of). Only presets whose provider tells
   * (JWT presets through `aud`, Google through tokeninfo `aud`); others throw a TypeError.
   */
  expectedAudience?: string | readonly string[];
  /**
   * The OAuth client a token must have been issued to (any of). Only presets whose provider
   * tells (see the README table); others throw a TypeError.
   */
  clientId?: string | readonly string[];
  /**
   * How long a provider's "yes" is cached, in seconds (provider answers carry no expiry; never
   * past an `exp` the provider does give). `0`: not cached. Default 60.
   */
  ttlSeconds?: number;
  /** Cache bounds; `false` turns caching off. `negativeTtlSeconds` (default 10) keeps refusals. */
  cache?: TokenCacheOptions | false;
  /** Timeout of each provider call, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Allow plain `http:` to non-loopback hosts. Default `false`. */
  allowInsecureHttp?: boolean;
  /** Clock in milliseconds since the epoch (tests inject one). Default `Date.now`. */
  now?: () => number;
}

type Param<P> = P extends { params: infer R } ? R : never;
type Defaulted<R> = {
  [K in keyof R]: R[K] extends { default: string } | { originOnly: true } ? K : never;
}[keyof R];
type PresetParams<R> = { [K in Exclude<keyof R, Defaulted<R>>]: string } & {
  [K in Defaulted<R>]?: string;
};
type NeedsBaseUrl<P> = P extends { origin: string } ? unknown : { baseUrl: string | URL };

/** Options of one built-in preset: its own params (e.g. `domain`, `tenant`) plus the common ones. */
export type PresetProviderOptions = {
  [N in PresetName]: { provider: N } & PresetParams<Param<(typeof PRESETS)[N]>> &
    NeedsBaseUrl<(typeof PRESETS)[N]> &
    ProviderCommonOptions;
}[PresetName];

/** A provider without a preset: its userinfo endpoint and where the username is. */
export interface CustomProviderOptions extends ProviderCommonOptions {
  provider: 'custom';
  /** The endpoint that answers a profile for `Authorization: Bearer <token>`. */
  userinfoEndpoint: string | URL;
  usernameField: ProfileField;
  /** Where the subject is read. Default `sub`, then `id`, then the username. */
  subjectField?: ProfileField;
  /** HTTP method of the call. Default `'GET'`. */
  method?: 'GET' | 'POST';
  /** Extra request headers (not `Authorization`). */
  headers?: Record<string, string>;
}

/** Options of `oauthProviderVerifier`. */
export type OAuthProviderOptions = PresetProviderOptions | CustomProviderOptions;

/** The provider name a verifier is built for. */
export type ProviderName = PresetName | 'custom';

/** The resolved profile endpoint: a URL, or discovery from an issuer. */
export interface ResolvedProfileEndpoint extends Omit<
  ProfileEndpoint,
  'path' | 'discover' | 'audienceFields' | 'clientFields'
> {
  readonly audienceFields: readonly FieldPath[];
  readonly clientFields: readonly FieldPath[];
  readonly url: URL | undefined;
  readonly discoverFrom: URL | undefined;
}

/** The resolved JWT check: where keys and issuers come from. */
export interface ResolvedJwtCheck {
  readonly issuers: readonly string[] | undefined;
  readonly jwksUri: URL | undefined;
  readonly discovery: URL | undefined;
  readonly clientClaims: readonly string[];
}

/** Options after defaults and checks. */
export interface ResolvedProviderOptions {
  readonly name: string;
  readonly provider: ProviderName;
  readonly endpoint: ResolvedProfileEndpoint | undefined;
  readonly jwt: ResolvedJwtCheck | undefined;
  readonly mapping: ResolvedMapping;
  readonly expectedAudience: readonly string[] | undefined;
  readonly clientId: readonly string[] | undefined;
  /** Opaque tokens may go to the profile endpoint (it exists and can make the client checks). */
  readonly opaqueToEndpoint: boolean;
  readonly ttlSeconds: number;
  readonly cache: Required<TokenCacheOptions> | false;
  readonly timeoutMs: number;
  readonly allowInsecureHttp: boolean;
  readonly now: () => number;
}

/** Defaults of `oauthProviderVerifier`. */
export const PROVIDER_DEFAULTS = Object.freeze({ ttlSeconds: 60, timeoutMs: 5000 });

function fail(message: string): never {
  throw new TypeError(`${FACTORY}: ${message}`);
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** One or more non-empty strings, as a frozen list. */
function stringList(option: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (isText(value)) return Object.freeze([value]);
  if (Array.isArray(value) && value.length > 0 && value.every(isText))
    return Object.freeze([...value]);
  return fail(`"${option}" option must be a non-empty string or array of non-empty strings`);
}

function fieldSource(option: string, value: unknown, fallback: FieldSource): FieldSource {
  if (value === undefined) return fallback;
  if (typeof value === 'function') return value as (profile: Claims) => unknown;
  return stringList(option, value) as readonly string[];
}

/** A finite number of at least 0 (seconds or milliseconds, as the option says). */
function amount(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  return fail(`"${option}" option must be a non-negative number`);
}

const PARAM_PATTERNS: Record<Exclude<PresetParam['kind'], 'url'>, RegExp> = {
  host: /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/,
  segment: /^[A-Za-z0-9._~-]+$/,
  text: /^[\x21-\x7e]+$/,
};

const PARAM_SHAPES: Record<Exclude<PresetParam['kind'], 'url'>, string> = {
  host: 'a host name such as "dev-123.okta.com"',
  segment: 'one URL path segment (letters, digits, ".", "_", "~", "-")',
  text: 'a non-empty string without spaces',
};

/** The preset's params, read from the options and checked (no network). */
function readParams(
  provider: string,
  preset: ProviderPreset,
  options: Record<string, unknown>,
  hasBaseUrl: boolean,
  allowInsecureHttp: boolean,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, param] of Object.entries(preset.params)) {
    const value = options[name] ?? param.default;
    if (value === undefined) {
      if (param.originOnly && hasBaseUrl) continue;
      fail(`the "${provider}" preset requires the "${name}" option`);
    }
    if (param.kind === 'url') {
      values[name] = upstreamUrl(FACTORY, name, value, allowInsecureHttp).href.replace(/\/$/, '');
    } else if (typeof value !== 'string' || !PARAM_PATTERNS[param.kind].test(value)) {
      fail(`"${name}" option must be ${PARAM_SHAPES[param.kind]}`);
    } else {
      values[name] = param.kind === 'text' ? encodeURIComponent(value) : value;
    }
  }
  return values;
}

/** The options a preset record is built from for `provider: 'custom'`. */
function customPreset(options: CustomProviderOptions, allowInsecureHttp: boolean): ProviderPreset {
  const url = upstreamUrl(FACTORY, 'userinfoEndpoint', options.userinfoEndpoint, allowInsecureHttp);
  if (options.usernameField === undefined)
    fail('the "custom" provider requires the "usernameField" option');
  const method = options.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') fail('"method" option must be "GET" or "POST"');
  const headers = options.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    fail('"headers" option must be an object of strings');
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9-]+$/.test(key))
      fail('"headers" option must be an object of strings');
    if (['authorization', 'host', 'content-length'].includes(key.toLowerCase()))
      fail(`"headers" option must not set "${key}"`);
  }
  return {
    docs: [],
    origin: url.origin,
    params: {},
    profileEndpoint: {
      path: `${url.pathname}${url.search}`,
      method,
      token: 'header',
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
      rejectStatuses: [401, 403],
    },
    profile: { username: [], email: ['email'], subject: ['sub', 'id'] },
  };
}

/** Expands `{origin}` and `{param}` in a template; `baseUrl` also replaces any other origin. */
function expand(
  template: string,
  origin: string,
  params: Record<string, string>,
  baseUrl: URL | undefined,
): URL {
  const filled = template.replace(/\{(\w+)\}/g, (_, key: string) =>
    key === 'origin' ? origin : (params[key] ?? ''),
  );
  const url = new URL(filled.startsWith('/') ? `${origin}${filled}` : filled);
  if (baseUrl && !filled.startsWith(origin)) {
    return new URL(`${origin}${url.pathname}${url.search}`);
  }
  return url;
}

/** Checks `options`, resolves the preset's endpoints and freezes the result. */
export function normalizeProviderOptions(options: OAuthProviderOptions): ResolvedProviderOptions {
  if (typeof options !== 'object' || options === null) fail('options object is required');
  const provider: unknown = options.provider;
  const names = [...Object.keys(PRESETS), 'custom'];
  if (typeof provider !== 'string' || !names.includes(provider))
    fail(
      `"provider" option must be one of ${names.map((n) => `"${n}"`).join(', ')} (got ${typeof provider === 'string' ? `"${provider}"` : typeof provider})`,
    );
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  if (typeof allowInsecureHttp !== 'boolean') fail('"allowInsecureHttp" option must be a boolean');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('"now" option must be a function');

  const preset: ProviderPreset =
    provider === 'custom'
      ? customPreset(options as CustomProviderOptions, allowInsecureHttp)
      : PRESETS[provider as PresetName];
  const baseUrl =
    options.baseUrl === undefined
      ? undefined
      : upstreamUrl(FACTORY, 'baseUrl', options.baseUrl, allowInsecureHttp);
  const params = readParams(
    provider,
    preset,
    options as unknown as Record<string, unknown>,
    baseUrl !== undefined,
    allowInsecureHttp,
  );
  if (!preset.origin && !baseUrl) fail(`the "${provider}" preset requires the "baseUrl" option`);
  const origin = baseUrl
    ? baseUrl.href.replace(/\/$/, '')
    : expand(preset.origin as string, '', params, undefined).href.replace(/\/$/, '');
  const url = (template: string) => expand(template, origin, params, baseUrl);

  const endpointRecord = preset.profileEndpoint;
  const endpoint: ResolvedProfileEndpoint | undefined = endpointRecord && {
    method: endpointRecord.method,
    token: endpointRecord.token,
    headers: endpointRecord.headers,
    rejectStatuses: endpointRecord.rejectStatuses,
    audienceFields: endpointRecord.audienceFields ?? [],
    clientFields: endpointRecord.clientFields ?? [],
    url: endpointRecord.path !== undefined ? url(endpointRecord.path) : undefined,
    discoverFrom: endpointRecord.discover && preset.discovery ? url(preset.discovery) : undefined,
  };
  const jwt: ResolvedJwtCheck | undefined = preset.jwt && {
    issuers: preset.jwt.issuers?.map((issuer) => url(issuer).href),
    jwksUri: preset.jwt.jwksUri ? url(preset.jwt.jwksUri) : undefined,
    discovery: preset.jwt.discover && preset.discovery ? url(preset.discovery) : undefined,
    clientClaims: preset.jwt.clientClaims,
  };

  const expectedAudience = stringList('expectedAudience', options.expectedAudience);
  const clientId = stringList('clientId', options.clientId);
  const endpointChecksAudience = (endpoint?.audienceFields.length ?? 0) > 0;
  const endpointChecksClient = (endpoint?.clientFields.length ?? 0) > 0;
  if (expectedAudience && !jwt && !endpointChecksAudience)
    fail(
      `the "${provider}" preset cannot check "expectedAudience": its provider does not say which audience a token was issued for`,
    );
  if (clientId && !(jwt && jwt.clientClaims.length > 0) && !endpointChecksClient)
    fail(
      `the "${provider}" preset cannot check "clientId": its provider does not say which client a token was issued to`,
    );

  const custom = provider === 'custom' ? (options as CustomProviderOptions) : undefined;
  const mapping: ResolvedMapping = Object.freeze({
    username: fieldSource('usernameField', options.usernameField, preset.profile.username),
    email: fieldSource('emailField', options.emailField, preset.profile.email),
    subject: fieldSource('subjectField', custom?.subjectField, preset.profile.subject),
    scope: preset.profile.scope as FieldPath | undefined,
    scopeHeader: preset.profile.scopeHeader,
    expiresAt: preset.profile.expiresAt as FieldPath | undefined,
  });
  const name = options.name ?? `oauth-provider:${provider}`;
  if (typeof name !== 'string' || name === '') fail('"name" option must be a non-empty string');

  return Object.freeze({
    name,
    provider: provider as ProviderName,
    endpoint,
    jwt,
    mapping,
    expectedAudience,
    clientId,
    opaqueToEndpoint:
      endpoint !== undefined &&
      (!expectedAudience || endpointChecksAudience) &&
      (!clientId || endpointChecksClient),
    ttlSeconds: amount('ttlSeconds', options.ttlSeconds, PROVIDER_DEFAULTS.ttlSeconds),
    cache: normalizeCacheOption(FACTORY, options.cache),
    timeoutMs: amount('timeoutMs', options.timeoutMs, PROVIDER_DEFAULTS.timeoutMs),
    allowInsecureHttp,
    now,
  });
}
