/**
 * Account takeover through an unverified e-mail address ("nOAuth"): the attacker signs in with
 * their own username but puts the victim's address in their profile. bearerAuth +
 * memoryDirectory end to end, with a real userinfo server and a real JWK Set on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  memoryDirectory,
  MESSAGES,
  oauthProviderVerifier,
  type OAuthProviderOptions,
} from '../../lib/index.js';
import { buildApp, getMyself as get, seed } from '../helpers/app.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { jwksOf, testKey } from '../helpers/keys.js';
import { mintJwt } from '../helpers/tokens.js';
import { USERS } from '../helpers/users.js';

const VICTIM_EMAIL = 'admin@gmail.com'; // USERS[0], username "admin"
const TENANT = 'b9b8e7c6-1111-2222-3333-444455556666';
const key = testKey('RS256', 'entra-1');

let profile: Record<string, unknown> = {};
let server: JsonServer;
beforeAll(async () => {
  server = await startJsonServer((req) => {
    if (req.path === '/userinfo') return { json: profile };
    if (req.path === `/${TENANT}/discovery/v2.0/keys`) return { json: jwksOf(key) };
    return { status: 404, json: {} };
  });
});
afterAll(() => server.close());

describe('nOAuth through the custom provider', () => {
  const custom = (extra: Partial<OAuthProviderOptions> = {}) =>
    oauthProviderVerifier({
      provider: 'custom',
      userinfoEndpoint: `${server.url}/userinfo`,
      usernameField: 'preferred_username',
      ...extra,
    } as OAuthProviderOptions);

  it.each<[string, unknown]>([
    ['false', false],
    ['"false"', 'false'],
    ['0', 0],
    ['missing', undefined],
  ])(
    "answers 400 No user found for the victim's e-mail with email_verified %s",
    async (_l, flag) => {
      profile = {
        sub: 'attacker-1',
        preferred_username: 'attacker',
        email: VICTIM_EMAIL,
        email_verified: flag,
      };
      const { app, decisions } = buildApp({ verifiers: [custom({ cache: false })] });
      await get(app, 'attacker-token-0123456789')
        .expect(400)
        .expect('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
        .expect(seed(MESSAGES.userNotFound));
      expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'user_not_found' });
    },
  );

  it('never trusts email_verified false, even with trustEmail', async () => {
    profile = {
      sub: 'attacker-1',
      preferred_username: 'attacker',
      email: VICTIM_EMAIL,
      email_verified: false,
    };
    const { app } = buildApp({ verifiers: [custom({ cache: false, trustEmail: true })] });
    await get(app, 'attacker-token-0123456789').expect(400, seed(MESSAGES.userNotFound));
  });

  it('finds the owner of a verified address (the e-mail rule still works)', async () => {
    profile = {
      sub: 'u-1',
      preferred_username: 'a.newcomer',
      email: VICTIM_EMAIL,
      email_verified: true,
    };
    const { app } = buildApp({ verifiers: [custom({ cache: false })] });
    await get(app, 'owner-token-0123456789').expect(200, USERS[0]);
  });
});

describe('nOAuth through the Microsoft preset', () => {
  const microsoft = (extra: Partial<OAuthProviderOptions> = {}) =>
    oauthProviderVerifier({
      provider: 'microsoft',
      tenant: TENANT,
      baseUrl: server.url,
      expectedAudience: 'api://bearer-guard',
      ...extra,
    } as OAuthProviderOptions);
  const token = (claims: Record<string, unknown>) =>
    mintJwt({
      key,
      claims: {
        iss: `${server.url}/${TENANT}/v2.0`,
        aud: 'api://bearer-guard',
        azp: 'client-app',
        tid: TENANT,
        sub: 'attacker-subject',
        scope: undefined,
        scp: 'read',
        ...claims,
      },
    });

  it.each<[string, Record<string, unknown>, Partial<OAuthProviderOptions>]>([
    ['unflagged', {}, {}],
    ['flagged verified', { email_verified: true }, {}],
    ['flagged verified, with trustEmail', { email_verified: true }, { trustEmail: true }],
  ])("answers 400 No user found for the victim's email claim, %s", async (_l, claims, extra) => {
    const { app, decisions } = buildApp({
      verifiers: [microsoft(extra)],
      directory: memoryDirectory(USERS),
    });
    await get(
      app,
      await token({ preferred_username: 'attacker@evil.example', email: VICTIM_EMAIL, ...claims }),
    ).expect(400, seed(MESSAGES.userNotFound));
    expect(decisions[0]).toMatchObject({ outcome: 'reject', reason: 'user_not_found' });
  });

  it('answers 400 when the email claim is all there is to name the user', async () => {
    const { app, decisions } = buildApp({ verifiers: [microsoft({ trustEmail: true })] });
    await get(app, await token({ preferred_username: undefined, email: VICTIM_EMAIL })).expect(
      400,
      seed(MESSAGES.userNotFound),
    );
    expect(decisions[0]).toMatchObject({ reason: 'username_missing' });
  });

  it('still finds a user by preferred_username', async () => {
    const { app } = buildApp({ verifiers: [microsoft()] });
    await get(
      app,
      await token({ preferred_username: 'admin', email: 'someone@else.example' }),
    ).expect(200, USERS[0]);
  });
});

describe("a username equal to another user's e-mail address", () => {
  const custom = () =>
    oauthProviderVerifier({
      provider: 'custom',
      userinfoEndpoint: `${server.url}/userinfo`,
      usernameField: 'login',
      cache: false,
    });

  it('no longer takes that account (400 No user found), even with its own verified e-mail', async () => {
    profile = {
      sub: 'attacker-2',
      login: 'john.doe@example.com', // USERS[1]'s address, picked as a username
      email: 'attacker@evil.example',
      email_verified: true,
    };
    const { app, decisions } = buildApp({ verifiers: [custom()] });
    await get(app, 'username-token-0123456789').expect(400, seed(MESSAGES.userNotFound));
    expect(decisions[0]).toMatchObject({ reason: 'user_not_found' });
  });

  it('does with matchUsernameAsEmail: true (for issuers whose usernames nobody picks)', async () => {
    profile = { sub: 'jdoe-1', login: 'John.Doe@example.com' };
    const { app } = buildApp({
      verifiers: [custom()],
      directory: memoryDirectory(USERS, { matchUsernameAsEmail: true }),
    });
    await get(app, 'username-token-0123456789').expect(200, USERS[1]);
  });
});
