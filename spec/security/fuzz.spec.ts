/**
 * Property-based fuzzing of the whole middleware over a real loopback server: random and mutated
 * Authorization headers never get an accept, never a 5xx other than the documented 503, and
 * always one of the pinned refusals; a valid token always gets an accept. `npm test` runs a few
 * hundred cases; `npm run fuzz` runs the same properties with FUZZ_RUNS cases each.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerifier } from '../../lib/index.js';
import { buildApp, type TestApp } from '../helpers/app.js';
import { jwksOf, testKey, type TestKey } from '../helpers/keys.js';
import { AUDIENCE, ISSUER, mintJwt, secondsFromNow } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';
import {
  EXPIRED,
  INVALID,
  MALFORMED,
  MISSING,
  ROUTE,
  segments,
  TOO_LONG,
  UNAVAILABLE,
  type Refusal,
} from './harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const TIMEOUT_MS = Math.max(20_000, RUNS * 40);
const PINNED: readonly Refusal[] = [INVALID, EXPIRED, MALFORMED, TOO_LONG, MISSING, UNAVAILABLE];
const KEYS: readonly TestKey[] = [testKey('RS256'), testKey('ES256'), testKey('EdDSA')];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** RFC 6750 §2.1 b64token characters. */
const B64TOKEN = `${B64URL}.~+/`;
/** Everything a client can put in a header value (RFC 9110 §5.5 field-vchar, SP, HTAB, obs-text). */
const HEADER_CHARS = [
  '\t',
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
  ...Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(0x80 + i)),
];

let target: TestApp;
let server: Server;
let agent: Agent;
let valid: string[];

interface Answer {
  status: number;
  challenge: string | undefined;
  body: unknown;
}

function get(authorization: string | undefined): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: ROUTE,
        agent,
        headers: authorization === undefined ? {} : { authorization },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            challenge: res.headers['www-authenticate'],
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The property every hostile input must satisfy: one of the pinned refusals, one refusal decision. */
async function refused(authorization: string): Promise<boolean> {
  target.decisions.length = 0;
  const answer = await get(authorization);
  const pinned = PINNED.some(
    (r) =>
      r.status === answer.status &&
      r.challenge === answer.challenge &&
      JSON.stringify(r.body) === JSON.stringify(answer.body),
  );
  const decision = target.decisions[0];
  const ok =
    pinned &&
    target.decisions.length === 1 &&
    decision !== undefined &&
    decision.outcome !== 'accept' &&
    decision.outcome !== 'error';
  if (!ok)
    throw new Error(
      `not a pinned refusal: ${JSON.stringify({ answer, decisions: target.decisions })}`,
    );
  return true;
}

const bearer = (token: string) => `Bearer ${token}`;
const stringOf = (chars: string | readonly string[], maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength });
const validToken = () => fc.constantFrom(...valid);

/** A valid token, one of its segments, and a position in it (fast-check favours both ends). */
const segmentPosition = (bytes: boolean) =>
  fc.tuple(validToken(), fc.nat({ max: 2 })).chain(([token, index]) => {
    const segment = segments(token)[index] as string;
    const length = bytes ? Buffer.from(segment, 'base64url').length : segment.length;
    return fc.tuple(
      fc.constant(token),
      fc.constant(index),
      fc.nat({ max: Math.max(0, length - 1) }),
    );
  });

/** Flip one bit of one decoded segment and re-encode it canonically. */
const bitFlip = () =>
  fc.tuple(segmentPosition(true), fc.nat({ max: 7 })).map(([[token, index, at], bit]) => {
    const parts = segments(token);
    const bytes = Buffer.from(parts[index] as string, 'base64url');
    if (bytes.length === 0) return `${token}x`;
    bytes[at] = (bytes[at] as number) ^ (1 << bit);
    parts[index] = bytes.toString('base64url');
    return parts.join('.');
  });

/** Replace one character of one segment with another b64url character. */
const charSubstitution = () =>
  fc
    .tuple(segmentPosition(false), fc.constantFrom(...B64URL))
    .filter(([[token, index, at], c]) => segments(token)[index]?.[at] !== c)
    .map(([[token, index, at], c]) => {
      const parts = segments(token);
      const segment = parts[index] as string;
      parts[index] = segment.slice(0, at) + c + segment.slice(at + 1);
      return parts.join('.');
    });

/** Header, payload and signature from different valid tokens (never payload and signature of one). */
const segmentSwap = () =>
  fc
    .tuple(
      validToken(),
      validToken(),
      validToken(),
      fc.constantFrom([0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1], [1, 2, 0]),
    )
    .filter(([, p, s, order]) => p !== s || order.join() !== '0,1,2')
    .map(([h, p, s, order]) => {
      const parts = [segments(h)[0], segments(p)[1], segments(s)[2]];
      return order.map((i) => parts[i]).join('.');
    });

