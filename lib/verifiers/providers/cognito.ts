/**
 * Amazon Cognito user pools: access tokens are JWTs signed by the pool's keys, with issuer
 * `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` and the JWK Set at
 * `{issuer}/.well-known/jwks.json`. An access token has no `aud`: it names its app client in
 * `client_id` (checked by `clientId`, required: a value, a list, or `false`) and says
 * `token_use: "access"` — an ID token (`token_use: "id"`) is refused. The user is `username`
 * (and `sub`); `cognito:groups` stays in the claims for `requireClaims`; `scope` is the grant.
 * Access tokens carry no e-mail address.
 */
import type { ProviderPreset } from './preset.js';

export const COGNITO = {
  docs: [
    // verify: iss, token_use ("access" for access tokens), client_id for access tokens, JWKS URL
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html',
    // access token claims: sub, cognito:groups, token_use, scope, auth_time, iss, exp, iat, jti, client_id, username
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html',
  ],
  origin: 'https://cognito-idp.{region}.amazonaws.com',
  params: {
    region: { kind: 'segment', originOnly: true },
    userPoolId: { kind: 'segment' },
  },
  jwt: {
    issuers: ['{origin}/{userPoolId}'],
    jwksUri: '{origin}/{userPoolId}/.well-known/jwks.json',
    clientClaims: ['client_id'],
    claimEquals: { token_use: 'access' },
    audience: 'none',
  },
  profile: {
    username: ['username', 'cognito:username'],
    email: [],
    subject: ['sub'],
    emailTrust: 'flag',
  },
} as const satisfies ProviderPreset;
