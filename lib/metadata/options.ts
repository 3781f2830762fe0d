/**
 * `bearerAuth({ resourceMetadata })`: the RFC 9728 document's own members, given in camelCase and
 * served under RFC 9728 §2's names. Checked once, at construction.
 */
import { isLoopbackHost } from '../util/url.js';
import { checkKnownOptions } from '../util/known-options.js';

/** Options of `bearerAuth({ resourceMetadata })`. Every member but `resource` is optional. */
export interface ResourceMetadataOptions {
  /**
   * The resource identifier (RFC 9728 §1.2): an absolute `https:` URL (`http:` only for loopback
   * hosts) without query or fragment. Written verbatim; never derived from a request's `Host`.
   */
  resource: string;
  /** `authorization_servers`. Default: the issuers of the verifiers (configured or discovered). */
  authorizationServers?: readonly string[];
  /** `jwks_uri`: where the resource's own signing keys are. */
  jwksUri?: string;
  /** `scopes_supported`. */
  scopesSupported?: readonly string[];
  /** `bearer_methods_supported`. Default: from `tokenLocations` (`header`, `body`, `query`). */
  bearerMethodsSupported?: readonly ('header' | 'body' | 'query')[];
  /** `resource_signing_alg_values_supported`. */
  resourceSigningAlgValuesSupported?: readonly string[];
  /** `resource_name`: a human-readable name. */
  resourceName?: string;
  /** `resource_documentation`: a URL of developer documentation. */
  resourceDocumentation?: string;
  /** `resource_policy_uri`. */
  resourcePolicyUri?: string;
  /** `resource_tos_uri`. */
  resourceTosUri?: string;
  /** `tls_client_certificate_bound_access_tokens`. Default: `true` when `mtls` is on. */
  tlsClientCertificateBoundAccessTokens?: boolean;
  /** `authorization_details_types_supported` (RFC 9396). */
  authorizationDetailsTypesSupported?: readonly string[];
  /** `dpop_signing_alg_values_supported`. Default: `dpop.algorithms` when `dpop` is on. */
  dpopSigningAlgValuesSupported?: readonly string[];
  /** `dpop_bound_access_tokens_required`. Default: `dpop.required` when `dpop` is on. */
  dpopBoundAccessTokensRequired?: boolean;
  /** `Cache-Control: max-age` of the document, in seconds. Default 3600; 0 sends `no-cache`. */
  cacheMaxAgeSeconds?: number;
}

/** camelCase option → RFC 9728 §2 member name. */
export const MEMBER_NAMES = Object.freeze({
  resource: 'resource',
  authorizationServers: 'authorization_servers',
  jwksUri: 'jwks_uri',
  scopesSupported: 'scopes_supported',
  bearerMethodsSupported: 'bearer_methods_supported',
  resourceSigningAlgValuesSupported: 'resource_signing_alg_values_supported',
  resourceName: 'resource_name',
  resourceDocumentation: 'resource_documentation',
  resourcePolicyUri: 'resource_policy_uri',
  resourceTosUri: 'resource_tos_uri',
  tlsClientCertificateBoundAccessTokens: 'tls_client_certificate_bound_access_tokens',
  authorizationDetailsTypesSupported: 'authorization_details_types_supported',
  dpopSigningAlgValuesSupported: 'dpop_signing_alg_values_supported',
  dpopBoundAccessTokensRequired: 'dpop_bound_access_tokens_required',
} as const);

type MemberOption = keyof typeof MEMBER_NAMES;

const KNOWN_KEYS = [...Object.keys(MEMBER_NAMES), 'cacheMaxAgeSeconds'];
const URL_MEMBERS = ['jwksUri', 'resourceDocumentation', 'resourcePolicyUri', 'resourceTosUri'];
const LIST_MEMBERS = [
  'authorizationServers',
  'scopesSupported',
  'resourceSigningAlgValuesSupported',
  'authorizationDetailsTypesSupported',
  'dpopSigningAlgValuesSupported',
];
const BOOLEAN_MEMBERS = ['tlsClientCertificateBoundAccessTokens', 'dpopBoundAccessTokensRequired'];
const BEARER_METHODS = ['header', 'body', 'query'];
const HINTS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    Object.entries(MEMBER_NAMES)
      .filter(([camel, snake]) => camel !== snake)
      .map(([camel, snake]) => [snake, `write "${camel}" (it is served as "${snake}")`]),
  ),
);

