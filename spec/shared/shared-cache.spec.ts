/**
 * sharedCache with two (or three) in-process instances sharing one real Redis, in front of a
 * counting introspection server: one upstream call per token, revocations on every instance,
 * and nothing written into Redis by someone without the secret ever grants access.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { MESSAGES, type Identity, type SharedCache } from '../../lib/index.js';
import { nodeRedisStore } from '../../lib/redis/index.js';
import { keySpace, scopeOf } from '../../lib/shared/keys.js';
import { sealMessage } from '../../lib/shared/revocation.js';
import { deriveKeys } from '../../lib/shared/secrets.js';
import { getMyself, seed } from '../helpers/app.js';
import { USERS } from '../helpers/users.js';
import {
  eventually,
  instance,
  ISSUER,
  live,
  opaqueToken,
  SECRET,
  startUpstream,
  type Instance,
  type Upstream,
} from './fixture.js';
import {
  deleteKeys,
  nodeRedisClient,
  uniqueNamespace,
  type NodeRedisClient,
} from './redis-helpers.js';

let upstream: Upstream;
let admin: NodeRedisClient;
let clientA: NodeRedisClient;
let clientB: NodeRedisClient;
const namespace = uniqueNamespace('shared');
const prefix = `bg:v1:${namespace}:`;
const opened: SharedCache[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  [admin, clientA, clientB] = await Promise.all([
    nodeRedisClient(),
    nodeRedisClient(),
    nodeRedisClient(),
  ]);
});

afterEach(async () => {
  upstream.delayMs = 0;
  upstream.gate = undefined;
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await deleteKeys(admin, prefix);
  await Promise.all([admin.quit(), clientA.quit(), clientB.quit()]);
  await upstream.close();
});

/** Two instances on the same store, their subscriptions live. */
async function pair(extra: { secret?: string | string[] } = {}): Promise<[Instance, Instance]> {
  const a = instance(upstream, { store: nodeRedisStore(clientA), namespace, ...extra });
  const b = instance(upstream, { store: nodeRedisStore(clientB), namespace, ...extra });
  opened.push(a.shared, b.shared);
  await Promise.all([live(a.shared), live(b.shared)]);
  return [a, b];
}

async function later(extra: { secret?: string | string[] } = {}): Promise<Instance> {
  const c = instance(upstream, { store: nodeRedisStore(clientA), namespace, ...extra });
  opened.push(c.shared);
  await live(c.shared);
  return c;
}

const space = keySpace(namespace, deriveKeys('test', SECRET));
const entryKey = (token: string) => space.entry(scopeOf('introspection'), space.tokenId(token));
/** Resolves once the entry of `token` is in Redis (writes are off the response path). */
const stored = (token: string) =>
  eventually(async () => (await admin.get(entryKey(token))) !== null);

const ADMIN = USERS[0];
const inactive = seed(MESSAGES.expiredOrInvalidClient);

