import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jwtVerifier, type JwtVerifierOptions } from '../../lib/index.js';
import { buildApp } from '../helpers/app.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { AUDIENCE, b64url, ISSUER, mintJwt } from '../helpers/tokens.js';
import {
  expectRefusal,
  hmacCompact,
  INVALID,
  segments,
  sendToken,
  signCompact,
  validClaims,
} from './harness.js';

const rsa = testKey('RS256');
const ec = testKey('ES256');
const ed = testKey('EdDSA');
let jwksServer: JsonServer;

beforeAll(async () => {
  jwksServer = await startJsonServer(() => ({ json: jwksOf(rsa, ec, ed) }));
});
afterAll(() => jwksServer.close());

const expected = { issuer: ISSUER, audience: AUDIENCE };
/** Every key source, so an attack is tried against each way keys can be configured. */
const SOURCES: Array<[string, () => JwtVerifierOptions]> = [
  ['publicKey PEM', () => ({ publicKey: rsa.publicPem, ...expected })],
  ['publicKey JWK', () => ({ publicKey: rsa.publicJwk, ...expected })],
  ['static jwks', () => ({ jwks: jwksOf(rsa, ec, ed), ...expected })],
  ['remote jwksUri', () => ({ jwksUri: `${jwksServer.url}/jwks`, ...expected })],
];
const appFor = (options: JwtVerifierOptions) => buildApp({ verifiers: [jwtVerifier(options)] });

