import { describe, expect, it } from '@jest/globals';
import { oauthProviderVerifier, type OAuthProviderOptions } from '../../lib/index.js';
import { normalizeProviderOptions } from '../../lib/verifiers/providers/options.js';
import { PRESETS } from '../../lib/verifiers/providers/index.js';

const build = (options: unknown) => () => oauthProviderVerifier(options as OAuthProviderOptions);

describe('oauthProviderVerifier options', () => {
  it.each<[string, unknown, string]>([
    ['no options', undefined, 'oauthProviderVerifier: options object is required'],
    [
      'an unknown preset',
      { provider: 'facebook' },
      'oauthProviderVerifier: "provider" option must be one of "miniorange", "loginradius", "miqey", "google", "github", "microsoft", "okta", "auth0", "keycloak", "cognito", "oidc", "custom" (got "facebook")',
    ],
    [
      'a preset name of another type',
      { provider: 42 },
      'oauthProviderVerifier: "provider" option must be one of "miniorange", "loginradius", "miqey", "google", "github", "microsoft", "okta", "auth0", "keycloak", "cognito", "oidc", "custom" (got number)',
    ],
    [
      'microsoft without tenant',
      { provider: 'microsoft' },
      'oauthProviderVerifier: the "microsoft" preset requires the "tenant" option',
    ],
    [
      'okta without domain',
      { provider: 'okta' },
      'oauthProviderVerifier: the "okta" preset requires the "domain" option',
    ],
    [
      'auth0 without domain',
      { provider: 'auth0' },
      'oauthProviderVerifier: the "auth0" preset requires the "domain" option',
    ],
    [
      'keycloak without realm',
      { provider: 'keycloak', baseUrl: 'https://sso.example.com' },
      'oauthProviderVerifier: the "keycloak" preset requires the "realm" option',
    ],
    [
      'keycloak without baseUrl',
      { provider: 'keycloak', realm: 'acme' },
      'oauthProviderVerifier: the "keycloak" preset requires the "baseUrl" option',
    ],
    [
      'loginradius without apiKey',
      { provider: 'loginradius' },
      'oauthProviderVerifier: the "loginradius" preset requires the "apiKey" option',
    ],
    [
      'oidc without issuer',
      { provider: 'oidc' },
      'oauthProviderVerifier: the "oidc" preset requires the "issuer" option',
    ],
    [
      'a domain with a path',
      { provider: 'okta', domain: 'evil.example/x?' },
      'oauthProviderVerifier: "domain" option must be a host name such as "dev-123.okta.com"',
    ],
    [
      'a tenant with a slash',
      { provider: 'microsoft', tenant: '../common' },
      'oauthProviderVerifier: "tenant" option must be one URL path segment (letters, digits, ".", "_", "~", "-")',
    ],
    [
      'an http baseUrl off loopback',
      { provider: 'github', baseUrl: 'http://github.example.com' },
      'oauthProviderVerifier: "baseUrl" option must be an https: URL (http: is allowed for loopback hosts, or with "allowInsecureHttp: true")',
    ],
    [
      'an http oidc issuer off loopback',
      { provider: 'oidc', issuer: 'http://id.example.com' },
      'oauthProviderVerifier: "issuer" option must be an https: URL (http: is allowed for loopback hosts, or with "allowInsecureHttp: true")',
    ],
    [
      'an http custom endpoint off loopback',
      { provider: 'custom', userinfoEndpoint: 'http://sso.example.com/me', usernameField: 'login' },
      'oauthProviderVerifier: "userinfoEndpoint" option must be an https: URL (http: is allowed for loopback hosts, or with "allowInsecureHttp: true")',
    ],
    [
      'a custom endpoint with credentials',
      {
        provider: 'custom',
        userinfoEndpoint: 'https://u:p@sso.example.com/me',
        usernameField: 'x',
      },
      'oauthProviderVerifier: "userinfoEndpoint" option must not contain credentials',
    ],
    [
      'a custom provider without usernameField',
      { provider: 'custom', userinfoEndpoint: 'https://sso.example.com/me' },
      'oauthProviderVerifier: the "custom" provider requires the "usernameField" option',
    ],
    [
      'a custom provider with a bad method',
      {
        provider: 'custom',
        userinfoEndpoint: 'https://sso.example.com/me',
        usernameField: 'x',
        method: 'PUT',
      },
      'oauthProviderVerifier: "method" option must be "GET" or "POST"',
    ],
    [
      'a custom provider overriding Authorization',
      {
        provider: 'custom',
        userinfoEndpoint: 'https://sso.example.com/me',
        usernameField: 'x',
        headers: { Authorization: 'Basic abc' },
      },
      'oauthProviderVerifier: "headers" option must not set "Authorization"',
    ],
    [
      'a clientId GitHub cannot check',
      { provider: 'github', clientId: 'Iv1.abc' },
      'oauthProviderVerifier: the "github" preset cannot check "clientId": its provider does not say which client a token was issued to',
    ],
    [
      'an expectedAudience miniOrange cannot check',
      { provider: 'miniorange', expectedAudience: 'api' },
      'oauthProviderVerifier: the "miniorange" preset cannot check "expectedAudience": its provider does not say which audience a token was issued for',
    ],
    [
      'an empty clientId',
      { provider: 'google', clientId: '' },
      'oauthProviderVerifier: "clientId" option must be a non-empty string or array of non-empty strings',
    ],
    [
      'a bad usernameField',
      { provider: 'github', usernameField: 7 },
      'oauthProviderVerifier: "usernameField" option must be a non-empty string or array of non-empty strings',
    ],
    [
      'a negative ttlSeconds',
      { provider: 'github', ttlSeconds: -1 },
      'oauthProviderVerifier: "ttlSeconds" option must be a non-negative number',
    ],
    [
      'a bad cache',
      { provider: 'github', cache: 'yes' },
      'oauthProviderVerifier: "cache" option must be an object or false',
    ],
    [
      'an empty name',
      { provider: 'github', name: '' },
      'oauthProviderVerifier: "name" option must be a non-empty string',
    ],
    [
      'a tokenPattern that is a string',
      { provider: 'github', tokenPattern: '^gho_' },
      'oauthProviderVerifier: "tokenPattern" option must be a RegExp',
    ],
    [
      'a global tokenPattern',
      { provider: 'github', tokenPattern: /^gho_/g },
      'oauthProviderVerifier: "tokenPattern" option must not have the g or y flag',
    ],
  ])('throws a TypeError naming the option for %s', (_what, options, message) => {
    expect(build(options)).toThrow(new TypeError(message));
  });

  it('accepts plain http to loopback, and elsewhere only with allowInsecureHttp', () => {
    expect(build({ provider: 'github', baseUrl: 'http://127.0.0.1:8080' })).not.toThrow();
    expect(build({ provider: 'github', baseUrl: 'http://[::1]:8080' })).not.toThrow();
    expect(
      build({ provider: 'github', baseUrl: 'http://github.internal', allowInsecureHttp: true }),
    ).not.toThrow();
  });

  it('names the verifier oauth-provider:<preset> unless told', () => {
    expect(oauthProviderVerifier({ provider: 'github' }).name).toBe('oauth-provider:github');
    expect(oauthProviderVerifier({ provider: 'github', name: 'gh' }).name).toBe('gh');
  });

  it('resolves each preset to the documented endpoints', () => {
    const endpoint = (options: OAuthProviderOptions) => {
      const config = normalizeProviderOptions(options);
      return config.endpoint?.url?.href ?? config.jwt?.jwksUri?.href ?? config.jwt?.discovery?.href;
    };
    expect(endpoint({ provider: 'miniorange' })).toBe(
      'https://login.xecurify.com/moas/rest/oauth/getuserinfo',
    );
    expect(endpoint({ provider: 'miniorange', domain: 'sso.acme.com' })).toBe(
      'https://sso.acme.com/moas/rest/oauth/getuserinfo',
    );
    expect(endpoint({ provider: 'loginradius', apiKey: 'k+y/=' })).toBe(
      'https://api.loginradius.com/identity/v2/auth/account?apikey=k%2By%2F%3D',
    );
    expect(endpoint({ provider: 'miqey' })).toBe('https://app.miqey.com/oauth/userinfo');
    expect(endpoint({ provider: 'google' })).toBe('https://oauth2.googleapis.com/tokeninfo');
    expect(endpoint({ provider: 'github' })).toBe('https://api.github.com/user');
    expect(endpoint({ provider: 'microsoft', tenant: 'contoso-id' })).toBe(
      'https://login.microsoftonline.com/contoso-id/discovery/v2.0/keys',
    );
    expect(endpoint({ provider: 'okta', domain: 'dev-1.okta.com' })).toBe(
      'https://dev-1.okta.com/oauth2/default/v1/keys',
    );
    expect(
      endpoint({ provider: 'okta', domain: 'dev-1.okta.com', authorizationServer: 'aus1' }),
    ).toBe('https://dev-1.okta.com/oauth2/aus1/v1/keys');
    expect(endpoint({ provider: 'auth0', domain: 'acme.eu.auth0.com' })).toBe(
      'https://acme.eu.auth0.com/.well-known/jwks.json',
    );
    expect(
      endpoint({ provider: 'keycloak', baseUrl: 'https://sso.acme.com/auth', realm: 'main' }),
    ).toBe('https://sso.acme.com/auth/realms/main/protocol/openid-connect/certs');
    expect(
      endpoint({
        provider: 'oidc',
        issuer: 'https://id.acme.com/tenant-1',
        expectedAudience: false,
      }),
    ).toBe('https://id.acme.com/tenant-1');
    expect(
      normalizeProviderOptions({ provider: 'microsoft', tenant: 'contoso-id' }).jwt?.issuers,
    ).toEqual([
      'https://login.microsoftonline.com/contoso-id/v2.0',
      'https://sts.windows.net/contoso-id/',
    ]);
  });

  it('moves every endpoint and issuer to baseUrl, keeping its path', () => {
    const config = normalizeProviderOptions({
      provider: 'microsoft',
      tenant: 't1',
      baseUrl: 'https://login.partner.example/prefix/',
    });
    expect(config.jwt?.jwksUri?.href).toBe(
      'https://login.partner.example/prefix/t1/discovery/v2.0/keys',
    );
    expect(config.jwt?.issuers).toEqual([
      'https://login.partner.example/prefix/t1/v2.0',
      'https://login.partner.example/prefix/t1/',
    ]);
  });

  it('leaves the caller options untouched and defaults ttlSeconds to 60', () => {
    const options = Object.freeze({
      provider: 'github' as const,
      cache: Object.freeze({ max: 5 }),
    });
    const config = normalizeProviderOptions(options);
    expect(config.ttlSeconds).toBe(60);
    expect(config.cache).toMatchObject({ max: 5, negativeTtlSeconds: 10 });
    expect(Object.isFrozen(config)).toBe(true);
    expect(options).toEqual({ provider: 'github', cache: { max: 5 } });
  });

  it('every preset record cites its documentation', () => {
    for (const preset of Object.values(PRESETS)) {
      expect(preset.docs.length).toBeGreaterThan(0);
      for (const doc of preset.docs) expect(doc).toMatch(/^https:\/\//);
    }
  });
});
