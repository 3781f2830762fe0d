/**
 * normalizeProviderOptions(): checks oauthProviderVerifier's options once, at construction, and
 * resolves a preset record plus options into endpoints, mappings and checks.
 */
import { normalizeCacheOption } from '../../cache/token-cache.js';
import type { Claims } from '../../types.js';
import { upstreamUrl } from '../../util/url.js';
import { customPreset, expand, readParams } from './endpoints.js';
import { PRESETS, type PresetName } from './index.js';
import type {
  CustomProviderOptions,
  OAuthProviderOptions,
  ProviderName,
  ResolvedJwtCheck,
  ResolvedProfileEndpoint,
  ResolvedProviderOptions,
} from './option-types.js';
import type { FieldPath, ProviderPreset } from './preset.js';
import type { FieldSource, ResolvedMapping } from './profile.js';

export type * from './option-types.js';

const FACTORY = 'oauthProviderVerifier';

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

/**
 * Checks `options`, resolves the preset's endpoints and freezes the result. Throws a TypeError
 * naming the option on any mistake; makes no network call.
 *
 * @example
 * ```ts
 * normalizeProviderOptions({ provider: 'github' }).endpoint?.url?.href; // 'https://api.github.com/user'
 * ```
 */
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
  const tokenPattern = options.tokenPattern;
  if (tokenPattern !== undefined) {
    if (!(tokenPattern instanceof RegExp)) fail('"tokenPattern" option must be a RegExp');
    // A global or sticky RegExp keeps state between tests: the same token would alternate.
    if (tokenPattern.global || tokenPattern.sticky) {
      fail('"tokenPattern" option must not have the g or y flag');
    }
  }

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
    tokenPattern,
  });
}