describe('algorithm confusion', () => {
  // RFC 8725 §2.1 / CVE-2015-9235 (jsonwebtoken): HS256 keyed with the RSA public key PEM.
  it.each(SOURCES)(
    'refuses RS→HS256 with the public key PEM as HMAC secret (%s)',
    async (_, options) => {
      const { app, decisions } = appFor(options());
      const token = hmacCompact(
        rsa.publicPem,
        { alg: 'HS256', typ: 'JWT', kid: rsa.kid },
        validClaims(),
      );
      expectRefusal(await sendToken(app, token), INVALID, decisions, 'algorithm_not_allowed');
    },
  );

  // RFC 8725 §2.1 / CVE-2016-10555 (jwt-simple): the secret is the key's JWK, DER or PEM without newline.
  it.each([
    ['JWK JSON', JSON.stringify(rsa.publicJwk)],
    ['SPKI DER', rsa.publicKey.export({ format: 'der', type: 'spki' })],
    ['trimmed PEM', rsa.publicPem.trim()],
    ['PKCS#1 PEM', rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }).toString()],
  ] as Array<[string, string | Buffer]>)(
    'refuses RS→HS384/512 keyed with the %s',
    async (_, secret) => {
      for (const alg of ['HS384', 'HS512']) {
        const { app, decisions } = appFor({ jwks: jwksOf(rsa), ...expected });
        const token = hmacCompact(secret, { alg, kid: rsa.kid }, validClaims());
        expectRefusal(await sendToken(app, token), INVALID, decisions, 'algorithm_not_allowed');
      }
    },
  );

  // RFC 8725 §2.1 / CVE-2016-10555 class: ES256 public key used as an HS256 secret.
  it('refuses ES→HS256 with the EC public key PEM as HMAC secret', async () => {
    const { app, decisions } = appFor({ publicKey: ec.publicPem, ...expected });
    const token = hmacCompact(ec.publicPem, { alg: 'HS256', kid: ec.kid }, validClaims());
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'algorithm_not_allowed');
  });

  // RFC 8725 §2.1, §3.1 / CVE-2015-9235: "alg":"none" in any casing, with and without a signature.
  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'refuses alg "%s" with an empty or a copied signature',
    async (alg) => {
      const valid = segments(await mintJwt({ key: rsa }));
      for (const signature of ['', valid[2]]) {
        for (const [, options] of SOURCES) {
          const { app, decisions } = appFor(options());
          const token = `${b64url({ alg, typ: 'JWT' })}.${b64url(validClaims())}.${signature}`;
          expectRefusal(await sendToken(app, token), INVALID, decisions, 'algorithm_not_allowed');
        }
      }
    },
  );

  // RFC 7515 §4.1.1: "alg" is required; a header without it, correctly signed, is malformed.
  it.each(SOURCES)('refuses a header without "alg" (%s)', async (_, options) => {
    const { app, decisions } = appFor(options());
    const token = signCompact(
      rsa,
      JSON.stringify({ typ: 'JWT', kid: rsa.kid }),
      JSON.stringify(validClaims()),
      'RS256',
    );
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'jwt_malformed');
  });

  // RFC 8725 §3.1: a key is used with one algorithm; PS256 over a key published for RS256.
  it.each([
    ['publicKey JWK with alg RS256', { publicKey: rsa.publicJwk }, 'algorithm_not_allowed'],
    ['static jwks with alg RS256', { jwks: jwksOf(rsa) }, 'algorithm_not_allowed'],
    [
      'PEM with algorithms: [RS256]',
      { publicKey: rsa.publicPem, algorithms: ['RS256'] },
      'algorithm_not_allowed',
    ],
  ] as Array<[string, JwtVerifierOptions, string]>)(
    'refuses PS256 signed by the right key (%s)',
    async (_, options, reason) => {
      const { app, decisions } = appFor({ ...options, ...expected });
      const token = await mintJwt({ key: rsa, header: { alg: 'PS256' } });
      expectRefusal(await sendToken(app, token), INVALID, decisions, reason);
    },
  );

  // RFC 8725 §3.1: a remote key set's "alg" binds too, even though the set allows every family.
  it('refuses PS256 signed by a remote key whose JWK says RS256', async () => {
    const { app, decisions } = appFor(SOURCES[3]![1]());
    const token = await mintJwt({ key: rsa, header: { alg: 'PS256' } });
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'key_not_found');
  });

  // RFC 8725 §3.1 / RFC 7518 §3.4: ES384/ES512 header over a P-256 key, EdDSA header over an RSA key.
  it.each([
    ['ES384 header, P-256 key', ec, 'ES384', 'algorithm_not_allowed'],
    ['EdDSA header, RSA key', rsa, 'EdDSA', 'key_not_found'],
    ['RS256 header, Ed25519 key', ed, 'RS256', 'key_not_found'],
  ] as const)('refuses a mismatched curve or family (%s)', async (_, key, alg, reason) => {
    const { app, decisions } = appFor({ jwks: jwksOf(rsa, ec, ed), ...expected });
    const token = `${b64url({ alg, kid: key.kid })}.${b64url(validClaims())}.${segments(await mintJwt({ key }))[2]}`;
    expectRefusal(await sendToken(app, token), INVALID, decisions, reason);
  });

  // RFC 7517 §4.2, §4.3: a key marked for encryption ("use":"enc") or without "verify" in key_ops.
  it.each([
    ['use: enc', { use: 'enc' }],
    ['key_ops: [encrypt]', { use: undefined, key_ops: ['encrypt'] }],
  ])(
    'refuses a token whose only matching key is not a verification key (%s)',
    async (_, change) => {
      for (const via of ['static', 'remote'] as const) {
        const set = { keys: [{ ...rsa.publicJwk, ...change }] };
        const server = await startJsonServer(() => ({ json: set }));
        try {
          const options: JwtVerifierOptions =
            via === 'static'
              ? { jwks: set, ...expected }
              : { jwksUri: `${server.url}/jwks`, ...expected };
          const { app, decisions } = appFor(options);
          expectRefusal(
            await sendToken(app, await mintJwt({ key: rsa })),
            INVALID,
            decisions,
            'key_not_found',
          );
        } finally {
          await server.close();
        }
      }
    },
  );

  // RFC 8725 §3.1: HMAC with a public key, and "none", cannot even be configured.
  it.each([
    [
      'HS256',
      'jwtVerifier: "algorithms" option must not contain "HS256" with a public key: HMAC needs the "secret" option',
    ],
    ['none', 'jwtVerifier: "algorithms" option must not contain "none"'],
    ['NONE', 'jwtVerifier: "algorithms" option must not contain "NONE"'],
  ])('refuses to construct a verifier allowing %s', (alg, message) => {
    expect(() => jwtVerifier({ publicKey: rsa.publicPem, algorithms: [alg], ...expected })).toThrow(
      new TypeError(message),
    );
  });

  // RFC 8725 §2.1: a symmetric (oct) key is refused, so HMAC has nothing to be keyed with.
  it('refuses to construct a verifier from a symmetric JWK', () => {
    expect(() =>
      jwtVerifier({
        jwks: { keys: [{ kty: 'oct', k: b64url('secret'), kid: 'h' }] },
        ...expected,
      }),
    ).toThrow(new TypeError('jwtVerifier: "jwks" option holds a symmetric (oct) key (kid "h")'));
  });
});
