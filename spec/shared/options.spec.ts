import { afterAll, describe, expect, it } from '@jest/globals';
import {
  bearerAuth,
  introspectionVerifier,
  memoryDirectory,
  memoryStore,
  sharedCache,
  type SharedCache,
  type SharedCacheOptions,
} from '../../lib/index.js';
import { nodeRedisStore, ioredisStore } from '../../lib/redis/index.js';

const secret = 'a secret of at least thirty-two bytes, for option tests';
const made: SharedCache[] = [];
const make = (options: Partial<SharedCacheOptions>) => {
  const shared = sharedCache({ store: memoryStore(), secret, ...options } as SharedCacheOptions);
  made.push(shared);
  return shared;
};
afterAll(() => Promise.all(made.map((s) => s.close())));

describe('sharedCache options', () => {
  it.each([
    [{ secret: 'short' }, /"secret" option must be a string or Buffer of at least 32 bytes/],
    [{ secret: [] }, /"secret"/],
    [{ secret: [secret, Buffer.alloc(8)] }, /"secret"/],
    [{ store: {} }, /"store" option must be a store/],
    [{ namespace: 'a b' }, /"namespace" option/],
    [{ namespace: '' }, /"namespace" option/],
    [{ timeoutMs: 0 }, /"timeoutMs" option must be a positive integer/],
    [{ timeoutMs: 1.5 }, /"timeoutMs"/],
    [{ localTtlSeconds: -1 }, /"localTtlSeconds"/],
    [{ revocationTtlSeconds: Number.NaN }, /"revocationTtlSeconds"/],
    [{ breaker: { failures: 0 } }, /"breaker.failures"/],
    [{ breaker: { retries: 1 } }, /unknown option "retries"/],
    [{ timeout: 100 }, /unknown option "timeout": write "timeoutMs"/],
    [{ prefix: 'x' }, /unknown option "prefix": write "namespace"/],
    [{ namespce: 'x' }, /unknown option "namespce" \(did you mean "namespace"\?\)/],
    [{ onStatusChange: 'log' }, /"onStatusChange" option must be a function/],
  ])('%j throws a TypeError naming the option', (options, message) => {
    expect(() => make(options as Partial<SharedCacheOptions>)).toThrow(TypeError);
    expect(() => make(options as Partial<SharedCacheOptions>)).toThrow(message);
  });

  it('accepts a Buffer secret, a list for rotation, and options set to undefined', () => {
    expect(() => make({ secret: Buffer.alloc(32, 1) })).not.toThrow();
    expect(() =>
      make({ secret: [secret, Buffer.alloc(48, 2)], timeoutMs: undefined }),
    ).not.toThrow();
  });

  it('a verifier refuses a shared cache that is not one, and unknown cache keys', () => {
    const base = {
      endpoint: 'http://127.0.0.1:1/i',
      clientId: 'a',
      clientSecret: 'b',
      audience: 'x',
    };
    expect(() => introspectionVerifier({ ...base, cache: { shared: {} as SharedCache } })).toThrow(
      /"cache.shared" option must be a sharedCache\(\)/,
    );
    expect(() => introspectionVerifier({ ...base, cache: { maxx: 1 } as never })).toThrow(
      /unknown option "maxx" \(did you mean "max"\?\)/,
    );
    expect(() => introspectionVerifier({ ...base, cache: { shared: make({}) } })).not.toThrow();
  });

  it('bearerAuth refuses a revocation option that is not a shared cache', () => {
    const verifiers = [
      {
        name: 'x',
        verify: async () => ({ kind: 'pass' as const, reason: 'token_unrecognized' as const }),
      },
    ];
    expect(() =>
      bearerAuth({ verifiers, directory: memoryDirectory([]), revocation: {} as SharedCache }),
    ).toThrow(/"revocation" option must be a sharedCache\(\)/);
  });

  it('the adapters refuse something that is not a Redis client', () => {
    expect(() => nodeRedisStore({} as never)).toThrow(/nodeRedisStore: expected a Redis client/);
    expect(() => ioredisStore(null as never)).toThrow(/ioredisStore: expected a Redis client/);
  });

  it('revokeSubject and revoke check their arguments', async () => {
    const shared = make({});
    await expect(shared.revoke('')).rejects.toThrow(TypeError);
    await expect(shared.revokeSubject({ issuer: 'i', subject: '' })).rejects.toThrow(/"subject"/);
    await expect(
      shared.revokeSubject({ issuer: 'i', subject: 's', before: Number.NaN }),
    ).rejects.toThrow(/"before"/);
    await expect(
      shared.revokeSubject({ issuer: 'i', subject: 's', until: 1 } as never),
    ).rejects.toThrow(/unknown option "until"/);
  });

  it('memoryStore shares revocations between two shared caches in one process', async () => {
    const store = memoryStore();
    const one = make({ store });
    const two = make({ store });
    const identity = {
      subject: 's',
      issuer: 'i',
      scopes: [],
      claims: { iat: 1 },
      serviceAccount: false,
      verifier: 'v',
    };
    expect(await two.check('tok', identity)).toBeUndefined();
    await one.revoke('tok');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(two.check('tok', identity)).toBe('token_revoked');
    await one.revokeSubject({ issuer: 'i', subject: 's' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await two.check('other', identity)).toBe('subject_revoked');
  });
});