/** The same token spelled another way: base64 with padding, case, whitespace JSON, framing. */
const reEncoding = () =>
  fc.tuple(validToken(), fc.nat({ max: 8 }), fc.nat()).map(([token, how, n]) => {
    const parts = segments(token);
    const std = (s: string) => Buffer.from(s, 'base64url').toString('base64');
    const json = (s: string) =>
      Buffer.from(
        JSON.stringify(JSON.parse(Buffer.from(s, 'base64url').toString()), null, 1),
      ).toString('base64url');
    switch (how) {
      case 0:
        return parts.map(std).join('.');
      case 1:
        return `${parts[0]}.${json(parts[1])}.${parts[2]}`;
      case 2:
        return `${json(parts[0])}.${parts[1]}.${parts[2]}`;
      case 3:
        return token.toUpperCase();
      case 4:
        return `${token}${'='.repeat(1 + (n % 3))}`;
      case 5:
        return token.slice(0, n % token.length);
      case 6:
        return `${token}.${parts[2]}`;
      case 7:
        return `${parts[0]}..${parts[2]}`;
      default:
        return parts.map((s) => `${s}=`).join('.');
    }
  });

beforeAll(async () => {
  target = buildApp({
    verifiers: [jwtVerifier({ jwks: jwksOf(...KEYS), issuer: ISSUER, audience: AUDIENCE })],
  });
  server = createServer(target.app);
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  valid = await Promise.all(
    KEYS.flatMap((key) =>
      [0, 1, 2].map((i) =>
        mintJwt({ key, claims: { jti: `${key.kid}-${i}`, pad: 'x'.repeat(i) } }),
      ),
    ),
  );
});
afterAll(async () => {
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fuzzing the Authorization header', () => {
  it(
    'refuses any header value with a pinned refusal',
    async () => {
      const scheme = fc.constantFrom(
        '',
        'Bearer ',
        'bearer ',
        'BEARER ',
        'Basic ',
        'Bearer',
        'Token ',
      );
      await fc.assert(
        fc.asyncProperty(scheme, stringOf(HEADER_CHARS, 200), (s, rest) => refused(`${s}${rest}`)),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'refuses random b64token and JWT-shaped strings',
    async () => {
      const b64token = stringOf(B64TOKEN, 400);
      const jwtShaped = fc
        .tuple(
          stringOf(B64URL, 120),
          stringOf(B64URL, 300),
          fc.oneof(stringOf(B64URL, 360), fc.constant('')),
        )
        .map((parts) => parts.join('.'));
      const jsonShaped = fc
        .tuple(fc.json(), fc.json(), stringOf(B64URL, 100))
        .map(
          ([h, p, s]) =>
            `${Buffer.from(h).toString('base64url')}.${Buffer.from(p).toString('base64url')}.${s}`,
        );
      await fc.assert(
        fc.asyncProperty(fc.oneof(b64token, jwtShaped, jsonShaped), (token) =>
          refused(bearer(token)),
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'refuses bit flips of valid tokens',
    async () => {
      await fc.assert(
        fc.asyncProperty(bitFlip(), (token) => refused(bearer(token))),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'refuses character substitutions in valid tokens',
    async () => {
      await fc.assert(
        fc.asyncProperty(charSubstitution(), (token) => refused(bearer(token))),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'refuses segment swaps between valid tokens',
    async () => {
      await fc.assert(
        fc.asyncProperty(segmentSwap(), (token) => refused(bearer(token))),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'refuses re-encodings of valid tokens',
    async () => {
      await fc.assert(
        fc.asyncProperty(reEncoding(), (token) => refused(bearer(token))),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'accepts every valid token, whatever its claims and key',
    async () => {
      const claims = fc.record({
        user: fc.constantFrom(...USERS.slice(0, 2)),
        scope: fc.subarray(['read', 'write', 'delete', 'admin']).map((s) => s.join(' ')),
        lifetime: fc.integer({ min: 60, max: 86_400 }),
        // A `__proto__` key at any depth is refused on purpose (spec/security covers it), so the
        // claims of a valid token never hold one.
        extra: fc
          .dictionary(fc.stringMatching(/^x_[a-z]{1,8}$/), fc.jsonValue(), { maxKeys: 4 })
          .filter((value) => !JSON.stringify(value).includes('"__proto__"')),
        key: fc.constantFrom(...KEYS),
      });
      await fc.assert(
        fc.asyncProperty(claims, async ({ user, scope, lifetime, extra, key }) => {
          const token = await mintJwt({
            key,
            claims: {
              ...extra,
              sub: user.key,
              preferred_username: user.name,
              scope,
              exp: secondsFromNow(lifetime),
            },
          });
          target.decisions.length = 0;
          const answer = await get(bearer(token));
          expect(answer).toEqual({ status: 200, challenge: undefined, body: user });
          expect(target.decisions.map((d) => d.outcome)).toEqual(['accept']);
        }),
        { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
      );
    },
    TIMEOUT_MS,
  );
});
