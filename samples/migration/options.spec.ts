/**
 * The guides promise that bearer-guard refuses the peers' option names with a TypeError saying
 * what to write instead.
 */
import { describe, expect, it } from '@jest/globals';
import { bearerAuth, jwtVerifier } from '../../lib/index.js';
import { createTestIssuer } from '../../lib/testing/index.js';

const PEER_OPTIONS = {
  'express-jwt': ['getToken', 'credentialsRequired', 'requestProperty', 'isRevoked'],
  'express-oauth2-jwt-bearer': [
    'issuerBaseURL',
    'tokenSigningAlg',
    'authRequired',
    'validators',
    'cacheMaxAge',
    'agent',
    'getCertificate',
  ],
  'passport-jwt': [
    'secretOrKey',
    'secretOrKeyProvider',
    'jwtFromRequest',
    'ignoreExpiration',
    'passReqToCallback',
  ],
};
const NAMES = Object.entries(PEER_OPTIONS).flatMap(([peer, names]) =>
  names.map((name) => [peer, name] as const),
);

describe('peer option names', () => {
  const issuer = createTestIssuer();
  const jwt = { ...issuer.verifierOptions() };
  const directory = () => ({});

  it.each(NAMES)('%s %s: refused by bearerAuth and jwtVerifier, with advice', (_peer, name) => {
    const middleware = () => bearerAuth({ verifiers: [jwtVerifier(jwt)], directory, [name]: 1 });
    expect(middleware).toThrow(TypeError);
    expect(middleware).toThrow(new RegExp(`^bearerAuth: unknown option "${name}": \\S`));
    const verifier = () => jwtVerifier({ ...jwt, [name]: 1 });
    expect(verifier).toThrow(TypeError);
    expect(verifier).toThrow(new RegExp(`^jwtVerifier: unknown option "${name}": \\S`));
  });
});
