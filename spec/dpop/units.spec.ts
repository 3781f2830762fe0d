/**
 * The small DPoP modules on their own: options, htu and Host, nonces, the in-memory replay
 * store, the replay claim, the header count and the binding decision.
 */
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { bindDpop } from '../../lib/binding/dpop-bind.js';
import { checkDpopHeaders, dpopHeaderLines } from '../../lib/binding/dpop-header.js';
import { expectedHtu, isValidHostHeader, normalizeHtu } from '../../lib/binding/dpop-htu.js';
import { nonceIssuer, NONCE_STEP_SECONDS } from '../../lib/binding/dpop-nonce.js';
import { DPOP_DEFAULTS, normalizeDpopOptions } from '../../lib/binding/dpop-options.js';
import { memoryReplayStore } from '../../lib/binding/replay-memory.js';
import { claimProof, replayKey } from '../../lib/binding/replay-store.js';
import { extractToken } from '../../lib/extract.js';

const SECRET = 'a-nonce-secret-of-at-least-32-bytes!!';

describe('normalizeDpopOptions', () => {
  it('absent: DPoP off; {}: the documented defaults', () => {
    expect(normalizeDpopOptions(undefined)).toBeUndefined();
    const d = normalizeDpopOptions({})!;
    expect(d).toMatchObject({
      required: false,
      algorithms: ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'],
      maxAgeSeconds: 120,
      clockToleranceSeconds: 5,
      publicUrl: undefined,
      nonces: undefined,
    });
    expect(Object.isFrozen(d)).toBe(true);
    expect(DPOP_DEFAULTS.replayMax).toBe(100_000);
  });

  it.each([
    [{ requird: true }, /unknown option "requird" \(did you mean "required"\?\)/],
    [{ enabled: true }, /unknown option "enabled": the presence of "dpop"/],
    [{ iatOffset: 300 }, /"maxAgeSeconds"/],
    [{ required: 'yes' }, /dpop\.required/],
    [{ algorithms: [] }, /dpop\.algorithms/],
    [{ algorithms: ['none'] }, /"none" is not supported/],
    [{ algorithms: ['HS256'] }, /"HS256" is not supported.*HMAC/],
    [{ algorithms: ['ES256', 'RSA-OAEP'] }, /"RSA-OAEP" is not supported/],
    [{ maxAgeSeconds: 0 }, /dpop\.maxAgeSeconds/],
    [{ maxAgeSeconds: 1.5 }, /dpop\.maxAgeSeconds/],
    [{ clockToleranceSeconds: -1 }, /dpop\.clockToleranceSeconds/],
    [{ publicUrl: '/api' }, /dpop\.publicUrl/],
    [{ publicUrl: 'ftp://api.example.com' }, /dpop\.publicUrl/],
    [{ publicUrl: 'https://api.example.com/?a=1' }, /dpop\.publicUrl/],
    [{ publicUrl: 'https://api.example.com/#f' }, /dpop\.publicUrl/],
    [{ publicUrl: 'https://user:pw@api.example.com' }, /dpop\.publicUrl/],
    [{ requestUri: '/x' }, /dpop\.requestUri/],
    [{ replay: { max: 0 } }, /dpop\.replay\.max/],
    [{ replay: { maxEntries: 10 } }, /dpop\.replay: unknown option "maxEntries"/],
    [{ replay: { claim: 'yes' } }, /"claim" must be a function/],
    [{ replay: 'memory' }, /dpop\.replay/],
    [{ nonce: { secret: 'short' } }, /dpop\.nonce\.secret.*32 bytes/],
    [{ nonce: { secret: randomBytes(31) } }, /dpop\.nonce\.secret/],
    [{ nonce: { secret: SECRET, requried: true } }, /dpop\.nonce: unknown option "requried"/],
    [{ nonce: { secret: SECRET, required: 1 } }, /dpop\.nonce\.required/],
    ['on', /"dpop" option must be an object/],
  ])('%j → TypeError', (options, message) => {
    expect(() => normalizeDpopOptions(options)).toThrow(TypeError);
    expect(() => normalizeDpopOptions(options)).toThrow(message);
  });

  it('publicUrl: origin plus base path, trailing slash dropped', () => {
    expect(normalizeDpopOptions({ publicUrl: 'https://API.example.com:443/' })!.publicUrl).toBe(
      'https://api.example.com',
    );
    expect(normalizeDpopOptions({ publicUrl: 'https://example.com/jira/' })!.publicUrl).toBe(
      'https://example.com/jira',
    );
  });

  it('replay: a store object is used as given; { max } builds the in-memory one', () => {
    const store = { claim: async () => true };
    expect(normalizeDpopOptions({ replay: store })!.replay).toBe(store);
    expect(typeof normalizeDpopOptions({ replay: { max: 5 } })!.replay.claim).toBe('function');
  });

  it('nonce: on with a 32-byte secret (string or Buffer), required by default', () => {
    const on = normalizeDpopOptions({ nonce: { secret: randomBytes(32) } })!;
    expect(on.nonces).toBeDefined();
    expect(on.nonceRequired).toBe(true);
    expect(
      normalizeDpopOptions({ nonce: { secret: SECRET, required: false } })!.nonceRequired,
    ).toBe(false);
  });
});

