import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import {
  clientCredentialsVerifier,
  type ClientCredentialsVerifierOptions,
  type Identity,
  type Verifier,
} from '../../lib/index.js';

const ctx = { req: {} as Request, scheme: 'bearer' as const, signal: new AbortController().signal };

/** Accepts every token as a client-credentials token of the client named by the token. */
const acceptsAsClient: Verifier = {
  name: 'test',
  async verify(token) {
    const identity: Identity = {
      subject: token,
      clientId: token,
      scopes: ['read', 'write'],
      claims: { sub: token, client_id: token },
      serviceAccount: false,
      verifier: 'test',
    };
    return { kind: 'accept', identity };
  },
};

const build = (options: Partial<ClientCredentialsVerifierOptions>) => () =>
  clientCredentialsVerifier({
    via: acceptsAsClient,
    serviceAccounts: {},
    ...options,
  } as ClientCredentialsVerifierOptions);

const PREFIX = 'clientCredentialsVerifier: ';
const VIA = `${PREFIX}"via" option must be a verifier ({ name, verify(token, ctx) }), e.g. jwtVerifier(...) or introspectionVerifier(...)`;
const ACCOUNTS = `${PREFIX}"serviceAccounts" option must be an object { clientId: username | { user, scopes? } } or a function (clientId, identity) => username | { user, scopes? } | null`;
const TIMEOUT = `${PREFIX}"mappingTimeoutMs" option must be a number of milliseconds from 1 to 2147483647`;

describe('clientCredentialsVerifier options', () => {
  it('is named client-credentials unless `name` says otherwise', () => {
    expect(build({})().name).toBe('client-credentials');
    expect(build({ name: 'service-accounts' })().name).toBe('service-accounts');
  });

  it('requires an options object', () => {
    expect(() =>
      clientCredentialsVerifier(undefined as unknown as ClientCredentialsVerifierOptions),
    ).toThrow(new TypeError(`${PREFIX}options object is required`));
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['null', null],
    ['a string', 'jwt'],
    ['an object without verify', { name: 'jwt' }],
    ['an object without a name', { verify: async () => ({ kind: 'pass' }) }],
    ['an empty name', { name: '', verify: async () => ({ kind: 'pass' }) }],
    ['a bare function', async () => ({ kind: 'pass' })],
  ])('refuses `via` that is %s', (_name, via) => {
    expect(build({ via: via as Verifier })).toThrow(new TypeError(VIA));
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['null', null],
    ['an array', [['svc', 'user']]],
    ['a string', 'svc-reports'],
  ])('refuses `serviceAccounts` that is %s', (_name, serviceAccounts) => {
    expect(build({ serviceAccounts: serviceAccounts as Record<string, string> })).toThrow(
      new TypeError(ACCOUNTS),
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an empty username',
      { svc: '' },
      'the entry of "svc" must be a username or { user, scopes? }',
    ],
    ['a number', { svc: 42 }, 'the entry of "svc" must be a username or { user, scopes? }'],
    ['null', { svc: null }, 'the entry of "svc" must be a username or { user, scopes? }'],
    [
      'no user',
      { svc: { scopes: ['read'] } },
      'the entry of "svc" "user" must be a non-empty string',
    ],
    [
      'a misspelt key',
      { svc: { user: 'u', scope: ['read'] } },
      'the entry of "svc" has unknown key(s) "scope"',
    ],
    [
      'scopes as a string',
      { svc: { user: 'u', scopes: 'read' } },
      'the entry of "svc" "scopes" must be an array of non-empty strings',
    ],
    [
      'an empty scope',
      { svc: { user: 'u', scopes: ['read', ''] } },
      'the entry of "svc" "scopes" must be an array of non-empty strings',
    ],
    ['an empty client id', { '': 'u' }, 'a client id must not be empty'],
    [
      'a function inside',
      { svc: { user: 'u', pick: () => 'x' } },
      'must hold plain data (usernames and { user, scopes? })',
    ],
  ])('refuses a `serviceAccounts` entry with %s', (_name, serviceAccounts, message) => {
    expect(build({ serviceAccounts: serviceAccounts as Record<string, string> })).toThrow(
      new TypeError(
        message.startsWith('must hold')
          ? `${PREFIX}"serviceAccounts" option ${message}`
          : `${PREFIX}"serviceAccounts" option: ${message}`,
      ),
    );
  });

  it.each<[string, unknown]>([
    ['zero', 0],
    ['negative', -1],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['a string', '100'],
    ['past what setTimeout honours', 2 ** 31],
  ])('refuses `mappingTimeoutMs` that is %s', (_name, mappingTimeoutMs) => {
    expect(build({ mappingTimeoutMs: mappingTimeoutMs as number })).toThrow(new TypeError(TIMEOUT));
  });

  it('refuses a non-function `isClientCredentials` and an empty `name`', () => {
    expect(build({ isClientCredentials: true as unknown as () => boolean })).toThrow(
      new TypeError(
        `${PREFIX}"isClientCredentials" option must be a function (identity) => boolean`,
      ),
    );
    expect(build({ name: '' })).toThrow(
      new TypeError(`${PREFIX}"name" option must be a non-empty string`),
    );
  });

  it('accepts frozen options and leaves them unchanged', async () => {
    const options = Object.freeze({
      via: acceptsAsClient,
      serviceAccounts: Object.freeze({
        'svc-a': Object.freeze({ user: 'svc-user', scopes: Object.freeze(['read']) }),
      }),
    });
    const before = JSON.stringify(options);
    const verifier = clientCredentialsVerifier(options);
    const verdict = await verifier.verify('svc-a', ctx);
    expect(verdict).toMatchObject({ kind: 'accept', identity: { username: 'svc-user' } });
    expect(JSON.stringify(options)).toBe(before);
  });

  it('snapshots an object mapping: later changes to it have no effect', async () => {
    const serviceAccounts: Record<string, string | { user: string; scopes?: string[] }> = {
      'svc-a': { user: 'svc-user', scopes: ['read'] },
    };
    const verifier = clientCredentialsVerifier({ via: acceptsAsClient, serviceAccounts });
    serviceAccounts['svc-b'] = 'intruder';
    (serviceAccounts['svc-a'] as { scopes: string[] }).scopes.push('write');
    expect(await verifier.verify('svc-a', ctx)).toMatchObject({
      kind: 'accept',
      identity: { username: 'svc-user', scopes: ['read'] },
    });
    expect(await verifier.verify('svc-b', ctx)).toEqual({
      kind: 'reject',
      reason: 'client_not_mapped',
    });
  });

  it('maps a client id that is also an Object.prototype name only when it is listed', async () => {
    const verifier = clientCredentialsVerifier({
      via: acceptsAsClient,
      serviceAccounts: JSON.parse('{"__proto__":"proto-user"}') as Record<string, string>,
    });
    expect(await verifier.verify('toString', ctx)).toEqual({
      kind: 'reject',
      reason: 'client_not_mapped',
    });
    expect(await verifier.verify('__proto__', ctx)).toMatchObject({
      kind: 'accept',
      identity: { username: 'proto-user' },
    });
  });
});