/** `resourceMetadata` after checks: the given members under their RFC names, and the cache age. */
export interface ResolvedResourceMetadataOptions {
  /** The resource identifier, as given. */
  readonly resource: string;
  readonly resourceUrl: URL;
  /** Given members (RFC 9728 names), `resource` first. */
  readonly members: Readonly<Record<string, unknown>>;
  readonly cacheMaxAgeSeconds: number;
}

function fail(message: string): never {
  throw new TypeError(`bearerAuth: "resourceMetadata.${message}`);
}

function checkUrl(name: string, value: unknown, allowQuery: boolean): URL {
  if (typeof value !== 'string') fail(`${name}" option must be a URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${name}" option must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    fail(`${name}" option must be an https: URL (http: only for loopback hosts)`);
  }
  if (url.username || url.password) fail(`${name}" option must not contain credentials`);
  if (value.includes('#')) fail(`${name}" option must not have a fragment`);
  if (!allowQuery && value.includes('?')) fail(`${name}" option must not have a query`);
  return url;
}

function checkResource(value: unknown): URL {
  if (value === undefined) fail('resource" option is required (the resource identifier URL)');
  return checkUrl('resource', value, false);
}

function checkList(name: string, value: unknown): readonly string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'string' && v !== '')
  ) {
    fail(`${name}" option must be a non-empty list of strings`);
  }
  return Object.freeze([...new Set(value as string[])]);
}

/**
 * Checks `bearerAuth`'s `resourceMetadata` option; `undefined` when it is absent.
 *
 * @example
 * ```ts
 * normalizeResourceMetadataOptions({ resource: 'https://api.example.com', resourceName: 'Issues' });
 * ```
 */
export function normalizeResourceMetadataOptions(
  options: ResourceMetadataOptions | undefined,
): ResolvedResourceMetadataOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(
      'bearerAuth: "resourceMetadata" option must be an object ({ resource, … })',
    );
  }
  checkKnownOptions('bearerAuth: "resourceMetadata"', options, KNOWN_KEYS, HINTS);
  const resourceUrl = checkResource(options.resource);
  const members: Record<string, unknown> = { resource: options.resource };
  for (const [camel, snake] of Object.entries(MEMBER_NAMES)) {
    if (camel === 'resource') continue;
    const value = (options as unknown as Record<string, unknown>)[camel as MemberOption];
    if (value === undefined) continue;
    if (URL_MEMBERS.includes(camel)) {
      checkUrl(camel, value, true);
      members[snake] = value;
    } else if (LIST_MEMBERS.includes(camel)) {
      const list = checkList(camel, value);
      if (camel === 'authorizationServers') list.forEach((v) => checkUrl(camel, v, false));
      members[snake] = list;
    } else if (BOOLEAN_MEMBERS.includes(camel)) {
      if (typeof value !== 'boolean') fail(`${camel}" option must be a boolean`);
      members[snake] = value;
    } else if (camel === 'bearerMethodsSupported') {
      if (!Array.isArray(value) || !value.every((m) => BEARER_METHODS.includes(m as string))) {
        fail(`bearerMethodsSupported" option must be a list of 'header', 'body', 'query'`);
      }
      members[snake] = Object.freeze([...new Set(value as string[])]);
    } else {
      // resourceName
      if (typeof value !== 'string' || value === '') fail(`${camel}" option must be a string`);
      members[snake] = value;
    }
  }
  const cacheMaxAgeSeconds = options.cacheMaxAgeSeconds ?? 3600;
  if (!Number.isInteger(cacheMaxAgeSeconds) || cacheMaxAgeSeconds < 0) {
    fail('cacheMaxAgeSeconds" option must be a non-negative integer');
  }
  return Object.freeze({
    resource: options.resource,
    resourceUrl,
    members: Object.freeze(members),
    cacheMaxAgeSeconds,
  });
}
