import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { runChain } from '../lib/chain.js';
import type { Identity, Verdict, Verifier, VerifyContext } from '../lib/index.js';

const ctx: VerifyContext = {
  req: {} as Request,
  scheme: 'bearer' as const,
  signal: new AbortController().signal,
};
const identity: Identity = {
  subject: 'u1',
  username: 'admin',
  scopes: [],
  claims: {},
  serviceAccount: false,
  verifier: 'b',
};

/** A verifier answering `verdict` and recording that it was asked. */
function answering(name: string, verdict: unknown, calls: string[]): Verifier {
  return {
    name,
    async verify(token) {
      calls.push(`${name}:${token}`);
      if (verdict instanceof Error) throw verdict;
      return verdict as Verdict;
    },
  };
}

describe('runChain', () => {
  it('asks the verifiers in order and stops at the first accept', async () => {
    const calls: string[] = [];
    const result = await runChain(
      [
        answering('a', { kind: 'pass', reason: 'token_not_jwt' }, calls),
        answering('b', { kind: 'accept', identity }, calls),
        answering('c', { kind: 'accept', identity }, calls),
      ],
      't',
      ctx,
    );
    expect(calls).toEqual(['a:t', 'b:t']);
    expect(result).toEqual({ kind: 'accept', identity, verifier: 'b' });
  });

  it.each<[Verdict['kind'], Verdict]>([
    ['reject', { kind: 'reject', reason: 'signature_invalid', cause: 'bad sig' }],
    ['unavailable', { kind: 'unavailable', reason: 'upstream_timeout', cause: 'slow' }],
  ])('%s stops the chain: the next verifier is never asked', async (kind, verdict) => {
    const calls: string[] = [];
    const result = await runChain(
      [answering('a', verdict, calls), answering('b', { kind: 'accept', identity }, calls)],
      't',
      ctx,
    );
    expect(calls).toEqual(['a:t']);
    expect(result).toEqual({
      kind,
      reason: (verdict as { reason: string }).reason,
      verifier: 'a',
      cause: (verdict as { cause: unknown }).cause,
    });
  });

  it('every verifier passing is "none", with each pass recorded', async () => {
    const calls: string[] = [];
    const result = await runChain(
      [
        answering('a', { kind: 'pass', reason: 'token_not_jwt' }, calls),
        answering('b', { kind: 'pass', reason: 'issuer_mismatch' }, calls),
      ],
      't',
      ctx,
    );
    expect(result).toEqual({
      kind: 'none',
      reason: 'issuer_mismatch',
      passes: [
        { verifier: 'a', reason: 'token_not_jwt' },
        { verifier: 'b', reason: 'issuer_mismatch' },
      ],
    });
  });

  it.each<[string, unknown]>([
    ['throws', new Error('boom')],
    ['answers undefined', undefined],
    ['answers null', null],
    ['answers a string', 'accept'],
    ['answers an unknown kind', { kind: 'maybe', reason: 'x' }],
    ['accepts without an identity', { kind: 'accept' }],
    [
      'accepts an identity without a subject',
      { kind: 'accept', identity: { ...identity, subject: 1 } },
    ],
    [
      'accepts an identity without scopes',
      { kind: 'accept', identity: { ...identity, scopes: 'a' } },
    ],
    ['rejects without a reason', { kind: 'reject' }],
    [
      'is unavailable for a reason that is not an outage',
      { kind: 'unavailable', reason: 'token_expired' },
    ],
    ['is unavailable for an unknown reason', { kind: 'unavailable', reason: 'database_down' }],
  ])(
    'a verifier that %s is an error outcome (fails closed), and stops the chain',
    async (_name, verdict) => {
      const calls: string[] = [];
      const result = await runChain(
        [answering('a', verdict, calls), answering('b', { kind: 'accept', identity }, calls)],
        't',
        ctx,
      );
      expect(calls).toEqual(['a:t']);
      expect(result).toMatchObject({ kind: 'error', reason: 'verifier_error', verifier: 'a' });
      expect((result as { cause: unknown }).cause).toBeInstanceOf(Error);
    },
  );

  it('passes the token and the context to each verifier', async () => {
    const seen: unknown[] = [];
    await runChain(
      [
        {
          name: 'a',
          verify: async (token, context) => {
            seen.push(token, context);
            return { kind: 'pass', reason: 'token_not_jwt' };
          },
        },
      ],
      'tok',
      ctx,
    );
    expect(seen).toEqual(['tok', ctx]);
  });
});
