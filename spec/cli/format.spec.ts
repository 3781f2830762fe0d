import { describe, expect, it } from '@jest/globals';
import { decodeToken } from '../../lib/cli/decode.js';
import { formatDecoded, formatReport } from '../../lib/cli/format.js';
import type { ChainReport } from '../../lib/cli/run.js';
import { b64url, forgeJwt } from '../helpers/tokens.js';

const NOW = 1_700_000_000;

describe('formatDecoded', () => {
  it('shows header, claims with times in words, and findings, but not the signature', () => {
    const token = forgeJwt(
      { alg: 'HS256', typ: 'JWT', jku: 'https://evil.test/jwks' },
      {
        iss: 'https://id.test',
        sub: 'u1',
        iat: NOW - 4 * 3600,
        exp: NOW - 3 * 3600,
        scope: 'read',
        aud: ['a', 'b'],
      },
      'U0lHTkFUVVJF',
    );
    const decoded = decodeToken(token);
    const text = formatDecoded(decoded, NOW);
    expect(text).toEqual([
      `Token ${decoded.fingerprint} (${token.length} characters), a JWT; decoded, NOT verified`,
      '',
      'Header',
      '  alg  HS256',
      '  typ  JWT',
      '  jku  https://evil.test/jwks',
      '',
      'Claims',
      '  iss    https://id.test',
      '  sub    u1',
      '  iat    2023-11-14T18:13:20Z  (issued 4 h ago)',
      '  exp    2023-11-14T19:13:20Z  (expired 3 h ago)',
      '  scope  read',
      '  aud    ["a","b"]',
      '',
      'Findings',
      '  DANGER   alg "HS256": HMAC with a shared secret; only jwtVerifier({ secret }) accepts it, never a public-key verifier',
      '  DANGER   "jku" points at a JWK Set URL: ignored, keys come only from the configuration',
      '  warning  no "kid": every key of a JWK Set is tried',
      '  warning  expired: refused with 401 "Token Expired"',
    ]);
    expect(text.join('\n')).not.toContain('U0lHTkFUVVJF');
  });

  it('says when a JWT is not valid yet, and when it is unsigned', () => {
    const token = forgeJwt(
      { alg: 'none', kid: 'k' },
      { iss: 'i', aud: 'a', nbf: NOW + 120, exp: NOW + 600 },
      '',
    );
    const text = formatDecoded(decodeToken(token), NOW);
    expect(text).toContain('  nbf  2023-11-14T22:15:20Z  (not valid for 2 min)');
    expect(text).toContain('  exp  2023-11-14T22:23:20Z  (expires in 10 min)');
    expect(text.slice(-3)).toEqual([
      '  DANGER   the signature is empty',
      '  DANGER   alg "none": an unsigned token, never accepted',
      '  warning  not valid yet ("nbf" is in the future)',
    ]);
  });

  it('says an opaque token can only be explained by its issuer', () => {
    const decoded = decodeToken('opaque-value-123');
    expect(formatDecoded(decoded, NOW)).toEqual([
      `Token ${decoded.fingerprint} (16 characters)`,
      '  an opaque token, not a JWT: only its issuer can tell what it means',
      '  (an introspection endpoint or a provider userinfo endpoint; use --config to ask them)',
    ]);
  });

  it('shows only the header of a JWE, and names a broken JWT', () => {
    const jwe = formatDecoded(
      decodeToken(`${b64url({ alg: 'dir', enc: 'A128GCM' })}.a.b.c.d`),
      NOW,
    );
    expect(jwe.slice(1)).toEqual([
      '  an encrypted JWT (JWE): its claims cannot be read without the decryption key',
      '',
      'Header',
      '  alg  dir',
      '  enc  A128GCM',
    ]);
    const broken = formatDecoded(decodeToken(`${b64url('x')}.${b64url({})}.s`), NOW);
    expect(broken[1]).toBe(
      '  looks like a JWT, but the header is not base64url-encoded JSON: refused as "Token Invalid"',
    );
  });
});

describe('formatReport', () => {
  const identity = {
    subject: 'u1',
    username: 'alice',
    scopes: ['read'],
    claims: {},
    serviceAccount: false,
    verifier: 'second',
  };

  it('lists every verdict and the refusal bearerAuth would answer', () => {
    const report: ChainReport = {
      steps: [
        { verifier: 'first', kind: 'pass', reason: 'issuer_mismatch' },
        {
          verifier: 'second',
          kind: 'reject',
          reason: 'token_expired',
          cause: 'JWTExpired: "exp" claim timestamp check failed',
        },
      ],
      outcome: 'reject',
      reason: 'token_expired',
      verifier: 'second',
      response: {
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' },
        body: {
          error: { status: 'ERROR', message: 'Token Expired: The token provided is expired.' },
        },
      },
    };
    expect(formatReport(report, ['first', 'second', 'third'])).toEqual([
      'Chain',
      '  1. first: pass (issuer_mismatch)',
      '  2. second: reject (token_expired)',
      '       cause: JWTExpired: "exp" claim timestamp check failed',
      '  3. third: not asked',
      '',
      'Result',
      '  REFUSED: reject (token_expired), decided by second',
      '  HTTP 401',
      '  WWW-Authenticate: Bearer realm="api", error="invalid_token"',
      '  {"error":{"status":"ERROR","message":"Token Expired: The token provided is expired."}}',
    ]);
  });

  it('shows the identity and the user of an accepted token', () => {
    const report: ChainReport = {
      steps: [{ verifier: 'second', kind: 'accept' }],
      outcome: 'accept',
      reason: 'accepted',
      verifier: 'second',
      identity,
      user: { name: 'alice' },
      response: { status: 200, body: '' },
    };
    expect(formatReport(report, ['second']).slice(3)).toEqual([
      'Result',
      '  identity: subject u1, username alice, scopes read',
      '  ACCEPTED by second',
      '  user: {"name":"alice"}',
      '  HTTP 200: the request goes on to the route',
    ]);
    const noDirectory = formatReport({ ...report, user: undefined }, ['second']);
    expect(noDirectory).toContain('  user: not looked up (no directory in the configuration)');
  });

  it('names a directory failure and a service account', () => {
    const report: ChainReport = {
      steps: [{ verifier: 'cc', kind: 'accept' }],
      outcome: 'error',
      reason: 'directory_error',
      verifier: 'cc',
      identity: { ...identity, username: undefined, scopes: [], serviceAccount: true },
      directoryError: 'Error: database down',
      response: { status: 503, headers: { 'Retry-After': '5' }, body: {} },
    };
    expect(formatReport(report, ['cc'])).toEqual([
      'Chain',
      '  1. cc: accept',
      '  directory failed: Error: database down',
      '',
      'Result',
      '  identity: subject u1, username -, scopes - (service account)',
      '  REFUSED: error (directory_error), decided by cc',
      '  HTTP 503',
      '  Retry-After: 5',
      '  {}',
    ]);
  });
});
