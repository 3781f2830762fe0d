import { describe, expect, it } from '@jest/globals';
import { isClientCredentialsToken, type Claims, type Identity } from '../../lib/index.js';

const identity = (claims: Claims, clientId?: string): Identity => ({
  subject: 'ignored',
  clientId,
  scopes: [],
  claims,
  serviceAccount: false,
  verifier: 'test',
});

describe('isClientCredentialsToken (the default detection rule)', () => {
  it.each<[string, Identity, boolean]>([
    // RFC 9068 JWT payloads (identity.clientId from client_id / azp, as jwtVerifier sets it)
    [
      'JWT, sub equal to the client id',
      identity({ sub: 'svc-a', client_id: 'svc-a' }, 'svc-a'),
      true,
    ],
    ['JWT, no sub', identity({ client_id: 'svc-a', scope: 'read' }, 'svc-a'), true],
    ['JWT, client id only from azp', identity({ sub: 'svc-a', azp: 'svc-a' }, 'svc-a'), true],
    [
      'JWT of a user (sub is the user)',
      identity({ sub: 'user-jdoe', client_id: 'web-app' }, 'web-app'),
      false,
    ],
    [
      'JWT of a user with a username claim',
      identity({ sub: 'user-jdoe', client_id: 'web-app', username: 'jdoe' }, 'web-app'),
      false,
    ],
    ['JWT with no client id', identity({ sub: 'user-jdoe' }), false],
    ['JWT with neither sub nor client id', identity({ scope: 'read' }), false],
    // RFC 7662 introspection answers (claims carry active: true)
    [
      'introspection, client_id and no sub',
      identity({ active: true, client_id: 'svc-a', scope: 'read' }, 'svc-a'),
      true,
    ],
    [
      'introspection, client_id and no username (sub is an internal id)',
      identity({ active: true, client_id: 'svc-a', sub: '9f1c-77' }, 'svc-a'),
      true,
    ],
    [
      'introspection, client_id read from the claims when identity.clientId is unset',
      identity({ active: true, client_id: 'svc-a' }),
      true,
    ],
    [
      'introspection, username equal to the client id',
      identity({ active: true, client_id: 'svc-a', sub: '9f1c-77', username: 'svc-a' }, 'svc-a'),
      true,
    ],
    [
      'introspection of a user token',
      identity({ active: true, client_id: 'web-app', sub: 'user-jdoe', username: 'jdoe' }),
      false,
    ],
    [
      'introspection naming a username but no sub',
      identity({ active: true, client_id: 'web-app', username: 'jdoe' }),
      false,
    ],
    [
      'introspection with a username and sub equal to the client id',
      identity({ active: true, client_id: 'svc-a', sub: 'svc-a', username: 'service-account' }),
      true,
    ],
    [
      'introspection without client_id',
      identity({ active: true, sub: 'svc-a', scope: 'read' }),
      false,
    ],
    [
      'a JWT with a sub other than the client id and no username',
      identity({ sub: '9f1c-77', client_id: 'svc-a' }, 'svc-a'),
      false,
    ],
    [
      'a JWT naming a username but no sub',
      identity({ client_id: 'web-app', username: 'jdoe' }, 'web-app'),
      false,
    ],
  ])('%s → %s', (_name, input, expected) => {
    expect(isClientCredentialsToken(input)).toBe(expected);
  });
});