describe('sharing verdicts', () => {
  it('staggered requests on two instances make one upstream call', async () => {
    const [a, b] = await pair();
    const token = opaqueToken();
    const before = upstream.calls();
    await getMyself(a.app, token).expect(200, ADMIN);
    await stored(token);
    await getMyself(b.app, token).expect(200, ADMIN);
    await getMyself(b.app, token).expect(200, ADMIN);
    await getMyself(a.app, token).expect(200, ADMIN);
    expect(upstream.calls() - before).toBe(1);
  });

  it('keeps only a sealed value under an HMAC key: neither the token nor its hash is in Redis', async () => {
    const [a] = await pair();
    const token = opaqueToken();
    await getMyself(a.app, token).expect(200, ADMIN);
    await stored(token);
    const keys: string[] = [];
    for await (const batch of admin.scanIterator({ MATCH: `${prefix}*` }))
      keys.push(...(batch as unknown as string[]));
    const plainHash = createHash('sha256').update(token).digest('base64url');
    for (const key of keys) {
      expect(key).not.toContain(token);
      expect(key).not.toContain(plainHash);
      const value = (await admin.get(key)) ?? '';
      expect(value).not.toContain('admin');
      expect(value).not.toContain(token);
    }
    expect((await admin.get(entryKey(token)))?.startsWith('v1.')).toBe(true);
  });

  it('a value sealed with a rotated-out secret is a miss; the list of secrets reads the old one', async () => {
    const OLD = 'the previous shared-cache secret, also over 32 bytes long';
    const NEW = 'the next shared-cache secret, over thirty-two bytes long';
    const [a] = await pair({ secret: OLD });
    const token = opaqueToken();
    await getMyself(a.app, token).expect(200, ADMIN);
    const oldSpace = keySpace(namespace, deriveKeys('test', OLD));
    await eventually(
      async () =>
        (await admin.get(oldSpace.entry(scopeOf('introspection'), oldSpace.tokenId(token)))) !==
        null,
    );
    const calls = upstream.calls();
    const rotating = await later({ secret: [NEW, OLD] });
    await getMyself(rotating.app, token).expect(200, ADMIN);
    expect(upstream.calls()).toBe(calls);
    const rotated = await later({ secret: NEW });
    await getMyself(rotated.app, token).expect(200, ADMIN);
    expect(upstream.calls()).toBe(calls + 1);
  });

  it('an entry written under the plain SHA-256 of a token never grants access', async () => {
    const [a] = await pair();
    const token = opaqueToken();
    upstream.inactive.add(token);
    const plain = createHash('sha256').update(token).digest('base64url');
    const forged = JSON.stringify({
      v: {
        kind: 'accept',
        identity: {
          subject: 'user-admin',
          username: 'admin',
          scopes: ['write'],
          claims: {},
          serviceAccount: false,
          verifier: 'introspection',
        },
      },
      at: Date.now(),
      until: Date.now() + 60_000,
    });
    for (const key of [
      `${prefix}c:${scopeOf('introspection')}:${plain}`,
      `${prefix}${plain}`,
      plain,
    ]) {
      await admin.set(key, forged, { PX: 60_000 });
    }
    await getMyself(a.app, token).expect(401, inactive);
    await admin.del([
      `${prefix}c:${scopeOf('introspection')}:${plain}`,
      `${prefix}${plain}`,
      plain,
    ]);
  });

  it('a value planted under the right key without the secret never grants access', async () => {
    const [a] = await pair();
    for (const planted of [
      `v1.${randomBytes(200).toString('base64url')}`,
      JSON.stringify({
        v: {
          kind: 'accept',
          identity: {
            subject: 'user-admin',
            username: 'admin',
            scopes: [],
            claims: {},
            serviceAccount: false,
            verifier: 'introspection',
          },
        },
        at: Date.now(),
        until: Date.now() + 60_000,
      }),
      'v1.',
      '',
    ]) {
      const token = opaqueToken();
      upstream.inactive.add(token);
      await admin.set(entryKey(token), planted, { PX: 60_000 });
      await getMyself(a.app, token).expect(401, inactive);
    }
  });

  it("a real entry copied onto another token's key never grants access", async () => {
    const [a, b] = await pair();
    const good = opaqueToken();
    await getMyself(a.app, good).expect(200, ADMIN);
    await stored(good);
    const bad = opaqueToken('jdoe');
    upstream.inactive.add(bad);
    await admin.set(entryKey(bad), (await admin.get(entryKey(good))) as string, { PX: 60_000 });
    await getMyself(b.app, bad).expect(401, inactive);
  });
});

