/**
 * normalizeProviderOptions(): checks oauthProviderVerifier's options once, at construction, and
 * resolves a preset record plus options into endpoints, mappings and checks.
 */
import { normalizeCacheOption } from '../../cache/token-cache.js';
import type { Claims } from '../../types.js';
import { checkKnownOptions } from '../../util/known-options.js';
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

/** Options every provider takes. */
const COMMON_OPTIONS = Object.freeze([
  'provider',
  'name',
  'baseUrl',
  'usernameField',
  'emailField',
  'expectedAudience',
  'clientId',
  'trustEmail',
  'dispatcher',
  'ttlSeconds',
  'cache',
  'timeoutMs',
  'allowInsecureHttp',
  'now',
  'tokenPattern',
]);
/** Options only `provider: 'custom'` takes. */
const CUSTOM_OPTIONS = Object.freeze(['userinfoEndpoint', 'subjectField', 'method', 'headers']);

/** Names users bring from elsewhere, and what to write here instead. */
const HINTS: Readonly<Record<string, string>> = Object.freeze({
  audience: 'write "expectedAudience" (a string, a list, or false)',
  audiance: 'write "expectedAudience" (a string, a list, or false)',
  expectedAudiance: 'write "expectedAudience"',
  jwksUri:
    'a preset knows its JWK Set; for another issuer use jwtVerifier({ jwksUri, issuer, audience })',
  jwks: 'a preset knows its JWK Set; for static keys use jwtVerifier({ jwks, issuer, audience })',
  discovery: 'write provider: "oidc" with "issuer"',
  issuerBaseURL: 'write provider: "oidc" with "issuer" (or jwtVerifier({ discovery }))',
  userinfoUrl: 'write provider: "custom" with "userinfoEndpoint"',
  userInfoEndpoint: 'write "userinfoEndpoint" (provider: "custom" only)',
  clientSecret:
    'provider verifiers never authenticate as a client; introspectionVerifier takes "clientSecret"',
  clientIds: 'write "clientId" (a string or a list)',
  tenantId: 'write "tenant" (provider: "microsoft")',
  userPool: 'write "userPoolId" (provider: "cognito")',
  poolId: 'write "userPoolId" (provider: "cognito")',
  scopes:
    "scopes come from the token (or the provider's statement of its grant); check them with requireScopes()",
});

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
  const preset0 = provider === 'custom' ? undefined : PRESETS[provider as PresetName];
  const known = [...COMMON_OPTIONS, ...(preset0 ? Object.keys(preset0.params) : CUSTOM_OPTIONS)];
  const hints: Record<string, string> = { ...HINTS };
  for (const option of CUSTOM_OPTIONS) {
    if (preset0) hints[option] = `"${option}" is an option of provider: "custom" only`;
  }
  for (const [name, preset] of Object.entries(PRESETS)) {
    for (const param of Object.keys(preset.params)) {
      if (!known.includes(param) && !(param in hints)) {
        hints[param] = `"${param}" is an option of provider: "${name}"`;
      }
    }
  }
  checkKnownOptions(FACTORY, options, known, hints);
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
    typ: preset.jwt.typ,
    claimEquals: Object.freeze({ ...preset.jwt.claimEquals }),
    jwksUri: preset.jwt.jwksUri ? url(preset.jwt.jwksUri) : undefined,
    discovery: preset.jwt.discover && preset.discovery ? url(preset.discovery) : undefined,
    clientClaims: preset.jwt.clientClaims,
  };

  const audienceRule = preset.jwt?.audience;
  if (audienceRule === 'required' && options.expectedAudience === undefined)
    fail(
      `the "${provider}" preset requires the "expectedAudience" option: this API's identifier (a string or a list) that its access tokens carry in "aud", or expectedAudience: false to accept tokens issued for any API`,
    );
  if (audienceRule === 'none') {
    if (options.expectedAudience !== undefined)
      fail(
        `the "${provider}" preset cannot check "expectedAudience": its access tokens carry no "aud"; name the allowed app clients with "clientId"`,
      );
    if (options.clientId === undefined)
      fail(
        `the "${provider}" preset requires the "clientId" option: the app client id(s) whose access tokens this API accepts, or clientId: false to accept any client of the pool`,
      );
  }
  const expectedAudience =
    options.expectedAudience === false
      ? undefined
      : stringList('expectedAudience', options.expectedAudience);
  const clientId =
    options.clientId === false ? undefined : stringList('clientId', options.clientId);
  const trustEmail = options.trustEmail ?? false;
  if (typeof trustEmail !== 'boolean') fail('"trustEmail" option must be a boolean');
  const dispatcher = options.dispatcher;
  if (
    dispatcher !== undefined &&
    (typeof dispatcher !== 'object' ||
      dispatcher === null ||
      typeof (dispatcher as { request?: unknown }).request !== 'function')
  )
    fail('"dispatcher" option must be an undici Dispatcher (an Agent, ProxyAgent or MockAgent)');
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
    emailVerified: (preset.profile.emailVerified as FieldPath | undefined) ?? 'email_verified',
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
    anyAudience: options.expectedAudience === false,
    clientId,
    email: Object.freeze({ trust: preset.profile.emailTrust, trustEmail }),
    dispatcher,
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
