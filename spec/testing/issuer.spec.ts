import { afterAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { jwtVerifier, type Verdict, type Verifier } from '../../lib/index.js';
import {
  createTestIssuer,
  WRONG_AUDIENCE,
  type JwksServer,
  type TestIssuerOptions,
} from '../../lib/testing/index.js';

const ctx = () => ({
  req: {} as never,
  scheme: 'bearer' as const,
  signal: new AbortController().signal,
});
const verify = (verifier: Verifier, token: string): Promise<Verdict> =>
  verifier.verify(token, ctx());
const servers: JwksServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

describe('createTestIssuer', () => {
  const issuer = createTestIssuer();
  const verifier = jwtVerifier(issuer.verifierOptions());

  it.each(['RS256', 'ES256', 'EdDSA'] as const)(
    'mints %s tokens its own options accept',
    async (alg) => {
      const own = createTestIssuer({ alg });
      const token = await own.token();
      expect(decodeProtectedHeader(token)).toEqual({ alg, kid: own.kid, typ: 'at+jwt' });
      expect(own.jwks.keys).toEqual([expect.objectContaining({ alg, kid: own.kid, use: 'sig' })]);
      const verdict = await verify(jwtVerifier(own.verifierOptions()), token);
      expect(verdict).toMatchObject({
        kind: 'accept',
        identity: { subject: 'test-user', username: 'test-user', scopes: ['read', 'write'] },
      });
    },
  );

  it.each([
    ['expiredToken', { kind: 'reject', reason: 'token_expired' }],
    ['notYetValidToken', { kind: 'reject', reason: 'token_not_yet_valid' }],
    ['wrongAudienceToken', { kind: 'reject', reason: 'audience_mismatch' }],
    ['tamperedToken', { kind: 'reject', reason: 'signature_invalid' }],
    ['wrongIssuerToken', { kind: 'pass', reason: 'issuer_mismatch' }],
  ] as const)('%s gets the verdict %j', async (method, expected) => {
    const verdict = await verify(verifier, await issuer[method]());
    expect(verdict).toMatchObject(expected);
  });

  it('gives the wrong-audience token the documented audience and otherwise valid times', async () => {
    const claims = decodeJwt(await issuer.wrongAudienceToken());
    expect(claims.aud).toBe(WRONG_AUDIENCE);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('grants exactly the scopes asked for, or none', async () => {
    const scoped = await verify(verifier, await issuer.tokenWithScopes('issues:read', 'admin'));
    expect(scoped).toMatchObject({
      kind: 'accept',
      identity: { scopes: ['issues:read', 'admin'] },
    });
    const bare = await issuer.tokenWithoutScope();
    expect(decodeJwt(bare)).not.toHaveProperty('scope');
    expect(await verify(verifier, bare)).toMatchObject({
      kind: 'accept',
      identity: { scopes: [] },
    });
  });

  it('layers claims: defaults, then the issuer’s, then the token’s; undefined removes one', async () => {
    const own = createTestIssuer({ claims: { preferred_username: 'alice', tenant: 'acme' } });
    const claims = decodeJwt(await own.token({ tenant: 'globex', scope: undefined, extra: 1 }));
    expect(claims).toMatchObject({
      sub: 'test-user',
      preferred_username: 'alice',
      tenant: 'globex',
    });
    expect(claims.extra).toBe(1);
    expect(claims).not.toHaveProperty('scope');
  });

  it('adds header parameters but never lets them change alg', async () => {
    const token = await issuer.token({}, { header: { alg: 'none', jku: 'https://evil.test/' } });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', jku: 'https://evil.test/' });
  });

  it('stamps times from the injected clock', async () => {
    const own = createTestIssuer({ now: () => 1_700_000_000_000, expiresInSeconds: 60 });
    expect(decodeJwt(await own.token())).toMatchObject({ iat: 1_700_000_000, exp: 1_700_000_060 });
    expect(decodeJwt(await own.expiredToken())).toMatchObject({ exp: 1_699_996_400 });
    expect(decodeJwt(await own.notYetValidToken())).toMatchObject({ nbf: 1_700_003_600 });
  });

  it('publishes a PEM that jwtVerifier accepts as publicKey', async () => {
    const own = createTestIssuer({
      alg: 'ES256',
      issuer: 'https://pem.test',
      audience: ['a', 'b'],
    });
    const pem = jwtVerifier({ publicKey: own.publicKeyPem, issuer: own.issuer, audience: 'b' });
    expect(own.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(await verify(pem, await own.token())).toMatchObject({ kind: 'accept' });
  });

  it('serves its JWK Set for jwksUri', async () => {
    const own = createTestIssuer();
    const served = await own.serveJwks();
    servers.push(served);
    expect(served.jwksUri).toBe(`${served.url}/jwks.json`);
    const remote = jwtVerifier({
      jwksUri: served.jwksUri,
      issuer: own.issuer,
      audience: own.audience,
    });
    expect(await verify(remote, await own.token())).toMatchObject({ kind: 'accept' });
    expect(served.requests['/jwks.json']).toBe(1);
    const doc = await (await fetch(served.discoveryUrl)).json();
    expect(doc).toEqual({
      issuer: 'https://issuer.test',
      jwks_uri: served.jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('becomes the served URL with asIssuer, so discovery works', async () => {
    const own = createTestIssuer({ alg: 'EdDSA' });
    const served = await own.serveJwks({ asIssuer: true });
    servers.push(served);
    expect(own.issuer).toBe(served.url);
    expect(served.issuer).toBe(served.url);
    expect(own.verifierOptions().issuer).toBe(served.url);
    const discovered = jwtVerifier({ discovery: served.url, audience: own.audience });
    const verdict = await verify(discovered, await own.token());
    expect(verdict).toMatchObject({ kind: 'accept', identity: { issuer: served.url } });
    expect(served.requests['/.well-known/openid-configuration']).toBe(1);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const served = await createTestIssuer({ alg: 'ES256' }).serveJwks();
    servers.push(served);
    expect((await fetch(`${served.url}/nope`)).status).toBe(404);
    expect((await fetch(served.jwksUri, { method: 'POST' })).status).toBe(405);
  });

  it('hands out copies: changing them changes nothing', async () => {
    const options = issuer.verifierOptions();
    options.jwks.keys.length = 0;
    issuer.jwks.keys.length = 0;
    expect(issuer.jwks.keys).toHaveLength(1);
    expect(issuer.verifierOptions().jwks.keys).toHaveLength(1);
  });

  it('does not change the caller’s options', async () => {
    const options = Object.freeze({ claims: Object.freeze({ tenant: 'acme' }) });
    const own = createTestIssuer(options);
    expect(decodeJwt(await own.token())).toMatchObject({ tenant: 'acme' });
  });

  it.each([
    [{ alg: 'HS256' }, `createTestIssuer: "alg" option must be 'RS256', 'ES256' or 'EdDSA'`],
    [{ issuer: '' }, 'createTestIssuer: "issuer" option must be a non-empty string'],
    [
      { audience: [] },
      'createTestIssuer: "audience" option must be a non-empty string or array of strings',
    ],
    [
      { expiresInSeconds: 0 },
      'createTestIssuer: "expiresInSeconds" option must be a positive integer',
    ],
    [{ claims: 'x' }, 'createTestIssuer: "claims" option must be an object'],
    [{ now: 5 }, 'createTestIssuer: "now" option must be a function returning milliseconds'],
  ])('refuses %j', (options, message) => {
    expect(() => createTestIssuer(options as unknown as TestIssuerOptions)).toThrow(
      new TypeError(message),
    );
  });
});
