/**
 * The proof stage on its own (RFC 9449 §4.3): every check a proof must pass, and the reason
 * code of each refusal. Pure: no server, no replay store.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { normalizeDpopOptions } from '../../lib/binding/dpop-options.js';
import { checkProof, type ProofCheck } from '../../lib/binding/dpop-proof.js';
import { normalizeHtu } from '../../lib/binding/dpop-htu.js';
import { memoryReplayStore } from '../../lib/binding/replay-memory.js';
import { ath, makeProof, proofKey, unsignedProof, type ProofKey } from '../helpers/dpop.js';

const URL_ = 'https://api.example.com/rest/api/2/myself';
const TOKEN = 'access-token-abc';
const settings = normalizeDpopOptions({})!;

let key: ProofKey;
let other: ProofKey;
beforeAll(async () => {
  key = await proofKey('ES256');
  other = await proofKey('ES256');
});

const check = (proof: string, over: { method?: string; url?: string; token?: string } = {}) =>
  checkProof(
    {
      proof,
      token: over.token ?? TOKEN,
      method: over.method ?? 'GET',
      htu: normalizeHtu(over.url ?? URL_),
    },
    settings,
  );

const reasonOf = (result: ProofCheck) => (result.kind === 'invalid' ? result.reason : 'valid');

describe('a valid proof', () => {
  it.each(['ES256', 'EdDSA', 'RS256', 'PS256'] as const)(
    '%s: valid, with its key thumbprint',
    async (alg) => {
      const k = await proofKey(alg);
      const result = await check(await makeProof({ key: k, url: URL_, token: TOKEN }));
      expect(result).toEqual({
        kind: 'valid',
        proof: { jkt: k.jkt, jti: expect.any(String), acceptableUntilMs: expect.any(Number) },
      });
    },
  );

  it('is acceptable until iat + maxAgeSeconds + clockToleranceSeconds', async () => {
    const iat = Math.floor(Date.now() / 1000) - 10;
    const result = await check(await makeProof({ key, url: URL_, token: TOKEN, iat }));
    expect(result.kind === 'valid' && result.proof.acceptableUntilMs).toBe((iat + 125) * 1000);
  });
});

describe('htu (RFC 9449 §4.3, RFC 3986 §6.2.2)', () => {
  it.each([
    ['query and fragment ignored', `${URL_}?a=1#frag`, URL_],
    ['default port and host case', 'https://API.Example.COM:443/rest/api/2/myself', URL_],
    ['scheme case', 'HTTPS://api.example.com/rest/api/2/myself', URL_],
    [
      'percent-encoding case',
      'https://api.example.com/rest/a%2fb',
      'https://api.example.com/rest/a%2Fb',
    ],
    ['unreserved decoded', 'https://api.example.com/%7Euser', 'https://api.example.com/~user'],
  ])('%s: accepted', async (_name, signed, requested) => {
    const result = await check(await makeProof({ key, url: signed, token: TOKEN }), {
      url: requested,
    });
    expect(result.kind).toBe('valid');
  });

  it.each([
    ['another path', 'https://api.example.com/rest/api/2/issue'],
    ['another host', 'https://evil.example.com/rest/api/2/myself'],
    ['another scheme', 'http://api.example.com/rest/api/2/myself'],
    ['another port', 'https://api.example.com:8443/rest/api/2/myself'],
  ])('%s: dpop_proof_mismatch', async (_name, signed) => {
    expect(reasonOf(await check(await makeProof({ key, url: signed, token: TOKEN })))).toBe(
      'dpop_proof_mismatch',
    );
  });

  it('a request whose URL cannot be known matches nothing', async () => {
    const proof = await makeProof({ key, url: URL_, token: TOKEN });
    const result = await checkProof(
      { proof, token: TOKEN, method: 'GET', htu: undefined },
      settings,
    );
    expect(reasonOf(result)).toBe('dpop_proof_mismatch');
  });
});

describe('bad proofs', () => {
  const cases: Array<[string, () => Promise<string>, string]> = [
    [
      'another method',
      () => makeProof({ key, url: URL_, token: TOKEN, method: 'POST' }),
      'dpop_proof_mismatch',
    ],
    [
      'another token (ath)',
      () => makeProof({ key, url: URL_, token: 'other-token' }),
      'dpop_proof_mismatch',
    ],
    ['no ath', () => makeProof({ key, url: URL_, token: null }), 'dpop_proof_invalid'],
    [
      'signed by another key',
      () => makeProof({ key, url: URL_, token: TOKEN, signWith: other.privateKey }),
      'dpop_proof_invalid',
    ],
    [
      'a private jwk',
      () =>
        makeProof({
          key,
          url: URL_,
          token: TOKEN,
          header: { jwk: key.privateKey.export({ format: 'jwk' }) },
        }),
      'dpop_proof_invalid',
    ],
    ['alg none', async () => unsignedProof({ key, url: URL_, token: TOKEN }), 'dpop_proof_invalid'],
    [
      'HS256',
      () => makeProof({ key, url: URL_, token: TOKEN, alg: 'HS256', signWith: randomBytes(32) }),
      'dpop_proof_invalid',
    ],
    [
      'typ missing',
      () => makeProof({ key, url: URL_, token: TOKEN, header: { typ: undefined } }),
      'dpop_proof_invalid',
    ],
    [
      'typ JWT',
      () => makeProof({ key, url: URL_, token: TOKEN, header: { typ: 'JWT' } }),
      'dpop_proof_invalid',
    ],
    [
      'no jwk',
      () => makeProof({ key, url: URL_, token: TOKEN, header: { jwk: undefined } }),
      'dpop_proof_invalid',
    ],
    [
      'iat too old',
      () => makeProof({ key, url: URL_, token: TOKEN, iat: Math.floor(Date.now() / 1000) - 121 }),
      'dpop_proof_expired',
    ],
    [
      'iat too far ahead',
      () => makeProof({ key, url: URL_, token: TOKEN, iat: Math.floor(Date.now() / 1000) + 60 }),
      'dpop_proof_expired',
    ],
    [
      'jti missing',
      () => makeProof({ key, url: URL_, token: TOKEN, jti: null }),
      'dpop_proof_invalid',
    ],
    [
      'jti not a string',
      () => makeProof({ key, url: URL_, token: TOKEN, claims: { jti: 42 } }),
      'dpop_proof_invalid',
    ],
    [
      'jti 257 characters',
      () => makeProof({ key, url: URL_, token: TOKEN, jti: 'j'.repeat(257) }),
      'dpop_proof_invalid',
    ],
    [
      'jti 10 KB',
      () => makeProof({ key, url: URL_, token: TOKEN, jti: 'j'.repeat(10_240) }),
      'dpop_proof_invalid',
    ],
    [
      'htu not a URL',
      () => makeProof({ key, url: 'not a url', token: TOKEN }),
      'dpop_proof_invalid',
    ],
    [
      'htm missing',
      () => makeProof({ key, url: URL_, token: TOKEN, claims: { htm: undefined } }),
      'dpop_proof_invalid',
    ],
    ['garbage', async () => 'not.a.jws', 'dpop_proof_invalid'],
  ];
  it.each(cases)('%s', async (_name, build, reason) => {
    expect(reasonOf(await check(await build()))).toBe(reason);
  });

  it('an RS256 proof when only ES256 is allowed → dpop_proof_invalid', async () => {
    const rsa = await proofKey('RS256');
    const only = normalizeDpopOptions({ algorithms: ['ES256'] })!;
    const proof = await makeProof({ key: rsa, url: URL_, token: TOKEN });
    const result = await checkProof(
      { proof, token: TOKEN, method: 'GET', htu: normalizeHtu(URL_) },
      only,
    );
    expect(reasonOf(result)).toBe('dpop_proof_invalid');
  });
});

describe('a flood of valid-looking proofs with invalid signatures', () => {
  it('100 000 distinct proofs: all refused as invalid, and nothing reaches the replay store', async () => {
    const store = memoryReplayStore();
    const claims = { count: 0 };
    const counting = {
      claim: async (k: string, ttl: number) => {
        claims.count++;
        return store.claim(k, ttl);
      },
    };
    const template = await makeProof({ key, url: URL_, token: TOKEN });
    const [header, , signature] = template.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const now = Math.floor(Date.now() / 1000);
    let valid = 0;
    for (let i = 0; i < 100_000; i++) {
      const payload = Buffer.from(
        JSON.stringify({ htm: 'GET', htu: URL_, jti: `flood-${i}`, iat: now, ath: ath(TOKEN) }),
      ).toString('base64url');
      const result = await check(`${header}.${payload}.${flipped}`);
      if (result.kind === 'valid') {
        valid++;
        await counting.claim(result.proof.jti, 1000);
      } else if (result.reason !== 'dpop_proof_invalid') {
        throw new Error(`unexpected ${result.reason}`);
      }
    }
    expect(valid).toBe(0);
    expect(claims.count).toBe(0);
    expect(store.size).toBe(0);
  }, 600_000);
});

it('an ES256 key generated by node is what the helper thumbprints', async () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  expect(pair.publicKey.asymmetricKeyType).toBe('ec');
});
