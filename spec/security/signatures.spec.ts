import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { jwtVerifier } from '../../lib/index.js';
import { buildApp } from '../helpers/app.js';
import { jwksOf, testKey, type TestKey } from '../helpers/keys.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';
import {
  expectRefusal,
  INVALID,
  nonCanonicalTwins,
  segments,
  sendToken,
  signCompact,
  validClaims,
} from './harness.js';

/** Order of the P-256 group (FIPS 186-4 D.1.2.3): ECDSA's r and s live in [1, n-1]. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const int32 = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
const withSignature = (token: string, signature: Buffer): string =>
  `${segments(token).slice(0, 2).join('.')}.${signature.toString('base64url')}`;
const signatureOf = (token: string): Buffer => Buffer.from(segments(token)[2], 'base64url');

/** A DER ECDSA-Sig-Value (RFC 3279 §2.2.3) of a raw r||s: what X.509 tooling emits, not JOSE. */
function derSignature(raw: Buffer): Buffer {
  const integer = (bytes: Buffer) => {
    let trimmed = bytes;
    while (trimmed.length > 1 && trimmed[0] === 0 && (trimmed[1] as number) < 0x80)
      trimmed = trimmed.subarray(1);
    if ((trimmed[0] as number) >= 0x80) trimmed = Buffer.concat([Buffer.from([0]), trimmed]);
    return Buffer.concat([Buffer.from([0x02, trimmed.length]), trimmed]);
  };
  const body = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

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

describe('signature stripping and truncation', () => {
  // CVE-2020-28042 (ServiceStack): a JWT with its signature removed.
  it('refuses a token with an empty signature segment', async () => {
    const { app, decisions } = corpusApp();
    const token = `${segments(await mintJwt())
      .slice(0, 2)
      .join('.')}.`;
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'signature_invalid');
  });

  // CVE-2020-28042 variant: no third segment at all is not a JWS, and nothing else knows it.
  it('refuses a token with the signature segment dropped', async () => {
    const { app, decisions } = corpusApp();
    const token = segments(await mintJwt())
      .slice(0, 2)
      .join('.');
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'token_unrecognized');
  });

  // RFC 8017 §8.2.2 step 1 (RSA signature length must be k) and RFC 7518 §3.4 (ES256 is 64 bytes).
  it.each([
    ['RS256 minus one byte', rsa, (sig: Buffer) => sig.subarray(0, -1)],
    ['RS256 first half', rsa, (sig: Buffer) => sig.subarray(0, sig.length / 2)],
    ['RS256 one byte', rsa, (sig: Buffer) => sig.subarray(0, 1)],
    ['ES256 minus one byte', ec, (sig: Buffer) => sig.subarray(0, -1)],
    ['ES256 r only', ec, (sig: Buffer) => sig.subarray(0, 32)],
    ['ES256 with a byte appended', ec, (sig: Buffer) => Buffer.concat([sig, Buffer.from([0])])],
  ] as Array<[string, TestKey, (sig: Buffer) => Buffer]>)(
    'refuses a truncated signature (%s)',
    async (_, key, cut) => {
      const { app, decisions } = corpusApp();
      const token = await mintJwt({ key });
      expectRefusal(
        await sendToken(app, withSignature(token, cut(signatureOf(token)))),
        INVALID,
        decisions,
        'signature_invalid',
      );
    },
  );
});

