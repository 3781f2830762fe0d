/**
 * A DPoP-protected test API on 127.0.0.1: the usual Jira-style app (`buildApp`) with a local JWT
 * issuer, listening on a real port so proofs can name its URL.
 */
import type { Express } from 'express';
import request from 'supertest';
import { jwtVerifier, type BearerAuthOptions, type Decision } from '../../lib/index.js';
import type { DpopOptions } from '../../lib/binding/dpop-options.js';
import { buildApp, MYSELF } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { listen } from '../helpers/listen.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import { makeProof, type ProofKey, type ProofParts } from '../helpers/dpop.js';

export { MYSELF };

export interface DpopApi {
  app: Express;
  url: string;
  /** The full URL of `GET /rest/api/2/myself`. */
  myself: string;
  decisions: Decision[];
  close(): Promise<void>;
  /** A GET of MYSELF with `Authorization: <scheme> <token>` and the given proofs. */
  get(token: string, proofs: string[], scheme?: string): request.Test;
}

/** Starts the API with `dpop` (or without, when `undefined`). */
export async function startDpopApi(
  dpop: DpopOptions | undefined,
  extra: Partial<BearerAuthOptions> = {},
): Promise<DpopApi> {
  const verifier = jwtVerifier({
    publicKey: testKey('RS256').publicPem,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const { app, decisions } = buildApp({
    verifiers: [verifier],
    ...(dpop === undefined ? {} : { dpop }),
    ...extra,
  });
  const server = await listen(app);
  return {
    app,
    url: server.url,
    myself: `${server.url}${MYSELF}`,
    decisions,
    close: server.close,
    get(token, proofs, scheme = 'DPoP') {
      let req = request(server.url).get(MYSELF).set('Authorization', `${scheme} ${token}`);
      if (proofs.length === 1) req = req.set('DPoP', proofs[0] as string);
      else if (proofs.length > 1) req = req.set('DPoP', proofs as unknown as string); // two header lines
      return req;
    },
  };
}

/** A JWT for user `admin`, bound to `key` (or unbound with `null`). */
export function boundToken(key: ProofKey | null, claims: Record<string, unknown> = {}) {
  return mintJwt({ claims: { ...(key ? { cnf: { jkt: key.jkt } } : {}), ...claims } });
}

/** A proof for GET MYSELF on `api` with `token`. */
export function proofFor(
  api: DpopApi,
  key: ProofKey,
  token: string,
  over: Partial<ProofParts> = {},
): Promise<string> {
  return makeProof({ key, url: api.myself, token, ...over });
}

/** The WWW-Authenticate header, lines joined. */
export function challengeOf(res: { headers: Record<string, unknown> }): string {
  const value = res.headers['www-authenticate'];
  return Array.isArray(value) ? value.join(', ') : String(value ?? '');
}
