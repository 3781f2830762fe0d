import { describe, it } from '@jest/globals';
import { jwtVerifier } from '../../lib/index.js';
import { buildApp } from '../helpers/app.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import { expectRefusal, INVALID, nonCanonicalTwins, segments, sendToken } from './harness.js';

const rsa = testKey('RS256');
const ec = testKey('ES256');
const corpusApp = () =>
  buildApp({
    verifiers: [jwtVerifier({ jwks: jwksOf(rsa, ec), issuer: ISSUER, audience: AUDIENCE })],
  });

describe('signature attacks', () => {
  // RFC 4648 §3.5 / RFC 7515 §2: a second spelling of a signed token (non-zero pad bits).
  it.each([
    ['RS256 signature', rsa, 2],
    ['ES256 signature', ec, 2],
    ['payload', rsa, 1],
  ])('refuses a non-canonical base64url twin of a valid token (%s)', async (_, key, index) => {
    let twin: string | undefined;
    // Pad the payload until the segment has unused bits to play with.
    for (let n = 0; !twin && n < 3; n++) {
      const parts = segments(await mintJwt({ key, claims: { pad: 'x'.repeat(n) } }));
      const [alternative] = nonCanonicalTwins(parts[index] as string);
      if (alternative) twin = parts.map((p, i) => (i === index ? alternative : p)).join('.');
    }
    if (!twin) throw new Error('no non-canonical twin found');
    const { app, decisions } = corpusApp();
    expectRefusal(await sendToken(app, twin), INVALID, decisions, 'jwt_malformed');
  });
});
