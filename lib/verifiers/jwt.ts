/**
 * jwtVerifier(): checks a JWT access token locally, with jose, against a public key, a JWK Set or
 * a shared HMAC secret (RFC 7519, RFC 9068, RFC 8725). Steps: shape → issuer ownership → header
 * policy (`typ`, `crit`, `alg`) → key → signature, issuer, audience and time (jose) → claim types,
 * `iat`, token age → identity. Verified tokens are cached until they expire; time is checked again
 * on every hit.
 */
import { errors, UnsecuredJWT, type JWSHeaderParameters, type JWTPayload } from 'jose';
import { createTokenCache, type TokenCache } from '../cache/token-cache.js';
import { sharedSettings } from '../shared/verdict-codec.js';
import type { ReasonCode } from '../reasons.js';
import type { Identity, Verdict, Verifier, VerifyContext } from '../types.js';
import { hasPoisonedKey, withoutPoisonedKeys } from '../util/json.js';
import { hasProtoKey, identityFromClaims } from './claims.js';
import { readCompact } from './compact-read.js';
import { keyObjectFor, verifySignature, type CompactParts } from './jws-signature.js';
import { withPeek } from './peek.js';
import type { KeyLookup } from './jwt-keys.js';
import {
  normalizeJwtOptions,
  type JwtVerifierOptions,
  type ResolvedJwtOptions,
} from './jwt-options.js';

export type { JwtVerifierOptions, UsernameClaim } from './jwt-options.js';

const pass = (reason: ReasonCode): Verdict => ({ kind: 'pass', reason });
const reject = (reason: ReasonCode, cause?: unknown): Verdict => ({
  kind: 'reject',
  reason,
  cause,
});

const NOT_JWT: Verdict = Object.freeze(pass('token_not_jwt'));

/** A first look that costs no hashing: a compact JWS has exactly two dots. */
function hasTwoDots(token: string): boolean {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  return second > 0 && token.indexOf('.', second + 1) < 0;
}

/** jose error code → reason code. */
function reasonForJoseError(error: unknown): ReasonCode {
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'token_expired';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'algorithm_not_allowed';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature_invalid';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return 'claim_missing';
      if (reason === 'invalid') return 'claim_invalid'; // wrong type, e.g. "nbf" as a string
      if (claim === 'iss') return 'issuer_mismatch';
      if (claim === 'aud') return 'audience_mismatch';
      if (claim === 'nbf') return 'token_not_yet_valid';
      if (claim === 'typ') return 'typ_mismatch';
      return 'claim_invalid';
    default:
      return 'jwt_malformed';
  }
}

function issuerMatches(expected: readonly string[], iss: unknown): boolean {
  return typeof iss === 'string' && expected.includes(iss);
}

/** `typ` values of an access token (compared case-insensitively): RFC 7519 §5.1 and RFC 9068 §2.1. */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'application/jwt', 'at+jwt', 'application/at+jwt']);
const AT_JWT_TYPES = new Set(['at+jwt', 'application/at+jwt']);

/**
 * `true` when the header's `typ` is an access token's: absent or one of ACCESS_TOKEN_TYPES; with
 * `requireAtJwt`, RFC 9068's only. ID tokens marked as such, logout tokens (`logout+jwt`),
 * security events (`secevent+jwt`) and DPoP proofs (`dpop+jwt`) are not access tokens.
 */
function typAllowed(typ: unknown, requireAtJwt: boolean): boolean {
  if (typ === undefined) return !requireAtJwt;
  if (typeof typ !== 'string') return false;
  return (requireAtJwt ? AT_JWT_TYPES : ACCESS_TOKEN_TYPES).has(typ.toLowerCase());
}

/** Time rules jose does not apply: `iat` not in the future, and `maxTokenAge`. */
function timeProblem(payload: JWTPayload, config: ResolvedJwtOptions): ReasonCode | undefined {
  const nowSeconds = config.now() / 1000;
  const iat = payload.iat;
  if (typeof iat === 'number' && iat > nowSeconds + config.clockTolerance) {
    return 'token_issued_in_future';
  }
  if (config.maxTokenAge !== undefined) {
    if (typeof iat !== 'number') return 'claim_missing';
    if (nowSeconds - iat - config.clockTolerance > config.maxTokenAge) return 'token_too_old';
  }
  return undefined;
}

/** Payload → Identity, or the reason it cannot be one. */
function toIdentity(payload: JWTPayload, config: ResolvedJwtOptions): Identity | ReasonCode {
  // An issuer has no reason to sign a `__proto__` key: refuse the token. `constructor` and
  // `prototype` keys are dropped, as from every upstream answer, before applications see claims.
  // The payload is this check's own parse: one walk finds no such key in nearly every token, and
  // it is copied only when there is something to drop.
  let claims = payload as Record<string, unknown>;
  if (hasPoisonedKey(payload)) {
    if (hasProtoKey(payload)) return 'claim_invalid';
    claims = withoutPoisonedKeys(claims);
  }
  // Registered claims of the wrong type refuse (`strictClaims`); a `client_id` of the wrong type
  // never falls through to `azp`.
  const identity = identityFromClaims(claims, {
    clientIdClaims: ['client_id', 'azp'],
    username: config.usernameClaim,
    verifier: config.name,
    trustEmail: config.trustEmail,
    scopeClaims: config.scopeClaims,
    strictClaims: true,
  });
  if (typeof identity === 'string') return identity;
  return timeProblem(payload, config) ?? identity;
}