describe('ECDSA edge values', () => {
  // CVE-2022-21449 ("psychic signatures", Java 15-18): r = 0 and s = 0 verify any message.
  it.each([
    ['r = 0, s = 0', () => Buffer.alloc(64)],
    ['r = n, s = n', () => Buffer.concat([int32(P256_N), int32(P256_N)])],
    ['r = 0, s = valid', (sig: Buffer) => Buffer.concat([Buffer.alloc(32), sig.subarray(32)])],
    ['r = valid, s = 0', (sig: Buffer) => Buffer.concat([sig.subarray(0, 32), Buffer.alloc(32)])],
    ['r = s = 1', () => Buffer.concat([int32(1n), int32(1n)])],
  ] as Array<[string, (sig: Buffer) => Buffer]>)(
    'refuses a psychic signature (%s)',
    async (_, make) => {
      const { app, decisions } = corpusApp();
      const token = await mintJwt({ key: ec });
      expectRefusal(
        await sendToken(app, withSignature(token, make(signatureOf(token)))),
        INVALID,
        decisions,
        'signature_invalid',
      );
    },
  );

  // RFC 7518 §3.4: JOSE ECDSA signatures are raw r||s; the DER form of a valid signature is refused.
  it('refuses a valid ECDSA signature in DER encoding', async () => {
    const { app, decisions } = corpusApp();
    const token = await mintJwt({ key: ec });
    expectRefusal(
      await sendToken(app, withSignature(token, derSignature(signatureOf(token)))),
      INVALID,
      decisions,
      'signature_invalid',
    );
  });

  // ECDSA malleability (SEC 1 §4.1.4; BIP 62 "low S"): (r, n - s) also verifies. Not refused, on
  // purpose: common signers (OpenSSL, Node, most HSMs) emit high s half the time, so refusing it
  // would refuse valid tokens. The twin names exactly the same signed claims, and bearer-guard keys
  // nothing security-relevant on the token string (a cache miss is the only difference).
  it('treats a high-s twin of a valid ES256 token as the same signed claims, nothing more', async () => {
    const { app, decisions } = corpusApp();
    const token = await mintJwt({ key: ec });
    const sig = signatureOf(token);
    const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
    const twin = withSignature(token, Buffer.concat([sig.subarray(0, 32), int32(P256_N - s)]));
    expect(twin).not.toBe(token);
    await sendToken(app, token).then((res) => expect(res.status).toBe(200));
    await sendToken(app, twin).then((res) => expect(res.status).toBe(200));
    expect(decisions.map((d) => [d.outcome, d.subject])).toEqual([
      ['accept', 'user-1'],
      ['accept', 'user-1'],
    ]);
  });
});

describe('RSA keys shorter than 2048 bits', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const weakJwk = {
    ...(weak.publicKey.export({ format: 'jwk' }) as JWK),
    kid: 'weak',
    alg: 'RS256',
  };
  const weakKey: TestKey = {
    alg: 'RS256',
    kid: 'weak',
    privateKey: weak.privateKey,
    publicKey: weak.publicKey,
    publicJwk: weakJwk,
    publicPem: weak.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
  const TOO_SMALL = 'an RSA key of 1024 bits (at least 2048 are required)';
  let remote: JsonServer;
  beforeAll(async () => {
    remote = await startJsonServer(() => ({ json: { keys: [weakJwk, rsa.publicJwk] } }));
  });
  afterAll(() => remote.close());

  // RFC 7518 §3.3 ("A key of size 2048 bits or larger MUST be used"), RFC 8725 §3.5.
  it.each([
    ['PEM', () => ({ publicKey: weakKey.publicPem })],
    ['JWK', () => ({ publicKey: weakJwk })],
    ['KeyObject', () => ({ publicKey: weak.publicKey })],
  ])('refuses to construct a verifier from a 1024-bit %s', (_, options) => {
    expect(() => jwtVerifier({ ...options(), issuer: false, audience: false })).toThrow(
      new TypeError(`jwtVerifier: "publicKey" option is ${TOO_SMALL}`),
    );
  });

  // RFC 7518 §3.3: the same in a static JWK Set.
  it('refuses to construct a verifier from a JWK Set holding a 1024-bit key', () => {
    expect(() =>
      jwtVerifier({ jwks: { keys: [weakJwk, rsa.publicJwk] }, issuer: false, audience: false }),
    ).toThrow(new TypeError(`jwtVerifier: "jwks" option holds ${TOO_SMALL} (kid "weak")`));
  });

  // RFC 7518 §3.3: a remote JWK Set's 1024-bit member is dropped, its strong members still work.
  it('refuses a token signed by a 1024-bit key of a remote JWK Set', async () => {
    const { app, decisions } = buildApp({
      verifiers: [
        jwtVerifier({ jwksUri: `${remote.url}/jwks`, issuer: ISSUER, audience: AUDIENCE }),
      ],
    });
    expectRefusal(
      // jose will not even sign with it; node:crypto will.
      await sendToken(
        app,
        signCompact(
          weakKey,
          JSON.stringify({ alg: 'RS256', kid: 'weak' }),
          JSON.stringify(validClaims()),
        ),
      ),
      INVALID,
      decisions,
      'key_not_found',
    );
    await sendToken(app, await mintJwt({ key: rsa })).then((res) => expect(res.status).toBe(200));
  });
});
