/**
 * oauthProviderVerifier(): a third-party provider's access token, vouched for by the provider.
 * Each provider is a preset record (lib/verifiers/providers/): opaque tokens are checked at its
 * userinfo-like endpoint, JWT access tokens against its JWK Set (through jwtVerifier). The same
 * control flow serves every preset and the `custom` provider.
 */
import type { Identity, Verdict, Verifier, VerifyContext } from '../types.js';
import { readIdentityExtras, verifiedEmail } from './identity-extras.js';
import { presetJwtVerifier, type PresetJwtVerifier } from './providers/jwt-access.js';
import {
  normalizeProviderOptions,
  type OAuthProviderOptions,
  type ResolvedProviderOptions,
} from './providers/options.js';
import { pick, readPath } from './providers/profile.js';
import { profileVerifier } from './providers/profile-check.js';
import { peekOf, withPeek } from './peek.js';

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

function jwtCheck(config: ResolvedProviderOptions): PresetJwtVerifier | undefined {
  const jwt = config.jwt;
  if (!jwt) return undefined;
  if (!config.expectedAudience && !config.anyAudience) {
    warnOnce(
      config.provider,
      `oauthProviderVerifier: the "${config.provider}" preset has no "expectedAudience": JWT access tokens its issuer minted for any other API are accepted (write expectedAudience: false to say so on purpose)`,
    );
  }
  const mapping = config.mapping;
  return presetJwtVerifier({
    discovery: jwt.discovery,
    jwksUri: jwt.jwksUri,
    issuer: jwt.issuers,
    audience: config.expectedAudience ?? false,
    typ: jwt.typ,
    usernameClaim: (claims) => {
      const value = pick(claims, mapping.username);
      return typeof value === 'string' && value ? value : undefined;
    },
    name: config.name,
    cache: config.cache,
    timeoutMs: config.timeoutMs,
    allowInsecureHttp: config.allowInsecureHttp,
    now: config.now,
    dispatcher: config.dispatcher,
  });
}

const UNRECOGNIZED: Verdict = Object.freeze({ kind: 'pass', reason: 'token_unrecognized' });
const NOT_JWT: Verdict = Object.freeze({ kind: 'pass', reason: 'token_not_jwt' });

/** The checks jwtVerifier does not make: claim values, client, e-mail trust, username. */
function afterJwt(verdict: Verdict, config: ResolvedProviderOptions): Verdict {
  if (verdict.kind !== 'accept') return verdict;
  const { identity } = verdict;
  const claims = identity.claims;
  for (const [name, value] of Object.entries(config.jwt?.claimEquals ?? {})) {
    // Cognito: an ID token (`token_use: "id"`) is signed by the same keys as an access token.
    if (claims[name] !== value) {
      return {
        kind: 'reject',
        reason: 'typ_mismatch',
        cause: new Error(`the token's "${name}" is not "${value}"`),
      };
    }
  }
  const claim = config.jwt?.clientClaims.find((name) => typeof claims[name] === 'string');
  const clientId = claim ? (claims[claim] as string) : identity.clientId;
  if (config.clientId && !(clientId && config.clientId.includes(clientId)))
    return { kind: 'reject', reason: 'client_mismatch' };
  const extras = readIdentityExtras(claims);
  if (typeof extras === 'string') return { kind: 'reject', reason: extras };
  const claimed = pick(claims, config.mapping.email);
  const email = verifiedEmail(
    typeof claimed === 'string' && claimed ? claimed : undefined,
    { email_verified: readPath(claims, config.mapping.emailVerified) },
    config.email,
  );
  const username = identity.username ?? email;
  if (!username) return { kind: 'reject', reason: 'username_missing' };
  const accepted: Identity = { ...identity, ...extras, clientId, username };
  if (email === undefined) delete accepted.email;
  else accepted.email = email;
  return { kind: 'accept', identity: accepted };
}

/**
 * A verifier of a third-party provider's access tokens.
 *
 * @example
 * ```ts
 * const github = oauthProviderVerifier({ provider: 'github' });
 * const google = oauthProviderVerifier({ provider: 'google', clientId: '1234.apps.googleusercontent.com' });
 * const okta = oauthProviderVerifier({ provider: 'okta', domain: 'dev-1.okta.com', expectedAudience: 'api://default' });
 * const pool = oauthProviderVerifier({
 *   provider: 'cognito', region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789',
 * });
 * const anyOidc = oauthProviderVerifier({
 *   provider: 'oidc', issuer: 'https://id.example.com', expectedAudience: 'https://api.example.com',
 * });
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

  const unrecognized = (token: string): boolean =>
    config.tokenPattern !== undefined && !config.tokenPattern.test(token);
  // The JWT check's verdict, final; or `undefined`: a JWT preset with a profile endpoint sends it
  // the tokens that are not JWTs.
  const fromJwt = (verdict: Verdict): Verdict | undefined =>
    profile && verdict.kind === 'pass' && verdict.reason === 'token_not_jwt'
      ? undefined
      : afterJwt(verdict, config);

  async function verify(token: string, ctx: VerifyContext): Promise<Verdict> {
    if (unrecognized(token)) return UNRECOGNIZED;
    const decided = jwt && fromJwt(await jwt.verify(token, ctx));
    if (decided) return decided;
    return profile ? profile.verify(token) : NOT_JWT;
  }

  // `verify`'s steps on what the caches hold now; `undefined` wherever `verify` would wait.
  const peekJwt = jwt && peekOf(jwt);
  function peek(token: string): Verdict | undefined {
    if (unrecognized(token)) return UNRECOGNIZED;
    if (jwt) {
      const verdict = peekJwt?.(token);
      if (verdict === undefined) return undefined;
      const decided = fromJwt(verdict);
      if (decided) return decided;
    }
    return profile ? profile.peek(token) : NOT_JWT;
  }

  const verifier: Verifier & { forget(token: string): boolean } = {
    name: config.name,
    verify,
    forget: (token) => [profile?.forget(token) ?? false, jwt?.forget(token) ?? false].some(Boolean),
  };
  return withPeek(verifier, peek);
}