describe('revocation', () => {
  const identityOf = (subject = 'user-admin'): Identity => ({
    subject,
    issuer: ISSUER,
    scopes: [],
    claims: {},
    serviceAccount: false,
    verifier: 'introspection',
  });

  it('revoke(token) refuses the token on every instance, whatever their caches hold', async () => {
    const [a, b] = await pair();
    const token = opaqueToken();
    await getMyself(a.app, token).expect(200, ADMIN);
    await stored(token);
    await getMyself(b.app, token).expect(200, ADMIN);
    // The hit path decides without a promise once the instance knows.
    expect(b.shared.check(token, identityOf())).toBeUndefined();
    await a.shared.revoke(token);
    await getMyself(a.app, token).expect(401, inactive);
    await eventually(() => b.shared.check(token, identityOf()) === 'token_revoked');
    await getMyself(b.app, token).expect(401, inactive);
    expect(b.decisions.at(-1)).toMatchObject({
      outcome: 'reject',
      reason: 'token_revoked',
      status: 401,
    });
    const c = await later();
    await getMyself(c.app, token).expect(401, inactive);
    expect(c.decisions.at(-1)).toMatchObject({ reason: 'token_revoked' });
  });

  it('revokeSubject refuses the subject on every instance, also one started afterwards; later tokens pass', async () => {
    const [a, b] = await pair();
    const token = opaqueToken('jdoe');
    const noIat = opaqueToken('jdoe', true);
    const other = opaqueToken('admin');
    for (const t of [token, noIat, other]) {
      await getMyself(a.app, t).expect(200);
      await stored(t);
      await getMyself(b.app, t).expect(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    await b.shared.revokeSubject({ issuer: ISSUER, subject: 'user-jdoe' });
    await getMyself(b.app, token).expect(401, inactive);
    expect(b.decisions.at(-1)).toMatchObject({ reason: 'subject_revoked' });
    await eventually(
      async () =>
        (await a.shared.check(token, { ...identityOf('user-jdoe'), claims: { iat: 1 } })) ===
        'subject_revoked',
    );
    await getMyself(a.app, token).expect(401, inactive);
    await getMyself(a.app, noIat).expect(401, inactive);
    await getMyself(a.app, other).expect(200, ADMIN);
    const c = await later();
    await getMyself(c.app, token).expect(401, inactive);
    await getMyself(c.app, noIat).expect(401, inactive);
    expect(c.decisions.at(-1)).toMatchObject({ reason: 'subject_revoked' });
    await getMyself(c.app, other).expect(200, ADMIN);
    // A token issued after the cut-off (a new login) passes.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const fresh = opaqueToken('jdoe', true);
    await getMyself(c.app, fresh).expect(200, USERS[1]);
  });

  it('a revocation racing an in-flight introspection is refused afterwards on every instance', async () => {
    const [a, b] = await pair();
    const token = opaqueToken();
    let release!: () => void;
    upstream.gate = new Promise((resolve) => (release = resolve));
    const seen = upstream.calls();
    const inFlight = getMyself(a.app, token);
    const answered = inFlight.then((res) => res.status);
    await eventually(() => upstream.calls() > seen);
    await b.shared.revoke(token);
    await eventually(() => a.shared.check(token, identityOf()) === 'token_revoked');
    release();
    expect(await answered).toBe(401);
    // The answer that predates the revocation was not kept: the next request asks again.
    const calls = upstream.calls();
    await getMyself(a.app, token).expect(401, inactive);
    expect(upstream.calls()).toBe(calls + 1);
    await getMyself(b.app, token).expect(401, inactive);
  });

  it('garbage on the channel, or a message naming an unknown token, is harmless', async () => {
    const [a, b] = await pair();
    const token = opaqueToken();
    await getMyself(a.app, token).expect(200, ADMIN);
    await stored(token);
    await getMyself(b.app, token).expect(200, ADMIN);
    const calls = upstream.calls();
    const keys = deriveKeys('test', SECRET)[0]!;
    for (const garbage of [
      'garbage',
      '',
      '{}',
      JSON.stringify({ type: 'token', ids: [space.tokenId(token)], until: Date.now() + 60_000 }),
      JSON.stringify({
        type: 'subject',
        ids: [space.subjectId(ISSUER, 'user-admin')],
        before: Date.now(),
      }),
      `v1.${randomBytes(64).toString('base64url')}`,
      'x'.repeat(100_000),
      sealMessage(keys, space.channel, {
        type: 'token',
        ids: [randomBytes(32).toString('base64url')],
        until: Date.now() + 60_000,
      }),
      sealMessage(keys, `${space.channel}x`, {
        type: 'token',
        ids: [space.tokenId(token)],
        until: Date.now() + 60_000,
      }),
    ]) {
      await admin.publish(space.channel, garbage);
    }
    await admin.publish(space.channel, 'last');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await getMyself(b.app, token).expect(200, ADMIN);
    await getMyself(a.app, token).expect(200, ADMIN);
    expect(upstream.calls()).toBe(calls);
  });

  it('without revocation in bearerAuth, revoke still empties every cache (the server is asked again)', async () => {
    const a = instance(upstream, { store: nodeRedisStore(clientA), namespace }, false);
    const b = instance(upstream, { store: nodeRedisStore(clientB), namespace }, false);
    opened.push(a.shared, b.shared);
    await Promise.all([live(a.shared), live(b.shared)]);
    const token = opaqueToken();
    await getMyself(a.app, token).expect(200, ADMIN);
    await stored(token);
    await getMyself(b.app, token).expect(200, ADMIN);
    upstream.inactive.add(token);
    await a.shared.revoke(token);
    await eventually(async () => (await getMyself(b.app, token)).status === 401);
    await getMyself(a.app, token).expect(401, inactive);
  });

  it('revoke rejects when the store cannot be told', async () => {
    const a = instance(upstream, {
      store: { ...nodeRedisStore(clientA), set: () => Promise.reject(new Error('down')) },
      namespace,
    });
    opened.push(a.shared);
    await expect(a.shared.revoke(opaqueToken())).rejects.toThrow();
    await expect(a.shared.revokeSubject({ issuer: ISSUER, subject: 'x' })).rejects.toThrow();
  });
});