/** The header of an Unsecured JWT (RFC 7519 §6), under which jose checks a payload's claims. */
const CLAIMS_ONLY_HEADER = Buffer.from('{"alg":"none"}').toString('base64url');

/**
 * jose's claim rules (`iss`, `aud`, `exp`, `nbf`, `iat` types, required claims) on the payload of
 * a token whose signature is already verified: `UnsecuredJWT.decode` applies exactly the rules
 * `jwtVerify` would, to the same payload bytes, without a second signature check. Throws jose's
 * own errors.
 */
function checkClaimRules(
  token: string,
  issuer: readonly string[] | undefined,
  config: ResolvedJwtOptions,
): void {
  const encodedPayload = token.slice(token.indexOf('.') + 1, token.lastIndexOf('.'));
  UnsecuredJWT.decode(`${CLAIMS_ONLY_HEADER}.${encodedPayload}.`, {
    issuer: issuer ? [...issuer] : undefined,
    audience: config.audience ? [...config.audience] : undefined,
    clockTolerance: config.clockTolerance,
    requiredClaims: [...config.requiredClaims],
    currentDate: new Date(config.now()),
  });
}

/** A token read without trusting it: a JWS with an `alg`, canonical parts and a JSON payload. */
interface ReadToken {
  header: JWSHeaderParameters & { alg: string };
  payload: JWTPayload;
  /** The signing input and the signature's bytes, for the signature check. */
  parts: CompactParts;
}

/** A token whose signature is all that is left to check, with what it is checked against. */
interface Ready extends ReadToken {
  issuer: readonly string[] | undefined;
  config: ResolvedJwtOptions;
}

/** Reads a token (each part decoded once), or says why it is not a JWT this verifier can read. */
function readToken(token: string): ReadToken | Verdict {
  const read = readCompact(token);
  if (read === undefined) return pass('token_not_jwt');
  const { header, payload, canonical, parts } = read;
  if (typeof header.alg !== 'string') return reject('jwt_malformed');
  // One signed token, one string: a second spelling would be a second cache entry.
  if (!canonical) return reject('jwt_malformed');
  if (!payload) return reject('jwt_malformed');
  return { header: header as ReadToken['header'], payload: payload as JWTPayload, parts };
}

/** The header's rules and the issuer, before any key is looked up. */
function admit(
  token: ReadToken,
  issuer: readonly string[] | undefined,
  config: ResolvedJwtOptions,
): Ready | Verdict {
  const { header, payload, parts } = token;
  // RFC 8725 §3.8: a token from another issuer is not ours; the next verifier may know it.
  if (issuer && !issuerMatches(issuer, payload.iss)) return pass('issuer_mismatch');
  if (!typAllowed(header.typ, config.requireAtJwt)) return reject('typ_mismatch');
  if (header.crit !== undefined) return reject('crit_unsupported');
  if (!config.algorithms.includes(header.alg)) return reject('algorithm_not_allowed');
  return { header, payload, parts, issuer, config };
}

/**
 * The signature, synchronously with `node:crypto` against each candidate key (keys imported and
 * selected by jose, converted once), then jose's claim rules, then ours.
 */
function verifySignedToken(token: string, ready: Ready, lookup: KeyLookup): Verdict {
  if (lookup.kind === 'failure') {
    return lookup.unavailable
      ? { kind: 'unavailable', reason: lookup.reason, cause: lookup.cause }
      : reject(lookup.reason, lookup.cause);
  }
  const { header, payload, parts, issuer, config } = ready;
  const signed = lookup.keys.some((key) => verifySignature(header.alg, keyObjectFor(key), parts));
  if (!signed) return reject('signature_invalid', new errors.JWSSignatureVerificationFailed());
  try {
    checkClaimRules(token, issuer, config);
  } catch (error) {
    return reject(reasonForJoseError(error), error);
  }
  const identity = toIdentity(payload, config);
  return typeof identity === 'string' ? reject(identity) : { kind: 'accept', identity };
}

/** How long a verified token may stay cached: never past `exp`. */
function cacheLifetimeMs(verdict: Verdict, config: ResolvedJwtOptions): number {
  if (verdict.kind !== 'accept' || !config.cache) return 0;
  const ttl = config.cache.ttlSeconds * 1000;
  const exp = verdict.identity.expiresAt;
  return exp === undefined ? ttl : Math.min(ttl, exp * 1000 - config.now());
}