describe('htu and Host', () => {
  it.each([
    ['HTTP://Example.COM:80/a/b?c#d', 'http://example.com/a/b'],
    ['https://example.com:8443/%7ea%2fb', 'https://example.com:8443/~a%2Fb'],
    ['https://[::1]:443/x', 'https://[::1]/x'],
    ['https://example.com/a/./b/../c', 'https://example.com/a/c'],
  ])('normalizeHtu(%j) = %j', (input, output) => {
    expect(normalizeHtu(input)).toBe(output);
  });

  it.each([['ftp://example.com/'], ['https://user@example.com/'], ['/relative'], [42], ['']])(
    'normalizeHtu(%j) is undefined',
    (input) => {
      expect(normalizeHtu(input)).toBeUndefined();
    },
  );

  it.each([['api.example.com'], ['api.example.com:8080'], ['127.0.0.1:3000'], ['[::1]:3000']])(
    'Host %j is well-formed',
    (host) => expect(isValidHostHeader(host)).toBe(true),
  );

  it.each([
    ['evil.example.com/rest'],
    ['user@api.example.com'],
    ['api.example.com:8080:1'],
    ['api example.com'],
    ['api.example.com?x'],
    ['api.example.com#x'],
    ['%61pi.example.com'],
    [''],
    [undefined],
  ])('Host %j is refused', (host) => expect(isValidHostHeader(host)).toBe(false));

  it('without publicUrl: protocol + validated Host + target; never a bad Host', () => {
    const src = { protocol: 'http', host: '127.0.0.1:3000', target: '/rest/api?x=1' };
    expect(expectedHtu(src, undefined)).toBe('http://127.0.0.1:3000/rest/api');
    expect(expectedHtu({ ...src, host: 'evil.com/x' }, undefined)).toBeUndefined();
    expect(expectedHtu({ ...src, host: undefined }, undefined)).toBeUndefined();
  });

  it('with publicUrl: the Host is not read; absolute-form targets match nothing', () => {
    const src = { protocol: 'http', host: 'evil.example.com', target: '/rest/api' };
    expect(expectedHtu(src, 'https://api.example.com/base')).toBe(
      'https://api.example.com/base/rest/api',
    );
    expect(expectedHtu({ ...src, target: 'evil.example.com/rest' }, 'https://a.example')).toBe(
      undefined,
    );
    expect(expectedHtu({ ...src, target: '//evil.example.com/x' }, 'https://a.example')).toBe(
      'https://a.example//evil.example.com/x',
    );
  });
});

