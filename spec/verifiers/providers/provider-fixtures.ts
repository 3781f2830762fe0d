/**
 * Fake providers for the preset tests: how each provider's profile endpoint answers, as its
 * public documentation shows (status codes, profile JSON, error bodies). A token's first word
 * picks the answer: `admin-…` the admin's profile, `jdoe-…` a profile with only jdoe's e-mail,
 * `nouser-…` a profile without username or e-mail; anything else is refused the provider's way.
 */
import type { OAuthProviderOptions } from '../../../lib/index.js';
import type { RecordedRequest, Reply } from '../../helpers/json-server.js';

export interface ProfileFixture {
  provider: string;
  /** The preset pointed at the fake provider. */
  options(url: string): OAuthProviderOptions;
  /** The path the preset must call. */
  path: string;
  /** Where the fake provider reads the token. */
  tokenOf(req: RecordedRequest): string | undefined;
  admin: Record<string, unknown>;
  /** A profile with only jdoe's e-mail address, marked verified where the provider can say so. */
  jdoeByEmail: Record<string, unknown>;
  /** The provider cannot say the address is verified: it is trusted only with `trustEmail`. */
  emailNeedsTrust?: true;
  noUsername: Record<string, unknown>;
  /** The provider's answer to a revoked or unknown token. */
  refusal: Reply;
  /** Headers of a good answer. */
  headers?: Record<string, string>;
  /** What every request must look like besides the token. */
  expectRequest?(req: RecordedRequest): boolean;
}

export const GOOGLE_CLIENT = '1234-abc.apps.googleusercontent.com';
const inAnHour = String(Math.floor(Date.now() / 1000) + 3600);
const bearer = (req: RecordedRequest) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];