/** `exp` and `nbf` are checked again on every cache hit. */
function stillValid(verdict: Verdict, config: ResolvedJwtOptions): boolean {
  if (verdict.kind !== 'accept') return false;
  const nowSeconds = config.now() / 1000;
  const { expiresAt, claims } = verdict.identity;
  if (expiresAt !== undefined && expiresAt <= nowSeconds - config.clockTolerance) return false;
  const nbf = claims.nbf;
  if (typeof nbf === 'number' && nbf > nowSeconds + config.clockTolerance) return false;
  const iat = verdict.identity.issuedAt;
  return !(
    config.maxTokenAge !== undefined &&
    iat !== undefined &&
    nowSeconds - iat - config.clockTolerance > config.maxTokenAge
  );
}

/**
 * A verifier of JWT access tokens signed with a public key.
 *
 * @example
 * ```ts
 * const jwt = jwtVerifier({
 *   jwksUri: 'https://id.example.com/.well-known/jwks.json',
 *   issuer: 'https://id.example.com',
 *   audience: 'https://api.example.com',
 * });
 * // or: jwtVerifier({ discovery: 'https://id.example.com', audience: 'https://api.example.com' })
 * ```
 */
export function jwtVerifier(
  options: JwtVerifierOptions,
): Verifier & { forget(token: string): boolean } {
  const config = normalizeJwtOptions(options);
  const cache: TokenCache<Verdict> = createTokenCache<Verdict>({
    name: config.name,
    max: config.cache ? config.cache.max : 1,
    enabled: config.cache !== false,
    isFresh: (verdict) => stillValid(verdict, config),
    shared: sharedSettings(config.cache, config.name),
  });
  config.keys.onRotate(() => cache.clear());

  async function check(token: string, ctx?: VerifyContext): Promise<Verdict> {
    const decoded = readToken(token);
    if (!('header' in decoded)) return decoded;
    // `false`: no issuer is checked; `undefined`: the discovered one.
    let issuer = config.issuer === false ? undefined : config.issuer;
    if (config.issuer === undefined) {
      const discovered = await config.keys.issuer(ctx?.signal);
      if (typeof discovered === 'object') {
        return discovered.kind === 'failure' && discovered.unavailable
          ? { kind: 'unavailable', reason: discovered.reason, cause: discovered.cause }
          : reject('key_not_found');
      }
      if (discovered) issuer = [discovered];
    }
    const ready = admit(decoded, issuer, config);
    if (!('config' in ready)) return ready;
    // Keys known before any fetch (publicKey, jwks) leave nothing to abort: building the
    // request's AbortSignal would only cost time on every first sight of a token.
    const signal = config.keys.algorithms ? undefined : ctx?.signal;
    return verifySignedToken(token, ready, await config.keys.keysFor(ready.header, signal));
  }

  /**
   * `check` without a promise, when everything it needs is at hand: a configured issuer (or none)
   * and keys imported and selected before. `undefined` means "ask `check`".
   */
  function checkNow(token: string): Verdict | undefined {
    if (config.issuer === undefined) return undefined;
    const decoded = readToken(token);
    if (!('header' in decoded)) return decoded;
    const ready = admit(decoded, config.issuer === false ? undefined : config.issuer, config);
    if (!('config' in ready)) return ready;
    const lookup = config.keys.keysNow(ready.header);
    return lookup === undefined ? undefined : verifySignedToken(token, ready, lookup);
  }

  // The cache is asked first: a hit is this very token, accepted before, so it is not decoded
  // and checked again (only `exp`/`nbf`, by `isFresh`). Not async, to spare a promise hop.
  function verify(token: string, ctx?: VerifyContext): Promise<Verdict> {
    if (!hasTwoDots(token)) return Promise.resolve(NOT_JWT);
    return cache.resolve(token, async () => {
      const verdict = await check(token, ctx);
      return { value: verdict, ttlMs: cacheLifetimeMs(verdict, config) };
    });
  }

  // The synchronous look: a cache hit, or a first sight decided at once (`checkNow`), cached as
  // `verify` would cache it.
  const loadNow = (token: string) => {
    const verdict = checkNow(token);
    return verdict === undefined
      ? undefined
      : { value: verdict, ttlMs: cacheLifetimeMs(verdict, config) };
  };
  const peek = (token: string): Verdict | undefined =>
    hasTwoDots(token) ? cache.peekOrLoadNow(token, loadNow) : NOT_JWT;

  const verifier: Verifier & { forget(token: string): boolean } = {
    name: config.name,
    verify,
    forget: (token) => cache.forget(token),
    // RFC 9728 `authorization_servers`: the configured issuers, else the discovered one.
    async issuers() {
      if (config.issuer) return [...config.issuer];
      const discovered = await config.keys.issuer();
      if (typeof discovered === 'object') throw new Error('issuer discovery failed');
      return discovered ? [discovered] : [];
    },
  };
  return withPeek(verifier, peek);
}
