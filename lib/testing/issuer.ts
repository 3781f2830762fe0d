/**
 * createTestIssuer(): a local token issuer for an application's own tests. It signs JWT access
 * tokens (RFC 9068 shape) with a fresh key, valid or broken on purpose, and publishes the public
 * key as a JWK Set, a PEM, ready `jwtVerifier` options, or a JWKS + discovery server on loopback.
 */
import type { JWK } from 'jose';
import { SignJWT, type JWTPayload } from 'jose';
import {
  DEFAULT_LIFETIME_SECONDS,
  DEFAULT_TEST_CLAIMS,
  WRONG_AUDIENCE,
  WRONG_ISSUER,
  mergeClaims,
  type TestClaims,
} from './claims.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';
import { createSigningKey, isTestAlgorithm, type TestAlgorithm } from './signing-key.js';

/** Options of `createTestIssuer`. */
export interface TestIssuerOptions {
  /** `iss` of the tokens. Default `'https://issuer.test'`. */
  issuer?: string;
  /** `aud` of the tokens (a string or several). Default `'https://api.test'`. */
  audience?: string | readonly string[];
  /** Signing algorithm: `'RS256'` (default, RSA 2048), `'ES256'` (P-256) or `'EdDSA'` (Ed25519). */
  alg?: TestAlgorithm;
  /**
   * Claims of every token, over the defaults (`sub` and `preferred_username` `'test-user'`,
   * `scope` `'read write'`). A claim set to `undefined` is left out.
   */
  claims?: TestClaims;
  /** Lifetime of a valid token, in seconds. Default 3600. */
  expiresInSeconds?: number;
  /** Clock in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Per-token extras. */
export interface TestTokenOptions {
  /** Header parameters added to `{ alg, kid, typ: 'at+jwt' }` (not `alg`). */
  header?: Record<string, unknown>;
}

/** Options for `jwtVerifier` that trust this issuer. */
export interface TestVerifierOptions {
  jwks: { keys: JWK[] };
  issuer: string;
  audience: string | string[];
}

/** A running JWKS + discovery server of one test issuer. */
export interface ServedJwks extends JwksServer {
  /** The `issuer` the discovery document announces. */
  readonly issuer: string;
}

/** Options of `serveJwks`. */
export interface ServeJwksOptions {
  /**
   * `true`: the server's own URL becomes the issuer (tokens minted afterwards carry it as `iss`,
   * and `verifierOptions()` names it), so `jwtVerifier({ discovery: served.url })` works, which
   * requires the discovery document's `issuer` to equal the URL it was fetched from.
   * Default `false`: the discovery document announces the configured issuer.
   */
  asIssuer?: boolean;
}

/** A local issuer: see `createTestIssuer`. */
export interface TestIssuer {
  /** `iss` of the tokens. */
  readonly issuer: string;
  /** `aud` of the tokens. */
  readonly audience: string | string[];
  readonly alg: TestAlgorithm;
  /** `kid` of the signing key. */
  readonly kid: string;
  /** The public JWK Set (a fresh copy on every read). */
  readonly jwks: { keys: JWK[] };
  /** The public key as an SPKI PEM, for `jwtVerifier({ publicKey })`. */
  readonly publicKeyPem: string;
  /** A valid token: defaults, then the issuer's `claims`, then `claims`. */
  token(claims?: TestClaims, options?: TestTokenOptions): Promise<string>;
  /** A token that expired an hour ago (well past any clock tolerance). */
  expiredToken(claims?: TestClaims): Promise<string>;
  /** A token whose `nbf` is an hour ahead. */
  notYetValidToken(claims?: TestClaims): Promise<string>;
  /** A token for another audience. */
  wrongAudienceToken(claims?: TestClaims): Promise<string>;
  /** A token from another issuer, signed with this issuer's key. */
  wrongIssuerToken(claims?: TestClaims): Promise<string>;
  /** A valid token granting exactly `scopes` (none when called without arguments). */
  tokenWithScopes(...scopes: string[]): Promise<string>;
  /** A valid token without any `scope` or `scp` claim. */
  tokenWithoutScope(claims?: TestClaims): Promise<string>;
  /** A valid token whose payload was changed after signing (`scope` raised to `admin`). */
  tamperedToken(claims?: TestClaims): Promise<string>;
  /** `{ jwks, issuer, audience }`, ready for `jwtVerifier(...)`. */
  verifierOptions(): TestVerifierOptions;
  /** Serves the JWK Set and a discovery document on 127.0.0.1 and an ephemeral port. */
  serveJwks(options?: ServeJwksOptions): Promise<ServedJwks>;
}

const DEFAULT_ISSUER = 'https://issuer.test';
const DEFAULT_AUDIENCE = 'https://api.test';

function fail(message: string): never {
  throw new TypeError(`createTestIssuer: ${message}`);
}

function checkAudience(value: unknown): string | string[] {
  if (typeof value === 'string' && value !== '') return value;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((a) => typeof a === 'string' && a !== '')
  ) {
    return [...(value as string[])];
  }
  return fail('"audience" option must be a non-empty string or array of strings');
}