describe('stateless nonces', () => {
  const issuer = nonceIssuer(Buffer.from(SECRET));
  const step = NONCE_STEP_SECONDS * 1000;
  const t0 = 1_800_000_000_000;

  it('a nonce is valid during its step and the two after it, then unknown', () => {
    const nonce = issuer.current(t0);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(issuer.check(nonce, t0)).toBe('valid');
    expect(issuer.check(nonce, t0 + step)).toBe('valid');
    expect(issuer.check(nonce, t0 + 2 * step)).toBe('valid');
    expect(issuer.check(nonce, t0 + 3 * step)).toBe('unknown');
    expect(issuer.current(t0 + step)).not.toBe(nonce);
  });

  it('every instance holding the secret accepts it; another secret does not', () => {
    const nonce = issuer.current(t0);
    expect(nonceIssuer(Buffer.from(SECRET)).check(nonce, t0)).toBe('valid');
    expect(nonceIssuer(randomBytes(32)).check(nonce, t0)).toBe('unknown');
  });

  it('missing, malformed and forged nonces', () => {
    expect(issuer.check(undefined, t0)).toBe('missing');
    expect(issuer.check(42, t0)).toBe('unknown');
    expect(issuer.check('x'.repeat(22), t0)).toBe('unknown');
    expect(issuer.check(`${issuer.current(t0)}x`, t0)).toBe('unknown');
  });
});

describe('memoryReplayStore', () => {
  it('first claim true, replay false, and the key may be claimed again once expired', async () => {
    let now = 1000;
    const store = memoryReplayStore({ max: 10 }, () => now);
    expect(await store.claim('a', 100)).toBe(true);
    expect(await store.claim('a', 100)).toBe(false);
    now = 1100;
    expect(await store.claim('a', 100)).toBe(true);
  });

  it('full of unexpired entries: refuses (never evicts one); expired entries are swept', async () => {
    let now = 0;
    const store = memoryReplayStore({ max: 3 }, () => now);
    for (const k of ['a', 'b', 'c']) expect(await store.claim(k, 1000)).toBe(true);
    await expect(store.claim('d', 1000)).rejects.toThrow('full');
    expect(await store.claim('a', 1000)).toBe(false); // still remembered
    now = 1000;
    expect(await store.claim('d', 1000)).toBe(true);
    expect(store.size).toBe(1);
  });

  it('an entry with a shorter lifetime added after a sweep is swept in time', async () => {
    let now = 0;
    const store = memoryReplayStore({ max: 2 }, () => now);
    await store.claim('long', 10_000);
    await store.claim('x', 10_000);
    await expect(store.claim('y', 1)).rejects.toThrow('full');
    now = 10_000;
    await store.claim('a', 10_000);
    await store.claim('short', 5);
    now = 10_010;
    expect(await store.claim('next', 10_000)).toBe(true);
  });
});

describe('claimProof', () => {
  const use = { jkt: 'thumb', jti: 'the-jti', acceptableUntilMs: 61_000 };

  it('the key is a hash of (jkt, jti), the ttl the remaining window', async () => {
    const seen: Array<[string, number]> = [];
    const store = { claim: async (k: string, ttl: number) => (seen.push([k, ttl]), true) };
    expect(await claimProof(store, use, 1000, 1_000)).toEqual({ kind: 'first' });
    expect(seen).toEqual([[replayKey(use), 60_000]]);
    expect(seen[0]![0]).not.toContain('the-jti');
    expect(replayKey({ jkt: 'other', jti: 'the-jti' })).not.toBe(replayKey(use));
  });

  it('false → dpop_proof_replayed; throw → replay_store_error; full → replay_store_full', async () => {
    expect(await claimProof({ claim: async () => false }, use, 1000)).toMatchObject({
      reason: 'dpop_proof_replayed',
    });
    expect(
      await claimProof({ claim: () => Promise.reject(new Error('down')) }, use, 1000),
    ).toMatchObject({ reason: 'replay_store_error' });
    expect(
      await claimProof(
        {
          claim: () => {
            throw new Error('sync');
          },
        },
        use,
        1000,
      ),
    ).toMatchObject({ reason: 'replay_store_error' });
    const full = memoryReplayStore({ max: 1 });
    await full.claim('other', 60_000);
    expect(await claimProof(full, use, 1000, 1_000)).toMatchObject({ reason: 'replay_store_full' });
    expect(
      await claimProof({ claim: async () => 'yes' as unknown as boolean }, use, 1000),
    ).toMatchObject({ reason: 'replay_store_error' });
  });

  it('a store that never answers → replay_store_error after the timeout', async () => {
    const result = await claimProof({ claim: () => new Promise<boolean>(() => {}) }, use, 20);
    expect(result).toMatchObject({ kind: 'refused', reason: 'replay_store_error' });
  });
});

