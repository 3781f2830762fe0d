/**
 * The shared vocabulary of bearer-guard: verdicts, identities, verifiers, directories and the
 * per-request result. Every stage (extract → verify → resolve → guard) speaks these types.
 */
import type { Request } from 'express';
import type { ReasonCode } from './reasons.js';

export type { ReasonCode } from './reasons.js';

/** JSON object as it arrived from a token or an upstream; never trusted beyond its shape. */
export type Claims = Record<string, unknown>;

/**
 * Who a verified token speaks for.
 *
 * @example
 * ```ts
 * const id: Identity = { subject: 'u1', username: 'admin', scopes: ['read'], claims: {},
 *   serviceAccount: false, verifier: 'jwt' };
 * ```
 */
export interface Identity {
  /** The token's subject (`sub`), or the client id for a service account. */
  subject: string;
  /** The name the directory is searched by. */
  username?: string;
  /** The e-mail address the directory is searched by when no entry has the username. */
  email?: string;
  /** The OAuth client the token was issued to (`client_id` / `azp`), where known. */
  clientId?: string;
  /** Granted scopes (space-separated `scope` or `scp` array, split). */
  scopes: string[];
  /** The JWT payload, introspection answer or userinfo profile this identity was read from. */
  claims: Claims;
  /** The token's issuer, where known. */
  issuer?: string;
  /** When the token stops being valid, in seconds since the Unix epoch (like `exp`). */
  expiresAt?: number;
  /** When the token was issued, in seconds since the Unix epoch (`iat`), where known. */
  issuedAt?: number;
  /**
   * What the token is bound to (`cnf`, RFC 7800): a DPoP key thumbprint (`jkt`, RFC 9449) or a
   * client certificate thumbprint (`x5t#S256`, RFC 8705). Absent for a plain bearer token.
   */
  confirmation?: Confirmation;
  /** How the user authenticated (`acr`), where the token says. */
  acr?: string;
  /** When the user authenticated (`auth_time`), in seconds since the Unix epoch. */
  authTime?: number;
  /** `true` when the token has no end user: a client-credentials token of a service account. */
  serviceAccount: boolean;
  /** The `name` of the verifier that accepted the token. */
  verifier: string;
}

/** A token's `cnf` claim, as far as bearer-guard can prove it. */
export interface Confirmation {
  /** RFC 9449 §6: base64url SHA-256 JWK thumbprint (RFC 7638) of the DPoP key. */
  jkt?: string;
  /** RFC 8705 §3.1: base64url SHA-256 thumbprint of the client certificate (`x5t#S256`). */
  x5tS256?: string;
}

/** How a request proved it may use its token. */
export type Binding = 'bearer' | 'dpop' | 'mtls';

/** The authorization scheme a request used. */
export type AuthScheme = 'bearer' | 'dpop';

/** The answer of one verifier about one token. */
export type Verdict =
  | { kind: 'accept'; identity: Identity }
  | { kind: 'pass'; reason: ReasonCode }
  | { kind: 'reject'; reason: ReasonCode; cause?: unknown }
  | { kind: 'unavailable'; reason: ReasonCode; cause?: unknown };

/** What a verifier is given besides the token. */
export interface VerifyContext {
  /** The request being authenticated. Verifiers should not need it, but custom ones may. */
  req: Request;
  /** The scheme the token came with: `'dpop'` when sent as `Authorization: DPoP …`. */
  scheme: AuthScheme;
  /** Aborted when the client goes away; pass it to upstream calls. */
  signal: AbortSignal;
}

/**
 * One link of the chain. `verify` must not throw: every expected failure is a verdict.
 *
 * @example
 * ```ts
 * // Keys are stored as SHA-256 hashes and looked up by hash: no secret is ever compared.
 * const keyOwners = new Map([['<sha256 of the key, base64url>', 'svc-reports']]);
 * const apiKeys: Verifier = {
 *   name: 'api-keys',
 *   async verify(token) {
 *     const owner = keyOwners.get(createHash('sha256').update(token).digest('base64url'));
 *     return owner
 *       ? { kind: 'accept', identity: { subject: owner, username: owner, scopes: [], claims: {},
 *           serviceAccount: true, verifier: 'api-keys' } }
 *       : { kind: 'pass', reason: 'token_unrecognized' };
 *   },
 * };
 * ```
 */
export interface Verifier {
  readonly name: string;
  verify(token: string, ctx: VerifyContext): Promise<Verdict>;
  /**
   * Optional: the issuers whose tokens this verifier accepts, verbatim (configured or
   * discovered), for RFC 9728's `authorization_servers`. Rejects when they cannot be known yet.
   */
  issuers?(): Promise<readonly string[]>;
}

/** A directory user: whatever object the application keeps for a user. */
export type DirectoryUser = object;

/** What a directory is given besides the identity and the request. */
export interface DirectoryContext {
  /** Aborted when the lookup runs past `directoryTimeoutMs`: stop working, the answer is ignored. */
  signal: AbortSignal;
}

/**
 * Finds the user a verified identity belongs to. `null`/`undefined` means "no such user";
 * a thrown error means the directory could not answer (503).
 */
export interface UserDirectory<U extends DirectoryUser = DirectoryUser> {
  find(
    identity: Identity,
    req: Request,
    ctx?: DirectoryContext,
  ): Promise<U | null | undefined> | U | null | undefined;
}

/** A directory given as a plain (async) function. */
export type DirectoryLookup<U extends DirectoryUser = DirectoryUser> = (
  identity: Identity,
  req: Request,
  ctx: DirectoryContext,
) => Promise<U | null | undefined> | U | null | undefined;

/** What `bearerAuth` puts on `req.auth` after a token is accepted. */
export interface AuthResult<U extends DirectoryUser = DirectoryUser, C extends object = Claims> {
  /** The bearer token itself. Never log it. */
  token: string;
  /** The directory entry. */
  user: U;
  identity: Identity;
  scopes: string[];
  claims: C;
  /** How the request proved it may use the token: plain bearer, DPoP proof or client certificate. */
  binding: Binding;
}

/** The outcome of one request, given to `onDecision` exactly once. Never carries the token. */
export interface Decision {
  outcome: 'accept' | 'reject' | 'unavailable' | 'error';
  reason: ReasonCode | 'accepted';
  /** The verifier that decided, when one did. */
  verifier?: string;
  /** The HTTP status answered (200 stands for "passed on to the route"). */
  status: number;
  durationMs: number;
  /** For accepts: the subject and username (no secrets). */
  subject?: string;
  username?: string;
  /** For accepts and binding refusals: which binding was checked (never the proof itself). */
  binding?: Binding;
  /** The private cause of a refusal: for logs, never for responses. */
  cause?: unknown;
}
