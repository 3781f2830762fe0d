import { describe, expect, it } from '@jest/globals';
import {
  createTokenCache,
  normalizeCacheOption,
  TOKEN_CACHE_DEFAULTS,
  type Loaded,
} from '../../lib/cache/token-cache.js';

interface Box {
  n: number;
}

/** A loader whose answer the test releases. */
function deferredLoader(value: Box, ttlMs: number) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  const load = async (): Promise<Loaded<Box>> => {
    calls++;
    await gate;
    return { value, ttlMs };
  };
  return { load, release, calls: () => calls };
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createTokenCache', () => {
  it('shares one load between 200 concurrent resolves of one token', async () => {
    const cache = createTokenCache<Box>({ max: 10 });
    const loader = deferredLoader({ n: 1 }, 60_000);
    const all = Array.from({ length: 200 }, () => cache.resolve('token-a', loader.load));
    loader.release();
    const values = await Promise.all(all);
    expect(loader.calls()).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(values[0]).toEqual({ n: 1 });
  });

  it('serves a hit until its lifetime on the injected clock passes, then loads again', async () => {
    const time = clock();
    const cache = createTokenCache<Box>({ max: 10, now: time.now });
    let loads = 0;
    const load = async () => ({ value: { n: ++loads }, ttlMs: 30_000 });
    expect(await cache.resolve('t', load)).toEqual({ n: 1 });
    time.advance(29_999);
    expect(await cache.resolve('t', load)).toEqual({ n: 1 });
    time.advance(1);
    expect(await cache.resolve('t', load)).toEqual({ n: 2 });
  });

  it('re-checks isFresh on every hit and drops a stale entry', async () => {
    let fresh = true;
    const cache = createTokenCache<Box>({ max: 10, isFresh: () => fresh });
    let loads = 0;
    const load = async () => ({ value: { n: ++loads }, ttlMs: 60_000 });
    await cache.resolve('t', load);
    expect(await cache.resolve('t', load)).toEqual({ n: 1 });
    fresh = false;
    expect(await cache.resolve('t', load)).toEqual({ n: 2 });
  });

  it('keeps nothing for a ttl of 0 or when disabled, but still shares concurrent loads', async () => {
    const zero = createTokenCache<Box>({ max: 10 });
    let loads = 0;
    await zero.resolve('t', async () => ({ value: { n: ++loads }, ttlMs: 0 }));
    await zero.resolve('t', async () => ({ value: { n: ++loads }, ttlMs: 0 }));
    expect(loads).toBe(2);
    expect(zero.size).toBe(0);

    const off = createTokenCache<Box>({ max: 10, enabled: false });
    const loader = deferredLoader({ n: 7 }, 60_000);
    const both = Promise.all([off.resolve('t', loader.load), off.resolve('t', loader.load)]);
    loader.release();
    await both;
    expect(loader.calls()).toBe(1);
    expect(off.size).toBe(0);
    await off.resolve('t', loader.load);
    expect(loader.calls()).toBe(2);
  });

  it('does not keep a failed load, and the next resolve tries again', async () => {
    const cache = createTokenCache<Box>({ max: 10 });
    await expect(
      cache.resolve('t', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await cache.resolve('t', async () => ({ value: { n: 2 }, ttlMs: 1000 }))).toEqual({
      n: 2,
    });
  });

  it('forget() drops an entry at once and keeps a check in flight from storing', async () => {
    const cache = createTokenCache<Box>({ max: 10 });
    await cache.resolve('t', async () => ({ value: { n: 1 }, ttlMs: 60_000 }));
    expect(cache.forget('t')).toBe(true);
    expect(cache.forget('t')).toBe(false);

    const loader = deferredLoader({ n: 2 }, 60_000);
    const pending = cache.resolve('t', loader.load);
    expect(cache.forget('t')).toBe(true);
    loader.release();
    expect(await pending).toEqual({ n: 2 });
    expect(cache.size).toBe(0);
    expect(await cache.resolve('t', async () => ({ value: { n: 3 }, ttlMs: 60_000 }))).toEqual({
      n: 3,
    });
  });

  it('clear() drops every entry', async () => {
    const cache = createTokenCache<Box>({ max: 10 });
    await cache.resolve('a', async () => ({ value: { n: 1 }, ttlMs: 60_000 }));
    await cache.resolve('b', async () => ({ value: { n: 2 }, ttlMs: 60_000 }));
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('stays within max under 100 000 distinct tokens', async () => {
    const max = 1000;
    const cache = createTokenCache<Box>({ max });
    const value = { n: 0 };
    const load = async () => ({ value, ttlMs: 600_000 });
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      await cache.resolve(`token-${i}`, load);
      if (cache.size > largest) largest = cache.size;
    }
    expect(largest).toBe(max);
    // The newest survive; the oldest were evicted.
    let loads = 0;
    const counting = async () => ({ value: { n: ++loads }, ttlMs: 600_000 });
    await cache.resolve('token-99999', counting);
    await cache.resolve('token-0', counting);
    expect(loads).toBe(1);
  });
});

describe('normalizeCacheOption', () => {
  it('applies the defaults and turns off with false', () => {
    expect(normalizeCacheOption('f', undefined)).toEqual(TOKEN_CACHE_DEFAULTS);
    expect(normalizeCacheOption('f', { ttlSeconds: 5 })).toEqual({
      ...TOKEN_CACHE_DEFAULTS,
      ttlSeconds: 5,
    });
    expect(normalizeCacheOption('f', false)).toBe(false);
  });

  it.each([
    [null, 'f: "cache" option must be an object or false'],
    [true, 'f: "cache" option must be an object or false'],
    [{ max: 0 }, 'f: "cache.max" option must be a positive integer'],
    [{ max: 1.5 }, 'f: "cache.max" option must be a positive integer'],
    [{ ttlSeconds: -1 }, 'f: "cache.ttlSeconds" option must be a non-negative number of seconds'],
    [
      { negativeTtlSeconds: Infinity },
      'f: "cache.negativeTtlSeconds" option must be a non-negative number of seconds',
    ],
  ])('refuses %p', (value, message) => {
    expect(() => normalizeCacheOption('f', value as never)).toThrow(new TypeError(message));
  });
});
