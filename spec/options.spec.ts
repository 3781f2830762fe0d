import { describe, expect, it } from '@jest/globals';
import { memoryDirectory, type BearerAuthOptions, type Verifier } from '../lib/index.js';
import { BEARER_AUTH_DEFAULTS, normalizeBearerAuthOptions } from '../lib/options.js';

const verifier: Verifier = {
  name: 'static',
  verify: async () => ({ kind: 'pass', reason: 'token_unrecognized' }),
};
const base = (): BearerAuthOptions => ({
  verifiers: [verifier],
  directory: memoryDirectory([]),
});
const withOptions = (extra: Record<string, unknown>) =>
  ({ ...base(), ...extra }) as unknown as BearerAuthOptions;

describe('normalizeBearerAuthOptions', () => {
  it('applies the defaults', () => {
    const resolved = normalizeBearerAuthOptions(base());
    expect(resolved).toMatchObject({
      realm: 'api',
      maxTokenLength: 8192,
      optional: false,
      errorFormat: 'seed',
      onDecision: undefined,
      retryAfterSeconds: 5,
    });
    expect([...resolved.tokenLocations]).toEqual(['header']);
    expect(resolved.verifiers).toEqual([verifier]);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.verifiers)).toBe(true);
    expect(BEARER_AUTH_DEFAULTS).toMatchObject({ realm: 'api', maxTokenLength: 8192 });
  });

  it('keeps what the caller gave', () => {
    const format = () => ({ status: 400, body: {} });
    const onDecision = () => undefined;
    const resolved = normalizeBearerAuthOptions(
      withOptions({
        realm: 'jira',
        tokenLocations: ['query', 'body'],
        maxTokenLength: 100,
        optional: true,
        errorFormat: format,
        onDecision,
        retryAfterSeconds: 0,
      }),
    );
    expect(resolved).toMatchObject({
      realm: 'jira',
      maxTokenLength: 100,
      optional: true,
      errorFormat: format,
      onDecision,
      retryAfterSeconds: 0,
    });
    expect([...resolved.tokenLocations].sort()).toEqual(['body', 'query']);
  });

  it('does not mutate (deeply frozen) options', () => {
    const options = Object.freeze({
      verifiers: Object.freeze([verifier]),
      directory: Object.freeze(memoryDirectory([])),
      tokenLocations: Object.freeze(['header', 'query'] as const),
      errorFormat: 'rfc6750' as const,
    });
    const before = JSON.stringify(options);
    expect(() => normalizeBearerAuthOptions(options)).not.toThrow();
    expect(JSON.stringify(options)).toBe(before);
  });

  it('copies the verifiers array: later changes by the caller do not reach the middleware', () => {
    const verifiers = [verifier];
    const resolved = normalizeBearerAuthOptions({ ...base(), verifiers });
    verifiers.push({ ...verifier, name: 'late' });
    expect(resolved.verifiers).toHaveLength(1);
  });

  it.each<[string, unknown, string]>([
    ['no options', undefined, 'bearerAuth: options object is required'],
    ['null options', null, 'bearerAuth: options object is required'],
    [
      'no verifiers',
      { directory: memoryDirectory([]) },
      'bearerAuth: "verifiers" option must be a non-empty array of verifiers',
    ],
    [
      'empty verifiers',
      { ...base(), verifiers: [] },
      'bearerAuth: "verifiers" option must be a non-empty array of verifiers',
    ],
    [
      'a verifier without verify',
      { ...base(), verifiers: [verifier, { name: 'x' }] },
      'bearerAuth: "verifiers" option: entry 1 is not a verifier ({ name, verify(token, ctx) })',
    ],
    [
      'a verifier without a name',
      { ...base(), verifiers: [{ name: '', verify: verifier.verify }] },
      'bearerAuth: "verifiers" option: entry 0 is not a verifier ({ name, verify(token, ctx) })',
    ],
    [
      'no directory',
      { verifiers: [verifier] },
      'bearerAuth: "directory" option must be a directory ({ find(identity, req) }) or a function',
    ],
    [
      'a directory without find',
      { ...base(), directory: { lookup: () => null } },
      'bearerAuth: "directory" option must be a directory ({ find(identity, req) }) or a function',
    ],
    [
      'an empty realm',
      { ...base(), realm: '' },
      'bearerAuth: "realm" option must be a non-empty string of printable ASCII without quotes or backslashes',
    ],
    [
      'a realm with a quote',
      { ...base(), realm: 'a"b' },
      'bearerAuth: "realm" option must be a non-empty string of printable ASCII without quotes or backslashes',
    ],
    [
      'a realm with a newline',
      { ...base(), realm: 'a\nb' },
      'bearerAuth: "realm" option must be a non-empty string of printable ASCII without quotes or backslashes',
    ],
    [
      'empty tokenLocations',
      { ...base(), tokenLocations: [] },
      `bearerAuth: "tokenLocations" option must be a non-empty array of 'header', 'body', 'query' or functions (req) => token`,
    ],
    [
      'tokenLocations as a string',
      { ...base(), tokenLocations: 'header' },
      `bearerAuth: "tokenLocations" option must be a non-empty array of 'header', 'body', 'query' or functions (req) => token`,
    ],
    [
      'an unknown location',
      { ...base(), tokenLocations: ['header', 'cookie'] },
      'bearerAuth: "tokenLocations" option: unknown location "cookie"',
    ],
    [
      'maxTokenLength 0',
      { ...base(), maxTokenLength: 0 },
      'bearerAuth: "maxTokenLength" option must be an integer from 1 to 1048576',
    ],
    [
      'maxTokenLength fractional',
      { ...base(), maxTokenLength: 10.5 },
      'bearerAuth: "maxTokenLength" option must be an integer from 1 to 1048576',
    ],
    [
      'maxTokenLength huge',
      { ...base(), maxTokenLength: 2 ** 21 },
      'bearerAuth: "maxTokenLength" option must be an integer from 1 to 1048576',
    ],
    [
      'maxTokenLength as a string',
      { ...base(), maxTokenLength: '8192' },
      'bearerAuth: "maxTokenLength" option must be an integer from 1 to 1048576',
    ],
    [
      'optional as a string',
      { ...base(), optional: 'yes' },
      'bearerAuth: "optional" option must be a boolean',
    ],
    [
      'an unknown errorFormat',
      { ...base(), errorFormat: 'json' },
      `bearerAuth: "errorFormat" option must be 'seed', 'rfc6750' or a function`,
    ],
    [
      'onDecision not a function',
      { ...base(), onDecision: 'log' },
      'bearerAuth: "onDecision" option must be a function',
    ],
    [
      'retryAfterSeconds negative',
      { ...base(), retryAfterSeconds: -1 },
      'bearerAuth: "retryAfterSeconds" option must be a non-negative integer',
    ],
  ])('%s → TypeError', (_name, options, message) => {
    const run = () => normalizeBearerAuthOptions(options as BearerAuthOptions);
    expect(run).toThrow(TypeError);
    expect(run).toThrow(new TypeError(message)); // the exact message
  });
});
