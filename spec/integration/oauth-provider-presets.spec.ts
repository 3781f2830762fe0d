import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MESSAGES, oauthProviderVerifier } from '../../lib/index.js';
import { buildApp, seed, getMyself as get } from '../helpers/app.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { USERS } from '../helpers/users.js';
import { answerAs, PROFILE_FIXTURES } from '../verifiers/providers/provider-fixtures.js';

const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';
let serial = 0;
const token = (kind: string) => `${kind}-${++serial}-0123456789`;

describe.each(PROFILE_FIXTURES)('oauthProviderVerifier preset "$provider"', (fixture) => {
  let provider: JsonServer;
  const name = `oauth-provider:${fixture.provider}`;
  beforeAll(async () => {
    provider = await startJsonServer(answerAs(fixture));
  });
  afterAll(() => provider.close());

  const appFor = (url = provider.url) =>
    buildApp({ verifiers: [oauthProviderVerifier(fixture.options(url))] });

  it('accepts a valid token and answers the directory entry of its username', async () => {
    const { app, decisions } = appFor();
    await get(app, token('admin')).expect(200, USERS[0]);
    expect(decisions).toEqual([
      expect.objectContaining({ outcome: 'accept', verifier: name, status: 200 }),
    ]);
    expect(provider.count(fixture.path)).toBeGreaterThan(0);
  });

  it('finds the user by a verified e-mail address when the profile has no username', async () => {
    if (fixture.emailNeedsTrust) {
      const { app, decisions } = appFor();
      await get(app, token('jdoe')).expect(400, seed(MESSAGES.userNotFound));
      expect(decisions[0]).toMatchObject({ outcome: 'reject', status: 400 });
      const trusting = buildApp({
        verifiers: [oauthProviderVerifier({ ...fixture.options(provider.url), trustEmail: true })],
      });
      await get(trusting.app, token('jdoe')).expect(200, USERS[1]);
      return;
    }
    const { app } = appFor();
    await get(app, token('jdoe')).expect(200, USERS[1]);
  });

  it('answers 401 "Expired Token / invalid_client_ID" when the provider refuses the token', async () => {
    const { app, decisions } = appFor();
    await get(app, token('revoked'))
      .expect(401)
      .expect('WWW-Authenticate', INVALID_TOKEN)
      .expect(seed(MESSAGES.expiredOrInvalidClient));
    expect(decisions[0]).toMatchObject({
      outcome: 'reject',
      reason: 'provider_rejected',
      verifier: name,
    });
  });

  it('answers 400 "No user found" with reason username_missing for a profile without username or e-mail', async () => {
    const { app, decisions } = appFor();
    await get(app, token('nouser'))
      .expect(400)
      .expect('WWW-Authenticate', INVALID_TOKEN)
      .expect(seed(MESSAGES.userNotFound));
    expect(decisions[0]).toMatchObject({ reason: 'username_missing', verifier: name });
  });

  it('asks the provider once for two requests with one token (cached)', async () => {
    const { app } = appFor();
    const bearer = token('admin');
    const before = provider.count();
    await get(app, bearer).expect(200);
    await get(app, bearer).expect(200);
    expect(provider.count() - before).toBe(1);
  });

  it('shares one provider call between concurrent requests with one token', async () => {
    const { app } = appFor();
    const bearer = token('admin');
    const before = provider.count();
    provider.setHandler((req) => ({ ...answerAs(fixture)(req), delayMs: 100 }));
    try {
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => get(app, bearer)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    } finally {
      provider.setHandler(answerAs(fixture));
    }
    expect(provider.count() - before).toBe(1);
  });

  it('answers 503 when the provider is down', async () => {
    const down = await startJsonServer(answerAs(fixture));
    const { app, decisions } = appFor(down.url);
    await down.close();
    await get(app, token('admin'))
      .expect(503)
      .expect('Retry-After', '5')
      .expect(seed(MESSAGES.unavailable));
    expect(decisions[0]).toMatchObject({
      outcome: 'unavailable',
      reason: 'upstream_unreachable',
      verifier: name,
    });
  });
});
