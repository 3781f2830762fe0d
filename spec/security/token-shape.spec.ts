import { describe, it } from '@jest/globals';
import { CompactEncrypt } from 'jose';
import { jwtVerifier, type JwtVerifierOptions } from '../../lib/index.js';
import { buildApp } from '../helpers/app.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { AUDIENCE, b64url, ISSUER, mintJwt, secondsFromNow } from '../helpers/tokens.js';
import {
  EXPIRED,
  expectRefusal,
  INVALID,
  segments,
  sendToken,
  signCompact,
  validClaims,
} from './harness.js';

const rsa = testKey('RS256');
const appFor = (extra: Partial<JwtVerifierOptions> = {}) =>
  buildApp({
    verifiers: [jwtVerifier({ jwks: jwksOf(rsa), issuer: ISSUER, audience: AUDIENCE, ...extra })],
  });
const HEADER = JSON.stringify({ alg: 'RS256', kid: rsa.kid, typ: 'JWT' });
const signed = (payload: string, header = HEADER) => signCompact(rsa, header, payload, 'RS256');
/** Valid claims as JSON text, with extra raw members spliced in before the closing brace. */
const claimsText = (raw: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify(validClaims(extra)).slice(0, -1)},${raw}}`;

describe('nested and encrypted tokens', () => {
  // RFC 8725 §3.3 / §2.3: a JWS whose payload is another JWS (cty "JWT") is not unwrapped.
  it('refuses a JWS nesting a valid JWS as its payload', async () => {
    const { app, decisions } = appFor();
    const inner = await mintJwt({ key: rsa });
    const token = signed(inner, JSON.stringify({ alg: 'RS256', kid: rsa.kid, cty: 'JWT' }));
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'jwt_malformed');
  });

  // RFC 8725 §2.3 (incorrect composition of encryption and signature): a JWE is not a JWS.
  it('refuses a JWE (five segments) where a JWS is expected', async () => {
    const { app, decisions } = appFor();
    const inner = await mintJwt({ key: rsa });
    const token = await new CompactEncrypt(new TextEncoder().encode(inner))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(rsa.publicKey);
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'token_unrecognized');
  });

  // RFC 8725 §2.3: a JWE-shaped header on a three-segment token.
  it('refuses a three-segment token whose header is a JWE header', async () => {
    const { app, decisions } = appFor();
    const token = signed(
      JSON.stringify(validClaims()),
      JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' }),
    );
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'algorithm_not_allowed');
  });
});

describe('duplicate JSON members', () => {
  // RFC 7515 §4 / RFC 7519 §4: duplicate names, last one wins everywhere; forged copies stay forged.
  it('refuses a forged header {"alg":"RS256","alg":"none"} without signature', async () => {
    const { app, decisions } = appFor();
    const token = `${b64url('{"alg":"RS256","kid":"rs256-1","alg":"none"}')}.${b64url(validClaims())}.`;
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'algorithm_not_allowed');
  });

  // RFC 7515 §4: {"alg":"none","alg":"RS256"} with a signature copied from a valid token.
  it('refuses a forged header {"alg":"none","alg":"RS256"} with a transplanted signature', async () => {
    const { app, decisions } = appFor();
    const valid = segments(await mintJwt({ key: rsa }));
    const token = `${b64url('{"alg":"none","kid":"rs256-1","alg":"RS256"}')}.${valid[1]}.${valid[2]}`;
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'signature_invalid');
  });

  // RFC 7519 §4: a payload with a duplicated "sub" and a signature from another token.
  it('refuses a payload with duplicate members and a transplanted signature', async () => {
    const { app, decisions } = appFor();
    const valid = segments(await mintJwt({ key: rsa }));
    const payload = claimsText('"sub":"admin","preferred_username":"admin"');
    const token = `${valid[0]}.${b64url(payload)}.${valid[2]}`;
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'signature_invalid');
  });

  // RFC 7519 §4: signed "exp" twice: the last (past) one is the one checked.
  it('reads the last of duplicate signed "exp" members, as the signature check does', async () => {
    const { app, decisions } = appFor();
    const token = signed(claimsText(`"exp":${secondsFromNow(-600)}`));
    expectRefusal(await sendToken(app, token), EXPIRED, decisions, 'token_expired');
  });

  // RFC 7519 §4 + RFC 8725 §3.8: signed "iss" twice, ours then foreign: the token is not ours.
  it('reads the last of duplicate signed "iss" members when deciding ownership', async () => {
    const { app, decisions } = appFor();
    const token = signed(claimsText('"iss":"https://evil.example.test"'));
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'issuer_mismatch');
  });

  // RFC 7515 §4: duplicate "alg" in a signed header, RS256 last: "crit"-free, but kid doubled to an unknown one.
  it('reads the last of duplicate signed "kid" members for key selection', async () => {
    const { app, decisions } = appFor();
    const header = `{"alg":"RS256","kid":"${rsa.kid}","kid":"unknown"}`;
    expectRefusal(
      await sendToken(app, signed(JSON.stringify(validClaims()), header)),
      INVALID,
      decisions,
      'key_not_found',
    );
  });
});

describe('header extensions', () => {
  // RFC 7515 §4.1.11: an unknown "crit" extension must make the token invalid.
  it.each([
    ['unknown extension', { crit: ['exp-policy'], 'exp-policy': 1 }],
    ['crit naming an absent member', { crit: ['nope'] }],
    ['empty crit', { crit: [] }],
    ['crit not an array', { crit: 'b64' }],
  ])('refuses a signed header with %s', async (_, extra) => {
    const { app, decisions } = appFor();
    const token = signed(
      JSON.stringify(validClaims()),
      JSON.stringify({ alg: 'RS256', kid: rsa.kid, ...extra }),
    );
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'crit_unsupported');
  });

  // RFC 7797 §3, §6: an unencoded payload ("b64": false) is never a JWT.
  it('refuses "b64": false with crit, signed over the raw payload', async () => {
    const { app, decisions } = appFor();
    const header = b64url({ alg: 'RS256', kid: rsa.kid, b64: false, crit: ['b64'] });
    const raw = JSON.stringify(validClaims());
    const { sign } = await import('node:crypto');
    const sig = sign('sha256', Buffer.from(`${header}.${raw}`), rsa.privateKey).toString(
      'base64url',
    );
    const token = `${header}.${b64url(raw)}.${sig}`;
    expectRefusal(await sendToken(app, token), INVALID, decisions, 'crit_unsupported');
  });

  // RFC 7797 §6: "b64": false without "crit" is ignored by a compliant parser: the signature fails.
  it('refuses "b64": false without crit, signed over the raw payload', async () => {
    const { app, decisions } = appFor();
    const header = b64url({ alg: 'RS256', kid: rsa.kid, b64: false });
    const raw = JSON.stringify(validClaims());
    const { sign } = await import('node:crypto');
    const sig = sign('sha256', Buffer.from(`${header}.${raw}`), rsa.privateKey).toString(
      'base64url',
    );
    expectRefusal(
      await sendToken(app, `${header}.${b64url(raw)}.${sig}`),
      INVALID,
      decisions,
      'signature_invalid',
    );
  });
});

describe('claims of the wrong type', () => {
  // RFC 7519 §2 (NumericDate), §4.1; RFC 9068 §2.2.3 (scope is a string).
  it.each([
    ['exp as a string', { exp: String(secondsFromNow(3600)) }, 'claim_invalid'],
    ['exp as null', { exp: null }, 'claim_invalid'],
    ['nbf as a string', { nbf: '0' }, 'claim_invalid'],
    ['nbf far in the future', { nbf: 1e15 }, 'token_not_yet_valid'],
    ['iat as a string', { iat: 'now' }, 'claim_invalid'],
    ['aud as an object', { aud: { 0: AUDIENCE } }, 'audience_mismatch'],
    ['aud as an array of objects', { aud: [{ aud: AUDIENCE }] }, 'audience_mismatch'],
    ['iss as an array', { iss: [ISSUER] }, 'issuer_mismatch'],
    ['scope as an array', { scope: ['read', 'write'] }, 'claim_invalid'],
    ['scope as a number', { scope: 1 }, 'claim_invalid'],
    ['scp as an object', { scp: { read: true } }, 'claim_invalid'],
    ['sub as a number', { sub: 1 }, 'claim_invalid'],
    ['sub as an object', { sub: { id: 'admin' } }, 'claim_invalid'],
    ['email as an array', { email: ['admin@gmail.com'] }, 'claim_invalid'],
    ['client_id as a number', { client_id: 42 }, 'claim_invalid'],
    ['client_id as a number next to azp', { client_id: 42, azp: 'svc-reporting' }, 'claim_invalid'],
    ['azp as an array', { azp: ['svc-reporting'] }, 'claim_invalid'],
  ])('refuses a signed token with %s', async (_, claims, reason) => {
    const { app, decisions } = appFor();
    expectRefusal(
      await sendToken(app, await mintJwt({ key: rsa, claims })),
      INVALID,
      decisions,
      reason,
    );
  });

  // RFC 7519 §7.2 step 10: the payload must be a JSON object.
  it.each([
    ['an array', '[{"sub":"admin"}]'],
    ['a string', '"admin"'],
    ['a number', '42'],
    ['null', 'null'],
    ['not JSON', 'sub=admin'],
    ['UTF-16 JSON', Buffer.from(JSON.stringify(validClaims()), 'utf16le').toString('latin1')],
  ])('refuses a signed payload that is %s', async (_, payload) => {
    const { app, decisions } = appFor();
    expectRefusal(await sendToken(app, signed(payload)), INVALID, decisions, 'jwt_malformed');
  });
});

describe('issuer and audience look-alikes', () => {
  // RFC 8725 §3.8 + Unicode TR #36 §2 (confusables): iss compared as exact code points.
  it.each([
    ['Cyrillic а', 'https://id.exаmple.test'],
    ['trailing slash', `${ISSUER}/`],
    ['upper case', ISSUER.toUpperCase()],
    ['trailing dot host', 'https://id.example.test.'],
    ['zero-width space', `${ISSUER}\u200b`],
    ['full-width colon', 'https\uff1a//id.example.test'],
    ['userinfo prefix', 'https://id.example.test@evil.example'],
  ])('passes on an iss look-alike (%s) and nothing accepts it', async (_, iss) => {
    const { app, decisions } = appFor();
    expectRefusal(
      await sendToken(app, await mintJwt({ key: rsa, claims: { iss } })),
      INVALID,
      decisions,
      'issuer_mismatch',
    );
  });

  // RFC 8725 §3.9: aud compared exactly, too.
  it.each([
    ['Cyrillic а', 'https://api.exаmple.test'],
    ['trailing slash', `${AUDIENCE}/`],
    ['upper case', AUDIENCE.toUpperCase()],
    ['NFD-decomposed look-alike', 'https://api.example.test\u0301'],
    ['prefix', 'https://api.example.test.evil.example'],
  ])('refuses an aud look-alike (%s)', async (_, aud) => {
    const { app, decisions } = appFor();
    expectRefusal(
      await sendToken(app, await mintJwt({ key: rsa, claims: { aud } })),
      INVALID,
      decisions,
      'audience_mismatch',
    );
  });
});

describe('token kinds', () => {
  // RFC 8725 §3.12: an opaque token that merely looks like a JWT is not one.
  it.each([
    ['three random segments', 'abc.def.ghi', 'token_unrecognized'],
    [
      'a JWT-like header over an opaque payload',
      `${b64url({ alg: 'RS256' })}.opaque.value`,
      'jwt_malformed',
    ],
    [
      'a base64url header that is not JSON',
      `${b64url('alg=RS256')}.${b64url('{}')}.sig`,
      'token_unrecognized',
    ],
    ['four segments', 'a.b.c.d', 'token_unrecognized'],
    ['dots only', '..', 'token_unrecognized'],
  ])('refuses an opaque token that looks like a JWT (%s)', async (_, token, reason) => {
    const { app, decisions } = appFor();
    expectRefusal(await sendToken(app, token), INVALID, decisions, reason);
  });

  // RFC 8725 §3.11, §2.8 (cross-JWT confusion): an ID token is not an access token when typ is pinned.
  it.each([
    ['typ JWT', { typ: 'JWT' }],
    ['no typ', { typ: undefined }],
    ['typ application/jwt', { typ: 'application/jwt' }],
  ])('refuses a token whose typ is not at+jwt when typ is pinned (%s)', async (_, header) => {
    const { app, decisions } = appFor({ typ: 'at+jwt' });
    expectRefusal(
      await sendToken(app, await mintJwt({ key: rsa, header })),
      INVALID,
      decisions,
      'typ_mismatch',
    );
  });
});
