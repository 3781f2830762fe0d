import { describe, expect, it } from '@jest/globals';
import { claimFindings, headerFindings } from '../../lib/cli/findings.js';

const NOW = 1_700_000_000;
const KEY_NOTE = 'ignored, keys come only from the configuration';

describe('headerFindings', () => {
  it('has nothing to say about an RS256 header with a kid', () => {
    expect(headerFindings({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })).toEqual([]);
  });

  it.each([
    [{ kid: 'k' }, 'no "alg": the token cannot be verified'],
    [{ alg: 'none', kid: 'k' }, 'alg "none": an unsigned token, never accepted'],
    [{ alg: 'NONE', kid: 'k' }, 'alg "none": an unsigned token, never accepted'],
    [
      { alg: 'HS256', kid: 'k' },
      'alg "HS256": HMAC with a shared secret; only jwtVerifier({ secret }) accepts it, never a public-key verifier',
    ],
    [
      { alg: 'RS256', kid: 'k', jku: 'https://evil.test' },
      `"jku" points at a JWK Set URL: ${KEY_NOTE}`,
    ],
    [
      { alg: 'RS256', kid: 'k', x5u: 'https://evil.test' },
      `"x5u" points at a certificate URL: ${KEY_NOTE}`,
    ],
    [{ alg: 'RS256', kid: 'k', jwk: {} }, `"jwk" embeds its own public key: ${KEY_NOTE}`],
    [{ alg: 'RS256', kid: 'k', x5c: [] }, `"x5c" embeds its own certificate chain: ${KEY_NOTE}`],
    [
      { alg: 'RS256', kid: 'k', crit: ['exp'] },
      '"crit" lists extensions that must be understood: rejected',
    ],
  ])('flags %j as dangerous', (header, text) => {
    expect(headerFindings(header)).toEqual([{ level: 'danger', text }]);
  });

  it('warns that without a kid every key is tried', () => {
    expect(headerFindings({ alg: 'ES256' })).toEqual([
      { level: 'warning', text: 'no "kid": every key of a JWK Set is tried' },
    ]);
  });
});

describe('claimFindings', () => {
  const base = { iss: 'https://id.test', aud: 'api' };

  it('has nothing to say about a current token', () => {
    expect(claimFindings({ ...base, exp: NOW + 60, nbf: NOW - 1 }, NOW)).toEqual([]);
  });

  it('names each problem', () => {
    expect(claimFindings({ exp: NOW, nbf: NOW + 10 }, NOW).map((f) => f.text)).toEqual([
      'expired: refused with 401 "Token Expired"',
      'not valid yet ("nbf" is in the future)',
      'no "iss" (issuer)',
      'no "aud" (audience)',
    ]);
    expect(claimFindings(base, NOW)).toEqual([
      { level: 'warning', text: 'no "exp": the token never expires' },
    ]);
  });
});
