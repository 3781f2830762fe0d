/**
 * The shape of a provider preset: plain data saying where a provider's endpoints are, how they
 * derive from the tenant/domain options, how its profile maps to an Identity, whether its access
 * tokens are JWTs (and from which issuer and JWK Set), and which client checks it allows.
 * Adding a provider is writing one such record; `oauthProviderVerifier` has no per-provider code.
 */

import type { EmailTrust } from '../identity-extras.js';

/**
 * Where a value sits in a profile: a top-level key, or a path of keys and array indexes
 * (`['Email', 0, 'Value']`).
 */
export type FieldPath = string | readonly (string | number)[];

/**
 * One option a preset reads (`domain`, `tenant`, `realm`, …) and substitutes into its templates
 * as `{name}`.
 * - `host`: a DNS name with an optional port (`dev-123.okta.com`);
 * - `segment`: one URL path segment (`default`, a tenant id, a realm name);
 * - `url`: an absolute URL (an OIDC issuer), checked by the upstream URL policy;
 * - `text`: a non-empty string, URL-encoded where it is used (an API key in a query string).
 */
export interface PresetParam {
  readonly kind: 'host' | 'segment' | 'url' | 'text';
  /** Used when the option is not given. A param without a default is required. */
  readonly default?: string;
  /** `true`: only used in `origin`, so `baseUrl` makes it unnecessary. */
  readonly originOnly?: boolean;
}

/** How the provider's profile (userinfo / tokeninfo answer) is checked and read. */
export interface ProfileEndpoint {
  /** Template of the endpoint, relative to the origin (`/oauth2/v2/userinfo`). */
  readonly path?: string;
  /** `true`: the endpoint is the discovery document's `userinfo_endpoint`. */
  readonly discover?: true;
  readonly method: 'GET' | 'POST';
  /** How the token is sent: `Authorization: Bearer` (RFC 6750 §2.1) or a query parameter. */
  readonly token: 'header' | { readonly query: string };
  /** Extra request headers the provider requires (e.g. GitHub's `User-Agent`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses meaning "this token is not valid" (→ 401); any other non-2xx is an outage (→ 503). */
  readonly rejectStatuses: readonly number[];
  /** Profile fields naming the audience the token was issued for (checked by `expectedAudience`). */
  readonly audienceFields?: readonly FieldPath[];
  /** Profile fields naming the client the token was issued to (checked by `clientId`). */
  readonly clientFields?: readonly FieldPath[];
}

/** The provider issues signed JWT access tokens, checked locally against its JWK Set. */
export interface JwtAccessTokens {
  /** Required `typ` header (`'at+jwt'`: RFC 9068 access tokens only, never ID or logout tokens). */
  readonly typ?: string;
  /** Claims that must have exactly these values (Cognito: `token_use: 'access'`). */
  readonly claimEquals?: Readonly<Record<string, string>>;
  /**
   * `'required'`: `expectedAudience` must be given (a value, a list, or `false`);
   * `'none'`: the tokens carry no `aud` (Cognito), so `expectedAudience` is refused and
   * `clientId` (or `clientId: false`) is required instead. Default: optional.
   */
  readonly audience?: 'required' | 'none';
  /** Issuer templates (`{origin}/oauth2/{authorizationServer}`); `discover`: from discovery. */
  readonly issuers?: readonly string[];
  /** JWK Set template; unused with `discover`. */
  readonly jwksUri?: string;
  /** `true`: `issuer` and `jwks_uri` come from the discovery document. */
  readonly discover?: true;
  /** Claims naming the client the token was issued to (checked by `clientId`), first present wins. */
  readonly clientClaims: readonly string[];
}

/** Profile / claims fields that make up an Identity; each list is tried in order. */
export interface ProfileMapping {
  readonly username: readonly FieldPath[];
  readonly email: readonly FieldPath[];
  readonly subject: readonly FieldPath[];
  /**
   * When the e-mail address may be put on the identity (see `EmailTrust`): `'flag'` when the
   * profile or token says it is verified (or `trustEmail`), `'never'` (Microsoft Entra `email`),
   * `'always'` (a provider documenting verified-only addresses).
   */
  readonly emailTrust: EmailTrust;
  /** Where the profile says the address is verified. Default `email_verified` (OIDC Core §5.1). */
  readonly emailVerified?: FieldPath;
  /**
   * Granted scopes, a space-separated string or an array of strings — only from an endpoint that
   * answers about the token itself (Google's tokeninfo), never from a user profile.
   */
  readonly scope?: FieldPath;
  /** A response header listing granted scopes, comma- or space-separated (GitHub). */
  readonly scopeHeader?: string;
  /** Token expiry in epoch seconds (number or numeric string), where the provider says it. */
  readonly expiresAt?: FieldPath;
}

/** One provider preset. */
export interface ProviderPreset {
  /** The public documentation each endpoint comes from. */
  readonly docs: readonly string[];
  /** Origin template of every endpoint (`https://{domain}`); absent: `baseUrl` is required. */
  readonly origin?: string;
  /** Options substituted into the templates. */
  readonly params: Readonly<Record<string, PresetParam>>;
  /** Discovery base template (the issuer), for presets that discover their endpoints. */
  readonly discovery?: string;
  /** Checked at the provider's userinfo-like endpoint (opaque tokens). */
  readonly profileEndpoint?: ProfileEndpoint;
  /** Checked locally as JWTs. With both, JWTs go to the JWK Set and other tokens to the endpoint. */
  readonly jwt?: JwtAccessTokens;
  readonly profile: ProfileMapping;
}