describe('DPoP headers', () => {
  it('counts raw header lines, case-insensitively', () => {
    expect(dpopHeaderLines(['Host', 'x', 'DPoP', 'a', 'dpop', 'b'])).toEqual(['a', 'b']);
  });

  it.each([
    ['dpop', [], { kind: 'error', reason: 'dpop_proof_missing' }],
    ['dpop', ['p'], { kind: 'proof', proof: 'p' }],
    ['dpop', ['p', 'q'], { kind: 'error', reason: 'dpop_proof_multiple' }],
    ['bearer', ['p'], { kind: 'error', reason: 'dpop_scheme_mismatch' }],
    ['bearer', [], { kind: 'none' }],
    [undefined, ['p'], { kind: 'error', reason: 'dpop_scheme_mismatch' }],
    [undefined, [], { kind: 'none' }],
  ] as const)('scheme %s, lines %j', (scheme, lines, result) => {
    expect(checkDpopHeaders(scheme, lines)).toEqual(result);
  });
});

describe('bindDpop', () => {
  it.each([
    [{ jkt: 'k' }, 'dpop', 'k', false, { kind: 'dpop' }],
    [{ jkt: 'k' }, 'dpop', 'other', false, { kind: 'refused', reason: 'dpop_key_mismatch' }],
    [
      { jkt: 'k' },
      'bearer',
      undefined,
      false,
      { kind: 'refused', reason: 'dpop_bound_token_as_bearer' },
    ],
    [undefined, 'dpop', 'k', false, { kind: 'refused', reason: 'dpop_token_unbound' }],
    [{}, 'dpop', 'k', false, { kind: 'refused', reason: 'dpop_token_unbound' }],
    [undefined, 'bearer', undefined, true, { kind: 'refused', reason: 'dpop_required' }],
    [undefined, 'bearer', undefined, false, { kind: 'bearer' }],
  ] as const)('cnf %j, scheme %s, proof %s, required %s', (cnf, scheme, jkt, required, result) => {
    expect(bindDpop(cnf, scheme, jkt, required)).toEqual(result);
  });
});

describe('extractToken with the DPoP scheme', () => {
  const sources = (authorization: string[], dpopScheme: boolean) => ({
    authorization,
    query: undefined,
    body: undefined,
    method: 'GET',
    formEncoded: false,
    dpopScheme,
  });
  const HEADER = new Set(['header'] as const);

  it.each([['DPoP abc'], ['dpop abc'], ['DPOP abc']])('%j → a dpop token', (value) => {
    expect(extractToken(sources([value], true), HEADER, 100)).toEqual({
      kind: 'token',
      token: 'abc',
      location: 'header',
      scheme: 'dpop',
    });
  });

  it('Bearer still gives a bearer token', () => {
    expect(extractToken(sources(['Bearer abc'], true), HEADER, 100)).toMatchObject({
      scheme: 'bearer',
    });
  });

  it('with DPoP off the scheme is no token', () => {
    expect(extractToken(sources(['DPoP abc'], false), HEADER, 100)).toEqual({ kind: 'none' });
  });

  it.each([['DPoP  abc'], ['DPoP'], ['DPoP a b'], ['DPoP\tabc']])('%j → malformed', (value) => {
    expect(extractToken(sources([value], true), HEADER, 100)).toEqual({
      kind: 'error',
      reason: 'token_malformed',
    });
  });

  it('the length cap applies to DPoP tokens', () => {
    expect(extractToken(sources([`DPoP ${'a'.repeat(101)}`], true), HEADER, 100)).toEqual({
      kind: 'error',
      reason: 'token_too_long',
    });
  });
});
