/**
 * A typo must never silently switch a check off: each factory of this module refuses an unknown
 * option key with a TypeError naming it, and says what to write for names users bring along.
 */
import { describe, expect, it } from '@jest/globals';
import {
  clientCredentialsVerifier,
  introspectionVerifier,
  memoryDirectory,
  oauthProviderVerifier,
  type ClientCredentialsVerifierOptions,
  type IntrospectionVerifierOptions,
  type OAuthProviderOptions,
  type Verifier,
} from '../../lib/index.js';

const INTROSPECTION = {
  endpoint: 'https://id.example.com/introspect',
  clientId: 'api',
  clientSecret: 'api-secret-0123456789',
  audience: 'https://api.example.com',
};
const via: Verifier = {
  name: 'stub',
  verify: async () => ({ kind: 'pass', reason: 'token_unrecognized' }),
};

describe('unknown options throw', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'audiance (a typo)',
      { audiance: 'x' },
      /introspectionVerifier: unknown option "audiance" \(did you mean "audience"\?\)/,
    ],
    [
      'jwksUri',
      { jwksUri: 'https://id.example.com/jwks' },
      /unknown option "jwksUri": "jwksUri" is a jwtVerifier option/,
    ],
    ['maxAge (jsonwebtoken)', { maxAge: 60 }, /unknown option "maxAge": write "maxTokenAge"/],
    [
      'expectedAudience',
      { expectedAudience: 'x' },
      /unknown option "expectedAudience": write "audience"/,
    ],
    ['secret', { secret: 'x' }, /unknown option "secret": write "clientSecret"/],
    ['requireTokenTyp (a typo)', { requireTokenTyp: false }, /did you mean "requireTokenType"/],
  ])('introspectionVerifier: %s', (_label, extra, message) => {
    expect(() =>
      introspectionVerifier({ ...INTROSPECTION, ...extra } as IntrospectionVerifierOptions),
    ).toThrow(message);
  });

  it('introspectionVerifier: an option set to undefined is absent', () => {
    expect(() =>
      introspectionVerifier({
        ...INTROSPECTION,
        issuer: undefined,
        typo: undefined,
      } as IntrospectionVerifierOptions),
    ).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'audience on a preset',
      { provider: 'github', audience: 'x' },
      /oauthProviderVerifier: unknown option "audience": write "expectedAudience"/,
    ],
    [
      'audiance',
      { provider: 'okta', domain: 'dev-1.okta.com', audiance: 'x' },
      /unknown option "audiance": write "expectedAudience"/,
    ],
    [
      'expectedAudiance',
      { provider: 'oidc', issuer: 'https://id.example.com', expectedAudiance: 'x' },
      /write "expectedAudience"/,
    ],
    [
      'issuerBaseURL',
      { provider: 'github', issuerBaseURL: 'https://id.example.com' },
      /unknown option "issuerBaseURL"/,
    ],
    [
      'jwksUri on a preset',
      { provider: 'auth0', domain: 'acme.auth0.com', jwksUri: 'https://x' },
      /a preset knows its JWK Set/,
    ],
    [
      'userinfoEndpoint on a preset',
      { provider: 'github', userinfoEndpoint: 'https://x' },
      /"userinfoEndpoint" is an option of provider: "custom" only/,
    ],
    [
      "another preset's param",
      { provider: 'github', tenant: 'contoso' },
      /"tenant" is an option of provider: "microsoft"/,
    ],
    ['tenantId', { provider: 'microsoft', tenantId: 'x' }, /write "tenant"/],
    [
      'a typo of a preset param',
      { provider: 'cognito', userPoolId: 'p', clientId: false, regoin: 'x' },
      /did you mean "region"/,
    ],
    ['trustEmails', { provider: 'github', trustEmails: true }, /did you mean "trustEmail"/],
  ])('oauthProviderVerifier: %s', (_label, options, message) => {
    expect(() => oauthProviderVerifier(options as unknown as OAuthProviderOptions)).toThrow(
      message,
    );
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'verifier',
      { verifier: via },
      /clientCredentialsVerifier: unknown option "verifier": write "via"/,
    ],
    ['audience', { audience: 'x' }, /"audience" belongs to the verifier given as "via"/],
    ['serviceAccount', { serviceAccount: {} }, /write "serviceAccounts"/],
    ['mappingTimeout (a typo)', { mappingTimeout: 5 }, /did you mean "mappingTimeoutMs"/],
  ])('clientCredentialsVerifier: %s', (_label, extra, message) => {
    expect(() =>
      clientCredentialsVerifier({
        via,
        serviceAccounts: {},
        ...extra,
      } as ClientCredentialsVerifierOptions),
    ).toThrow(message);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'usernameField',
      { usernameField: 'login' },
      /memoryDirectory: unknown option "usernameField": write "usernameKey"/,
    ],
    [
      'matchUsernameAsEmails (a typo)',
      { matchUsernameAsEmails: true },
      /did you mean "matchUsernameAsEmail"/,
    ],
    ['caseSensitive', { caseSensitive: true }, /always case-insensitive/],
  ])('memoryDirectory: %s', (_label, options, message) => {
    expect(() => memoryDirectory([], options)).toThrow(message);
  });

  it('every refusal is a TypeError', () => {
    expect(() => memoryDirectory([], { bogus: 1 } as never)).toThrow(TypeError);
    expect(() => oauthProviderVerifier({ provider: 'github', bogus: 1 } as never)).toThrow(
      TypeError,
    );
  });
});
