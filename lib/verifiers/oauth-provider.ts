/**
 * oauthProviderVerifier(): a third-party provider's access token, vouched for by the provider.
 * Each provider is a preset record (lib/verifiers/providers/): opaque tokens are checked at its
 * userinfo-like endpoint, JWT access tokens against its JWK Set (through jwtVerifier). The same
 * control flow serves every preset and the `custom` provider.
 */
import type { Verdict, Verifier, VerifyContext } from '../types.js';
import { jwtVerifier } from './jwt.js';
import {
  normalizeProviderOptions,
  type OAuthProviderOptions,
  type ResolvedProviderOptions,
} from './providers/options.js';
import { pick } from './providers/profile.js';
import { profileVerifier } from './providers/profile-check.js';

export type {
  CustomProviderOptions,
  OAuthProviderOptions,
  PresetProviderOptions,
  ProfileField,
  ProviderCommonOptions,
  ProviderName,
} from './providers/options.js';
export type { PresetName } from './providers/index.js';

const warned = new Set<string>();
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(message, { code: 'BEARER_GUARD_NO_AUDIENCE' });
}

function jwtCheck(config: ResolvedProviderOptions): ReturnType<typeof jwtVerifier> | undefined {
  const jwt = config.jwt;
  if (!jwt) return undefined;
  if (!config.expectedAudience) {
    warnOnce(
      config.provider,
      `oauthProviderVerifier: the "${config.provider}" preset has no "expectedAudience": JWT access tokens its issuer minted for any other API are accepted`,
    );
  }
  const mapping = config.mapping;
  return jwtVerifier({
    ...(jwt.discovery ? { discovery: jwt.discovery } : { jwksUri: jwt.jwksUri }),
    // jwtVerifier requires both decisions; a preset without them keeps its 0.1 behaviour here.
    issuer: jwt.issuers ?? (jwt.discovery ? undefined : false),
    audience: config.expectedAudience ?? false,
    usernameClaim: (claims) => {
      const value = pick(claims, mapping.username);
      return typeof value === 'string' && value ? value : undefined;
    },
    name: config.name,
    cache: config.cache,
    timeoutMs: config.timeoutMs,
    allowInsecureHttp: config.allowInsecureHttp,
    now: config.now,
  });
}

/** The client and username checks jwtVerifier does not make. */
function afterJwt(verdict: Verdict, config: ResolvedProviderOptions): Verdict {
  if (verdict.kind !== 'accept') return verdict;
  const { identity } = verdict;
  const claims = identity.claims;
  const claim = config.jwt?.clientClaims.find((name) => typeof claims[name] === 'string');
  const clientId = claim ? (claims[claim] as string) : identity.clientId;
  if (config.clientId && !(clientId && config.clientId.includes(clientId)))
    return { kind: 'reject', reason: 'client_mismatch' };
  const email = pick(claims, config.mapping.email);
  const resolvedEmail = typeof email === 'string' && email ? email : identity.email;
  if (!identity.username && !resolvedEmail) return { kind: 'reject', reason: 'username_missing' };
  return {
    kind: 'accept',
    identity: {
      ...identity,
      clientId,
      email: resolvedEmail,
      username: identity.username ?? resolvedEmail,
    },
  };
}

/**
 * A verifier of a third-party provider's access tokens.
 *
 * @example
 * ```ts
 * const github = oauthProviderVerifier({ provider: 'github' });
 * const google = oauthProviderVerifier({ provider: 'google', clientId: '1234.apps.googleusercontent.com' });
 * const okta = oauthProviderVerifier({ provider: 'okta', domain: 'dev-1.okta.com', expectedAudience: 'api://default' });
 * const own = oauthProviderVerifier({
 *   provider: 'custom', userinfoEndpoint: 'https://sso.example.com/me', usernameField: 'login',
 * });
 * ```
 */
export function oauthProviderVerifier(
  options: OAuthProviderOptions,
): Verifier & { forget(token: string): boolean } {
  const config = normalizeProviderOptions(options);
  const jwt = jwtCheck(config);
  const profile =
    config.endpoint && config.opaqueToEndpoint
      ? profileVerifier(config.endpoint, config)
      : undefined;

  async function verify(token: string, ctx: VerifyContext): Promise<Verdict> {
    if (config.tokenPattern && !config.tokenPattern.test(token)) {
      return { kind: 'pass', reason: 'token_unrecognized' };
    }
    if (jwt) {
      const verdict = await jwt.verify(token, ctx);
      // A JWT preset with a profile endpoint sends it the tokens that are not JWTs.
      if (!(profile && verdict.kind === 'pass' && verdict.reason === 'token_not_jwt'))
        return afterJwt(verdict, config);
    }
    if (profile) return profile.verify(token);
    return { kind: 'pass', reason: 'token_not_jwt' };
  }

  return {
    name: config.name,
    verify,
    forget: (token) => [profile?.forget(token) ?? false, jwt?.forget(token) ?? false].some(Boolean),
  };
}
