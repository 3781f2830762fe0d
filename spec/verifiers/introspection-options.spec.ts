import { describe, expect, it, jest } from '@jest/globals';
import { TOKEN_CACHE_DEFAULTS } from '../../lib/cache/token-cache.js';
import { introspectionVerifier } from '../../lib/index.js';
import {
  INTROSPECTION_DEFAULTS,
  normalizeIntrospectionOptions,
  type IntrospectionVerifierOptions,
} from '../../lib/verifiers/introspection-options.js';

const SECRET = 'top-secret-value-123';
const base: IntrospectionVerifierOptions = {
  endpoint: 'https://id.example.com/oauth2/introspect',
  clientId: 'jira-api',
  clientSecret: SECRET,
  audience: 'https://api.example.com',
};

describe('normalizeIntrospectionOptions', () => {
  it('applies the defaults', () => {
    const config = normalizeIntrospectionOptions(base);
    expect(config).toMatchObject({
      name: 'introspection',
      timeoutMs: 5000,
      maxResponseBytes: 65_536,
      cache: TOKEN_CACHE_DEFAULTS,
      usernameFields: ['username', 'sub'],
      issuer: undefined,
      audience: ['https://api.example.com'],
      requireAudienceInAnswer: true,
      requireTokenType: true,
      clockTolerance: 5,
      maxTokenAge: undefined,
      trustEmail: false,
      credentials: { clientId: 'jira-api', clientSecret: SECRET, method: 'client_secret_basic' },
    });
    expect(config.endpoint.href).toBe('https://id.example.com/oauth2/introspect');
    expect(config.now).toBe(Date.now);
    expect(Object.isFrozen(config)).toBe(true);
    expect(INTROSPECTION_DEFAULTS.name).toBe('introspection');
  });

  it('puts usernameField before the username and sub fallbacks', () => {
    expect(
      normalizeIntrospectionOptions({ ...base, usernameField: 'email' }).usernameFields,
    ).toEqual(['email', 'username', 'sub']);
  });

  it('takes issuer and audience as one string or a list', () => {
    const config = normalizeIntrospectionOptions({
      ...base,
      issuer: 'https://id.example.com',
      audience: ['api', 'jira'],
    });
    expect(config.issuer).toEqual(['https://id.example.com']);
    expect(config.audience).toEqual(['api', 'jira']);
  });

  it('leaves the caller object untouched', () => {
    const options = Object.freeze({ ...base, cache: Object.freeze({ ttlSeconds: 30 }) });
    const copy = JSON.parse(JSON.stringify(options)) as unknown;
    normalizeIntrospectionOptions(options);
    expect(options).toEqual(copy);
  });

  it.each<[string, Partial<Record<keyof IntrospectionVerifierOptions, unknown>>, string]>([
    ['no endpoint', { endpoint: undefined }, '"endpoint" option must be a URL string'],
    ['a bad endpoint', { endpoint: 'not a url' }, '"endpoint" option is not a valid URL'],
    [
      'an ftp endpoint',
      { endpoint: 'ftp://id.example.com/x' },
      '"endpoint" option must be an https: URL',
    ],
    [
      'credentials in the endpoint',
      { endpoint: 'https://u:p@id.example.com/x' },
      '"endpoint" option must not contain credentials',
    ],
    ['no clientId', { clientId: undefined }, '"clientId" option must be a non-empty string'],
    [
      'an empty clientSecret',
      { clientSecret: '' },
      '"clientSecret" option must be a non-empty string',
    ],
    [
      'an unknown authMethod',
      { authMethod: 'private_key_jwt' },
      '"authMethod" option must be one of "client_secret_basic", "client_secret_post"',
    ],
    ['a zero timeoutMs', { timeoutMs: 0 }, '"timeoutMs" option must be a positive integer'],
    [
      'a fractional maxResponseBytes',
      { maxResponseBytes: 1.5 },
      '"maxResponseBytes" option must be a positive integer',
    ],
    ['a bad cache', { cache: { max: 0 } }, '"cache.max" option must be a positive integer'],
    [
      'an empty usernameField',
      { usernameField: '' },
      '"usernameField" option must be a non-empty string',
    ],
    [
      'an empty issuer list',
      { issuer: [] },
      '"issuer" option must be a non-empty string or array of non-empty strings',
    ],
    [
      'a numeric audience',
      { audience: 5 },
      '"audience" option must be a non-empty string or array of non-empty strings',
    ],
    ['an empty name', { name: '' }, '"name" option must be a non-empty string'],
    ['a non-function now', { now: 5 }, '"now" option must be a function'],
    [
      'a string allowInsecureHttp',
      { allowInsecureHttp: 'yes' },
      '"allowInsecureHttp" option must be a boolean',
    ],
  ])('refuses %s, naming the factory and the option', (_label, delta, message) => {
    const options = { ...base, ...delta } as IntrospectionVerifierOptions;
    expect(() => introspectionVerifier(options)).toThrow(
      new TypeError(`introspectionVerifier: ${message}`),
    );
  });

  it('never puts the secret in an error message', () => {
    for (const delta of [{ endpoint: 'http://id.example.com/x' }, { timeoutMs: -1 }]) {
      let message = '';
      try {
        normalizeIntrospectionOptions({ ...base, ...delta });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(SECRET);
    }
  });
});

describe('the endpoint URL policy', () => {
  it('refuses plain http to a non-loopback host, naming the option that allows it', () => {
    expect(() =>
      introspectionVerifier({ ...base, endpoint: 'http://id.example.com/introspect' }),
    ).toThrow(
      new TypeError(
        'introspectionVerifier: "endpoint" option must be an https: URL (http: is allowed for loopback hosts, or with "allowInsecureHttp: true")',
      ),
    );
  });

  it.each([
    'http://localhost:8080/i',
    'http://127.0.0.1/i',
    'http://127.1.2.3/i',
    'http://[::1]:9/i',
  ])('allows plain http to the loopback host of %s', (endpoint) => {
    expect(normalizeIntrospectionOptions({ ...base, endpoint }).endpoint.protocol).toBe('http:');
  });

  it('allows plain http anywhere with allowInsecureHttp, and warns once with a code', () => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const options = {
        ...base,
        endpoint: 'http://id.internal/introspect',
        allowInsecureHttp: true,
      };
      expect(normalizeIntrospectionOptions(options).endpoint.href).toBe(
        'http://id.internal/introspect',
      );
      normalizeIntrospectionOptions(options);
      const ours = emit.mock.calls.filter(
        ([, opts]) =>
          (opts as { code?: string } | undefined)?.code === 'BEARER_GUARD_INSECURE_HTTP',
      );
      expect(ours).toHaveLength(1);
      expect(String(ours[0]?.[0])).not.toContain(SECRET);
    } finally {
      emit.mockRestore();
    }
  });
});