export const PROFILE_FIXTURES: ProfileFixture[] = [
  {
    provider: 'miniorange',
    options: (url) => ({ provider: 'miniorange', baseUrl: url }),
    path: '/moas/rest/oauth/getuserinfo',
    tokenOf: bearer,
    admin: { username: 'admin', email: 'admin@gmail.com', firstname: 'Ad', lastname: 'Min' },
    jdoeByEmail: { email: 'john.doe@example.com', email_verified: true, firstname: 'John' },
    noUsername: { firstname: 'No', lastname: 'Body' },
    refusal: {
      status: 401,
      json: { message: 'Access token is either invalid or expired.', status: 'FAILED' },
    },
  },
  {
    provider: 'loginradius',
    options: (url) => ({ provider: 'loginradius', apiKey: 'lr-api-key', baseUrl: url }),
    path: '/identity/v2/auth/account',
    tokenOf: bearer,
    admin: {
      Uid: 'b3f1c2',
      ID: 'a9e8',
      UserName: 'admin',
      Email: [{ Type: 'Primary', Value: 'admin@gmail.com' }],
      FirstName: 'Admin',
    },
    jdoeByEmail: {
      Uid: 'c4d5',
      Email: [{ Type: 'Primary', Value: 'john.doe@example.com' }],
      EmailVerified: true,
    },
    noUsername: { Uid: 'e6f7', Email: [], FirstName: 'Nobody' },
    refusal: {
      status: 403,
      json: {
        Description: 'The provided access_token is invalid or has expired.',
        ErrorCode: 906,
        Message: 'Access token is invalid',
        IsProviderError: false,
        ProviderErrorResponse: null,
      },
    },
    expectRequest: (req) => req.query.get('apikey') === 'lr-api-key',
  },
  {
    provider: 'miqey',
    options: (url) => ({ provider: 'miqey', baseUrl: url }),
    path: '/oauth/userinfo',
    tokenOf: bearer,
    admin: { sub: 'mq-1', preferred_username: 'admin', email: 'admin@gmail.com' },
    jdoeByEmail: { sub: 'mq-2', email: 'john.doe@example.com', email_verified: true },
    noUsername: { sub: 'mq-3' },
    refusal: {
      status: 401,
      json: { error: 'invalid_token', error_description: 'The access token is invalid' },
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    },
  },
  {
    provider: 'google',
    options: (url) => ({ provider: 'google', baseUrl: url, clientId: GOOGLE_CLIENT }),
    path: '/tokeninfo',
    tokenOf: (req) => req.query.get('access_token') ?? undefined,
    admin: {
      azp: GOOGLE_CLIENT,
      aud: GOOGLE_CLIENT,
      sub: '110169484474386276334',
      scope: 'openid https://www.googleapis.com/auth/userinfo.email',
      exp: inAnHour,
      expires_in: '3599',
      email: 'admin@gmail.com',
      email_verified: 'true',
      access_type: 'online',
    },
    jdoeByEmail: {
      azp: GOOGLE_CLIENT,
      aud: GOOGLE_CLIENT,
      sub: '110169484474386276335',
      scope: 'openid https://www.googleapis.com/auth/userinfo.email',
      exp: inAnHour,
      email: 'john.doe@example.com',
      email_verified: 'true',
    },
    // Without the email scope tokeninfo has no e-mail address: nothing to find the user by.
    noUsername: {
      azp: GOOGLE_CLIENT,
      aud: GOOGLE_CLIENT,
      sub: '110169484474386276336',
      scope: 'openid',
      exp: inAnHour,
    },
    refusal: { status: 400, json: { error: 'invalid_token', error_description: 'Invalid Value' } },
    expectRequest: (req) => req.headers.authorization === undefined,
  },
  {
    provider: 'github',
    options: (url) => ({ provider: 'github', baseUrl: url }),
    path: '/user',
    tokenOf: bearer,
    admin: {
      login: 'admin',
      id: 1,
      node_id: 'MDQ6VXNlcjE=',
      type: 'User',
      name: 'Admin',
      email: null,
    },
    // GitHub's /user "email" is the public address, not known to be verified.
    jdoeByEmail: { login: 'johnd-gh', id: 2, email: 'john.doe@example.com' },
    emailNeedsTrust: true,
    noUsername: { id: 3, type: 'User', email: null },
    refusal: {
      status: 401,
      json: {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      },
    },
    headers: { 'x-oauth-scopes': 'repo, read:user', 'x-accepted-oauth-scopes': '' },
    expectRequest: (req) =>
      req.headers['user-agent'] === 'bearer-guard' &&
      req.headers.accept === 'application/vnd.github+json' &&
      req.headers['x-github-api-version'] === '2022-11-28',
  },
  {
    provider: 'custom',
    options: (url) => ({
      provider: 'custom',
      userinfoEndpoint: `${url}/api/v1/me?fields=all`,
      usernameField: 'handle',
      emailField: 'mail',
      method: 'POST',
      headers: { 'X-Tenant': 'acme' },
    }),
    path: '/api/v1/me',
    tokenOf: bearer,
    admin: { uid: 7, handle: 'admin', mail: 'admin@gmail.com' },
    jdoeByEmail: { uid: 8, mail: 'john.doe@example.com', email_verified: true },
    noUsername: { uid: 9 },
    refusal: { status: 403, json: { error: 'forbidden' } },
    expectRequest: (req) =>
      req.method === 'POST' &&
      req.headers['x-tenant'] === 'acme' &&
      req.query.get('fields') === 'all',
  },
];

/** The fake provider's handler for `fixture`. */
export function answerAs(fixture: ProfileFixture) {
  return (req: RecordedRequest): Reply => {
    if (req.path !== fixture.path || (fixture.expectRequest && !fixture.expectRequest(req)))
      return { status: 404, json: { message: 'Not Found' } };
    const kind = fixture.tokenOf(req)?.split('-')[0];
    const profile =
      kind === 'admin'
        ? fixture.admin
        : kind === 'jdoe'
          ? fixture.jdoeByEmail
          : kind === 'nouser'
            ? fixture.noUsername
            : undefined;
    return profile ? { json: profile, headers: fixture.headers } : fixture.refusal;
  };
}
