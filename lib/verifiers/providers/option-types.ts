/**
 * The option types of oauthProviderVerifier: what a caller passes (per preset, derived from the
 * preset records) and what normalization resolves it to.
 */
import type { Dispatcher } from 'undici';
import type { TokenCacheOptions } from '../../cache/token-cache.js';
import type { EmailTrust } from '../identity-extras.js';
import type { Claims } from '../../types.js';
import type { PRESETS, PresetName } from './index.js';
import type { FieldPath, ProfileEndpoint } from './preset.js';
import type { ResolvedMapping } from './profile.js';

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
   * The audience a token must have been issued for (any of); `false`: any audience. Only presets
   * whose provider tells (JWT presets through `aud`, Google through tokeninfo `aud`); others throw
   * a TypeError. Required by the `oidc` preset (a value, a list, or `false`); refused by
   * `cognito`, whose access tokens have no `aud` (use `clientId`).
   */
  expectedAudience?: string | readonly string[] | false;
  /**
   * The OAuth client a token must have been issued to (any of); `false`: any client. Only presets
   * whose provider tells (see docs/verifiers/providers.md); others throw a TypeError. Required by
   * the `cognito` preset (its app clients, or `false`).
   */
  clientId?: string | readonly string[] | false;
  /**
   * Trust an e-mail address the provider gives without saying whether it is verified (no
   * `email_verified`). `email_verified: false` is never trusted, and presets whose e-mail is
   * mutable or unverified (Microsoft) never trust it. Default `false`.
   */
  trustEmail?: boolean;
  /** The undici `Dispatcher` every provider call goes through (proxy, custom TLS, `MockAgent`). */
  dispatcher?: Dispatcher;
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
  /**
   * Only tokens matching this pattern are this provider's; any other token is passed to the next
   * verifier without a call to the provider. Use it when opaque tokens of several sources share a
   * chain, e.g. `/^gh[opsu]_/` for GitHub in front of an introspection verifier (whose "inactive"
   * would otherwise stop the chain). Default: every token is tried.
   */
  tokenPattern?: RegExp;
}

type Param<P> = P extends { params: infer R } ? R : never;
type Defaulted<R> = {
  [K in keyof R]: R[K] extends { default: string } | { originOnly: true } ? K : never;
}[keyof R];
type PresetParams<R> = { [K in Exclude<keyof R, Defaulted<R>>]: string } & {
  [K in Defaulted<R>]?: string;
};
type NeedsBaseUrl<P> = P extends { origin: string } ? unknown : { baseUrl: string | URL };
/** `oidc`: the audience decision is required; `cognito`: no `aud` to check, the client is required. */
type AudienceRule<P> = P extends { jwt: { audience: 'required' } }
  ? { expectedAudience: string | readonly string[] | false }
  : P extends { jwt: { audience: 'none' } }
    ? { expectedAudience?: never; clientId: string | readonly string[] | false }
    : unknown;

/** Options of one built-in preset: its own params (e.g. `domain`, `tenant`) plus the common ones. */
export type PresetProviderOptions = {
  [N in PresetName]: { provider: N } & PresetParams<Param<(typeof PRESETS)[N]>> &
    NeedsBaseUrl<(typeof PRESETS)[N]> &
    AudienceRule<(typeof PRESETS)[N]> &
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
  readonly typ: string | undefined;
  readonly claimEquals: Readonly<Record<string, string>>;
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
  /** `undefined`: any audience (not given, or `false`). */
  readonly expectedAudience: readonly string[] | undefined;
  /** `true` when the options said `expectedAudience: false` on purpose. */
  readonly anyAudience: boolean;
  /** `undefined`: any client (not given, or `false`). */
  readonly clientId: readonly string[] | undefined;
  readonly email: { readonly trust: EmailTrust; readonly trustEmail: boolean };
  readonly dispatcher: Dispatcher | undefined;
  /** Opaque tokens may go to the profile endpoint (it exists and can make the client checks). */
  readonly opaqueToEndpoint: boolean;
  readonly ttlSeconds: number;
  readonly cache: Required<TokenCacheOptions> | false;
  readonly timeoutMs: number;
  readonly allowInsecureHttp: boolean;
  readonly now: () => number;
  readonly tokenPattern: RegExp | undefined;
}
