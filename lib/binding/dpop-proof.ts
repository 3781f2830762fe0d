/**
 * Checks a DPoP proof (RFC 9449 §4.3) against the request it came with: pure CPU, jose for
 * every JOSE operation, run before the verifier chain so a bad proof never costs an upstream
 * call. It neither sees nor touches the replay store: a valid proof is claimed later, last.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { splitCompact, verifySignature as verifyJws } from '../verifiers/jws-signature.js';
import { equalDigests, sha256 } from '../util/hash.js';
import type { ReasonCode } from '../reasons.js';
import type { NonceIssuer } from './dpop-nonce.js';
import { normalizeHtu } from './dpop-htu.js';
import { proofKeyOf, type ProofKey } from './dpop-key.js';
import { isPending } from '../util/pending.js';

/** Longest proof read: larger ones are refused before any decoding. */
export const MAX_PROOF_LENGTH = 8192;
/** Longest `jti` accepted. */
export const MAX_JTI_LENGTH = 256;

/** What a proof is checked with. */
export interface ProofSettings {
  readonly algorithms: readonly string[];
  readonly maxAgeSeconds: number;
  readonly clockToleranceSeconds: number;
  readonly nonces: NonceIssuer | undefined;
  readonly nonceRequired: boolean;
}

/** The request a proof must match. */
export interface ProofRequest {
  /** The `DPoP` header value. */
  proof: string;
  /** The access token sent with the proof (for `ath`). */
  token: string;
  /** The request method (`htm`), as received. */
  method: string;
  /** The normalised URL the proof must name (`normalizeHtu`), or `undefined` when unknown. */
  htu: string | undefined;
}

/** A proof that passed every check. */
export interface ValidProof {
  /** RFC 7638 SHA-256 thumbprint of the proof key: what `cnf.jkt` must equal. */
  jkt: string;
  jti: string;
  /** When the proof stops being acceptable (ms since the epoch): the replay entry's lifetime. */
  acceptableUntilMs: number;
}

/** The outcome of a proof check. `cause` is for operators: never the proof. */
export type ProofCheck =
  { kind: 'valid'; proof: ValidProof } | { kind: 'invalid'; reason: ReasonCode; cause: string };

const invalid = (reason: ReasonCode, cause: string): ProofCheck => ({
  kind: 'invalid',
  reason,
  cause,
});

/** The protected header of a proof, when it is one this server takes; else why not. */
function proofHeader(
  proof: string,
  settings: ProofSettings,
): { alg: string; jwk: unknown } | string {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(proof) as Record<string, unknown>;
  } catch {
    return 'not a JWS';
  }
  if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'dpop+jwt') {
    return 'typ is not dpop+jwt';
  }
  if (typeof header.alg !== 'string' || !settings.algorithms.includes(header.alg)) {
    return 'alg is not allowed';
  }
  // RFC 7515 §4.1.11: no extension is understood here (`b64: false` included).
  if (header.crit !== undefined || header.b64 !== undefined) return 'crit or b64 is not supported';
  return { alg: header.alg, jwk: header.jwk };
}

/** The payload of a proof signed by `key`, or why there is none. */
function signedPayload(proof: string, alg: string, key: ProofKey): JWTPayload | string {
  // The signature first, synchronously with node:crypto: a forged proof costs one verify and
  // never a JSON parse of its payload.
  const parts = splitCompact(proof);
  if (!parts || !verifyJws(alg, key.keyObject, parts)) return 'signature invalid';
  try {
    return decodeJwt(proof);
  } catch {
    return 'payload is not a JSON object';
  }
}

/**
 * Checks `request.proof`. `nowMs` is the clock (injectable for tests).
 *
 * @example
 * ```ts
 * const check = await checkProof({ proof, token, method: 'GET', htu: normalizeHtu(url) }, settings);
 * if (check.kind === 'valid') check.proof.jkt; // compare with the token's cnf.jkt
 * ```
 */
export function checkProof(
  request: ProofRequest,
  settings: ProofSettings,
  nowMs: number = Date.now(),
): ProofCheck | Promise<ProofCheck> {
  const { proof } = request;
  if (proof.length === 0 || proof.length > MAX_PROOF_LENGTH) {
    return invalid('dpop_proof_invalid', 'proof is empty or too large');
  }
  const header = proofHeader(proof, settings);
  if (typeof header === 'string') return invalid('dpop_proof_invalid', header);
  // A key seen before is known at once; only a new key's import is waited for.
  const key = proofKeyOf(header.jwk, header.alg);
  if (!isPending(key)) return checkSigned(request, settings, header.alg, key, nowMs);
  return key.then((imported) => checkSigned(request, settings, header.alg, imported, nowMs));
}

/** The checks of a proof once its key is known: signature, claims, time, nonce. */
function checkSigned(
  request: ProofRequest,
  settings: ProofSettings,
  alg: string,
  key: ProofKey | string,
  nowMs: number,
): ProofCheck {
  if (typeof key === 'string') return invalid('dpop_proof_invalid', key);
  const payload = signedPayload(request.proof, alg, key);
  if (typeof payload === 'string') return invalid('dpop_proof_invalid', payload);

  const { jti, htm, htu, ath, iat } = payload as Record<string, unknown>;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    return invalid('dpop_proof_invalid', 'jti is missing, not a string or too long');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    return invalid('dpop_proof_invalid', 'iat is missing or not a number');
  }
  if (typeof htm !== 'string' || typeof htu !== 'string' || typeof ath !== 'string') {
    return invalid('dpop_proof_invalid', 'htm, htu or ath is missing or not a string');
  }
  if (htm !== request.method)
    return invalid('dpop_proof_mismatch', 'htm is not the request method');
  const signedUrl = normalizeHtu(htu);
  if (signedUrl === undefined) return invalid('dpop_proof_invalid', 'htu is not an http(s) URL');
  if (request.htu === undefined || signedUrl !== request.htu) {
    return invalid('dpop_proof_mismatch', 'htu is not the request URL');
  }
  if (!equalDigests(ath, sha256(request.token))) {
    return invalid('dpop_proof_mismatch', 'ath is not the hash of the access token');
  }

  const now = nowMs / 1000;
  if (iat < now - settings.maxAgeSeconds) return invalid('dpop_proof_expired', 'iat is too old');
  if (iat > now + settings.clockToleranceSeconds) {
    return invalid('dpop_proof_expired', 'iat is in the future');
  }

  if (settings.nonces) {
    const state = settings.nonces.check(payload.nonce, nowMs);
    if (state !== 'valid' && (state !== 'missing' || settings.nonceRequired)) {
      return invalid('dpop_nonce_required', `nonce is ${state}`);
    }
  }

  const { jkt } = key;
  const acceptableUntilMs = (iat + settings.maxAgeSeconds + settings.clockToleranceSeconds) * 1000;
  return { kind: 'valid', proof: { jkt, jti, acceptableUntilMs } };
}