function checkOptions(options: TestIssuerOptions) {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  if (typeof issuer !== 'string' || issuer === '')
    fail('"issuer" option must be a non-empty string');
  const alg = options.alg ?? 'RS256';
  if (!isTestAlgorithm(alg)) fail(`"alg" option must be 'RS256', 'ES256' or 'EdDSA'`);
  const lifetime = options.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1) {
    fail('"expiresInSeconds" option must be a positive integer');
  }
  if (options.claims !== undefined && (typeof options.claims !== 'object' || !options.claims)) {
    fail('"claims" option must be an object');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    fail('"now" option must be a function returning milliseconds');
  }
  return {
    issuer,
    audience: checkAudience(options.audience ?? DEFAULT_AUDIENCE),
    alg,
    lifetime,
    claims: structuredClone(options.claims ?? {}),
    now: options.now ?? Date.now,
  };
}

/** The header parameters a caller may add: all but `alg`, which the key decides. */
function withoutAlg(header: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(header).filter(([name]) => name !== 'alg'));
}

/** Replaces a signed token's payload, keeping header and signature. */
function tamper(token: string, change: TestClaims): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TestClaims;
  const forged = Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

/**
 * Creates a local issuer with a fresh key pair.
 *
 * @example
 * ```ts
 * import { createTestIssuer } from 'bearer-guard/testing';
 *
 * const issuer = createTestIssuer({ audience: 'https://api.example.com' });
 * const auth = bearerAuth({ verifiers: [jwtVerifier(issuer.verifierOptions())], directory });
 * await request(app).get('/me').set('Authorization', `Bearer ${await issuer.token()}`).expect(200);
 * await request(app).get('/me').set('Authorization', `Bearer ${await issuer.expiredToken()}`)
 *   .expect(401);
 * ```
 */
export function createTestIssuer(options: TestIssuerOptions = {}): TestIssuer {
  const config = checkOptions(options);
  const key = createSigningKey(config.alg);
  let issuer = config.issuer;
  const nowSeconds = () => Math.floor(config.now() / 1000);

  const sign = (claims: TestClaims, header: Record<string, unknown> = {}): Promise<string> => {
    const now = nowSeconds();
    const payload = mergeClaims(
      { iss: issuer, aud: config.audience, iat: now, exp: now + config.lifetime },
      DEFAULT_TEST_CLAIMS,
      config.claims,
      claims,
    );
    return new SignJWT(payload as JWTPayload)
      .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...withoutAlg(header) })
      .sign(key.privateKey);
  };
  const jwks = () => ({ keys: [{ ...key.publicJwk }] });

  return {
    get issuer() {
      return issuer;
    },
    audience: config.audience,
    alg: key.alg,
    kid: key.kid,
    get jwks() {
      return jwks();
    },
    publicKeyPem: key.publicKeyPem,
    token: (claims, tokenOptions) => sign(claims ?? {}, tokenOptions?.header),
    expiredToken: (claims) =>
      sign({ iat: nowSeconds() - 2 * 3600, exp: nowSeconds() - 3600, ...claims }),
    notYetValidToken: (claims) =>
      sign({ nbf: nowSeconds() + 3600, exp: nowSeconds() + 2 * 3600, ...claims }),
    wrongAudienceToken: (claims) => sign({ ...claims, aud: WRONG_AUDIENCE }),
    wrongIssuerToken: (claims) => sign({ ...claims, iss: WRONG_ISSUER }),
    tokenWithScopes: (...scopes) => sign({ scope: scopes.join(' '), scp: undefined }),
    tokenWithoutScope: (claims) => sign({ ...claims, scope: undefined, scp: undefined }),
    tamperedToken: async (claims) => tamper(await sign(claims ?? {}), { scope: 'admin' }),
    verifierOptions: () => ({
      jwks: jwks(),
      issuer,
      audience: Array.isArray(config.audience) ? [...config.audience] : config.audience,
    }),
    async serveJwks(serveOptions = {}) {
      const server = await startJwksServer({
        jwks,
        issuer: (origin) => (serveOptions.asIssuer ? origin : issuer),
      });
      if (serveOptions.asIssuer) issuer = server.url;
      return Object.assign(server, { issuer });
    },
  };
}
