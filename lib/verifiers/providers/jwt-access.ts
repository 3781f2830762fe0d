/**
 * The JWT half of a provider preset: a jwtVerifier over the preset's issuer and JWK Set (or its
 * discovery document), with the audience decision always written out — a list, or `false` for
 * "any audience" — and the preset's `typ` (`at+jwt` for RFC 9068 access tokens).
 */
import type { Dispatcher } from 'undici';
import type { Claims, Verifier } from '../../types.js';
import { jwtVerifier, type JwtVerifierOptions } from '../jwt.js';

/** What a preset asks of jwtVerifier. */
export interface PresetJwtOptions {
  discovery?: URL;
  jwksUri?: URL;
  /** Expected `iss` (any of); with `discovery`, the document's issuer instead. */
  issuer?: readonly string[];
  /** This API's identifiers, or `false`: any audience. */
  audience: readonly string[] | false;
  typ?: string;
  usernameClaim: (claims: Claims) => string | undefined;
  name: string;
  cache: JwtVerifierOptions['cache'];
  timeoutMs: number;
  allowInsecureHttp: boolean;
  now: () => number;
  dispatcher?: Dispatcher;
}

/** A verifier of the preset's JWTs, with `forget`. */
export type PresetJwtVerifier = Verifier & { forget(token: string): boolean };

/**
 * Builds the preset's jwtVerifier.
 *
 * @example
 * ```ts
 * presetJwtVerifier({ jwksUri, issuer: [issuer], audience: false, usernameClaim, name, cache,
 *   timeoutMs: 5000, allowInsecureHttp: false, now: Date.now });
 * ```
 */
export function presetJwtVerifier(options: PresetJwtOptions): PresetJwtVerifier {
  const { discovery, jwksUri, issuer, dispatcher, ...rest } = options;
  // A preset without a fixed issuer (multi-tenant endpoints) states "any issuer" explicitly.
  const given: JwtVerifierOptions = {
    ...rest,
    ...(discovery ? { discovery } : { jwksUri, issuer: issuer ?? false }),
    ...(dispatcher ? { dispatcher } : {}),
  };
  return jwtVerifier(given);
}
