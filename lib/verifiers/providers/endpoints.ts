/**
 * From a preset record and the options to concrete endpoint URLs: the preset's params (`domain`,
 * `tenant`, …) are checked and substituted into its templates, and `baseUrl` replaces the origin.
 * `provider: 'custom'` becomes a preset record here too, so the rest has one code path.
 */
import { upstreamUrl } from '../../util/url.js';
import type { CustomProviderOptions } from './option-types.js';
import type { PresetParam, ProviderPreset } from './preset.js';

const FACTORY = 'oauthProviderVerifier';

function fail(message: string): never {
  throw new TypeError(`${FACTORY}: ${message}`);
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

/**
 * The preset's params, read from the options and checked (no network).
 *
 * @example
 * ```ts
 * readParams('okta', PRESETS.okta, { domain: 'dev-1.okta.com' }, false, false);
 * // { domain: 'dev-1.okta.com', authorizationServer: 'default' }
 * ```
 */
export function readParams(
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

/**
 * The preset record of `provider: 'custom'`, built from its options.
 *
 * @example
 * ```ts
 * customPreset({ provider: 'custom', userinfoEndpoint: 'https://sso.example.com/me',
 *   usernameField: 'login' }, false).profileEndpoint?.path; // '/me'
 * ```
 */
export function customPreset(
  options: CustomProviderOptions,
  allowInsecureHttp: boolean,
): ProviderPreset {
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
    profile: { username: [], email: ['email'], subject: ['sub', 'id'], emailTrust: 'flag' },
  };
}

/**
 * Expands `{origin}` and `{param}` in a template; `baseUrl` also replaces any other origin.
 *
 * @example
 * ```ts
 * expand('{origin}/realms/{realm}', 'https://sso.example.com', { realm: 'main' }, undefined).href;
 * // 'https://sso.example.com/realms/main'
 * ```
 */
export function expand(
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
