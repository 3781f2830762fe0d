/**
 * Whom a JWT is for and who issued it: audience and issuer are required decisions, checked
 * through the whole middleware.
 */
import { describe, expect, it } from '@jest/globals';
import { jwtVerifier, MESSAGES, type JwtVerifierOptions } from '../../lib/index.js';
import { buildApp, getMyself, seed } from '../helpers/app.js';
import { testKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt } from '../helpers/tokens.js';

const key = testKey('RS256');
const safe = { publicKey: key.publicPem, issuer: ISSUER, audience: AUDIENCE };

function constructionError(options: unknown): string {
  try {
    jwtVerifier(options as JwtVerifierOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('did not throw');
}

describe('audience', () => {
  it('foreign audience: a token minted for another API is refused (400)', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwtVerifier(safe)] });
    const token = await mintJwt({ claims: { aud: 'https://other-api.example.test' } });
    const res = await getMyself(app, token);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'audience_mismatch' });
  });

  it('an aud list containing the configured audience is accepted', async () => {
    const { app } = buildApp({ verifiers: [jwtVerifier(safe)] });
    const token = await mintJwt({ claims: { aud: ['https://other.example.test', AUDIENCE] } });
    await getMyself(app, token).expect(200);
  });

  it('a token without aud is refused when an audience is configured', async () => {
    const { app } = buildApp({ verifiers: [jwtVerifier(safe)] });
    await getMyself(app, await mintJwt({ claims: { aud: undefined } })).expect(400);
  });

  it('audience: false accepts any audience, and none', async () => {
    const { app } = buildApp({ verifiers: [jwtVerifier({ ...safe, audience: false })] });
    await getMyself(app, await mintJwt({ claims: { aud: 'https://other.test' } })).expect(200);
    await getMyself(app, await mintJwt({ claims: { aud: undefined } })).expect(200);
  });

  it('a missing audience throws at construction, saying to write false to opt out', () => {
    expect(constructionError({ publicKey: key.publicPem, issuer: ISSUER })).toBe(
      'jwtVerifier: "audience" option is required: the identifier of this API that its tokens carry in "aud", or write "audience: false" to accept tokens of any audience',
    );
    expect(constructionError({ discovery: 'https://id.example.test' })).toMatch(
      /"audience" option is required/,
    );
    expect(constructionError({ ...safe, audience: undefined })).toMatch(
      /"audience" option is required/,
    );
  });

  it('audience true is not a decision: TypeError', () => {
    expect(constructionError({ ...safe, audience: true })).toBe(
      'jwtVerifier: "audience" option must be a string, an array of strings, or false',
    );
  });
});

describe('issuer', () => {
  it('foreign issuer with the same key: passed, then refused by the chain (400 issuer_mismatch)', async () => {
    const { app, decisions } = buildApp({ verifiers: [jwtVerifier(safe)] });
    const token = await mintJwt({ claims: { iss: 'https://attacker.example.test' } });
    const res = await getMyself(app, token);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(seed(MESSAGES.tokenInvalid));
    expect(decisions.at(-1)).toMatchObject({ outcome: 'reject', reason: 'issuer_mismatch' });
  });

  it('issuer: false accepts any issuer', async () => {
    const { app } = buildApp({ verifiers: [jwtVerifier({ ...safe, issuer: false })] });
    await getMyself(app, await mintJwt({ claims: { iss: 'https://other.test' } })).expect(200);
    await getMyself(app, await mintJwt({ claims: { iss: undefined } })).expect(200);
  });

  it.each<[string, Record<string, unknown>]>([
    ['publicKey', { publicKey: key.publicPem }],
    ['jwks', { jwks: { keys: [key.publicJwk] } }],
    ['jwksUri', { jwksUri: 'https://id.example.test/jwks' }],
    ['secret', { secret: 'x'.repeat(32) }],
  ])('a missing issuer with %s throws at construction', (_name, source) => {
    expect(constructionError({ ...source, audience: AUDIENCE })).toBe(
      'jwtVerifier: "issuer" option is required: the "iss" its tokens carry, or write "issuer: false" to accept tokens of any issuer',
    );
  });

  it('discovery needs no issuer (the document names it), and refuses issuer: false', () => {
    expect(() =>
      jwtVerifier({ discovery: 'https://id.example.test', audience: AUDIENCE }),
    ).not.toThrow();
    expect(
      constructionError({
        discovery: 'https://id.example.test',
        audience: AUDIENCE,
        issuer: false,
      }),
    ).toBe(
      'jwtVerifier: "issuer" option cannot be false with "discovery": the issuer is the document\'s',
    );
  });

  it('with discovery, an issuer option may only restate the issuer the URL names', () => {
    expect(() =>
      jwtVerifier({
        discovery: 'https://id.example.test/tenant/.well-known/openid-configuration',
        issuer: 'https://id.example.test/tenant/',
        audience: AUDIENCE,
      }),
    ).not.toThrow();
    expect(
      constructionError({
        discovery: 'https://id.example.test',
        issuer: 'https://attacker.example.test',
        audience: AUDIENCE,
      }),
    ).toBe(
      'jwtVerifier: "issuer" option with "discovery" must be the issuer the discovery URL names ("https://id.example.test"), or be left out',
    );
  });

  it('an issuer of the wrong type inside the token is claim_invalid even with issuer: false', async () => {
    const verifier = jwtVerifier({ ...safe, issuer: false });
    const token = await mintJwt({ claims: { iss: 42 } });
    expect(await verifier.verify(token, undefined as never)).toMatchObject({
      kind: 'reject',
      reason: 'claim_invalid',
    });
  });
});
