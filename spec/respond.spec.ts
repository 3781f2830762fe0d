import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { BearerAuthError, insufficientScope } from '../lib/errors.js';
import { MESSAGES } from '../lib/messages.js';
import type { ReasonCode } from '../lib/reasons.js';
import { renderError, type ErrorFormatter } from '../lib/respond.js';
import { bearerChallenge } from '../lib/www-authenticate.js';

const settings = { realm: 'api', retryAfterSeconds: 7 };
const req = {} as Request;
const NO_STORE = { 'Cache-Control': 'no-store' };

// One row per line of DESIGN.md's error table: reason → seed status, message, challenge.
const ROWS: Array<[ReasonCode, number, string, string | undefined]> = [
  ['signature_invalid', 400, MESSAGES.tokenInvalid, 'Bearer realm="api", error="invalid_token"'],
  ['token_unrecognized', 400, MESSAGES.tokenInvalid, 'Bearer realm="api", error="invalid_token"'],
  ['token_expired', 401, MESSAGES.tokenExpired, 'Bearer realm="api", error="invalid_token"'],
  [
    'token_inactive',
    401,
    MESSAGES.expiredOrInvalidClient,
    'Bearer realm="api", error="invalid_token"',
  ],
  [
    'client_not_mapped',
    401,
    MESSAGES.expiredOrInvalidClient,
    'Bearer realm="api", error="invalid_token"',
  ],
  ['user_not_found', 400, MESSAGES.userNotFound, 'Bearer realm="api", error="invalid_token"'],
  ['token_missing', 401, MESSAGES.tokenMissing, 'Bearer realm="api"'],
  [
    'token_malformed',
    400,
    MESSAGES.requestMalformed,
    'Bearer realm="api", error="invalid_request"',
  ],
  [
    'token_multiple_locations',
    400,
    MESSAGES.tokenInTwoPlaces,
    'Bearer realm="api", error="invalid_request"',
  ],
  ['token_too_long', 400, MESSAGES.tokenTooLong, 'Bearer realm="api", error="invalid_request"'],
  [
    'claims_mismatch',
    403,
    MESSAGES.claimsMismatch,
    'Bearer realm="api", error="insufficient_scope"',
  ],
  ['upstream_timeout', 503, MESSAGES.unavailable, undefined],
  ['directory_error', 503, MESSAGES.unavailable, undefined],
  ['guard_without_auth', 500, MESSAGES.internal, undefined],
];

describe('renderError: seed format (the pinned bodies)', () => {
  it.each(ROWS)('%s → %i', (reason, status, message, challenge) => {
    const rendered = renderError(new BearerAuthError(reason), 'seed', settings, req);
    const headers: Record<string, string> = { ...NO_STORE };
    if (challenge) headers['WWW-Authenticate'] = challenge;
    if (status === 503) headers['Retry-After'] = '7';
    expect(rendered).toEqual({ status, headers, body: { error: { status: 'ERROR', message } } });
  });

  it('a scope guard names every required scope in the message and the challenge', () => {
    const rendered = renderError(insufficientScope(['write', 'delete']), 'seed', settings, req);
    expect(rendered).toEqual({
      status: 403,
      headers: {
        ...NO_STORE,
        'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", scope="write delete"',
      },
      body: {
        error: {
          status: 'ERROR',
          message: 'Insufficient Scope: This request requires the scope(s): write delete.',
        },
      },
    });
  });

  it('the four pinned messages are byte for byte the REST API document', () => {
    expect([
      MESSAGES.tokenInvalid,
      MESSAGES.tokenExpired,
      MESSAGES.expiredOrInvalidClient,
      MESSAGES.userNotFound,
    ]).toEqual([
      'Token Invalid: Error while validating the token.',
      'Token Expired: The token provided is expired.',
      'Expired Token / invalid_client_ID',
      'No user found with this username/email address',
    ]);
  });

  it('uses the configured realm', () => {
    const rendered = renderError(
      new BearerAuthError('token_missing'),
      'seed',
      { realm: 'jira', retryAfterSeconds: 5 },
      req,
    );
    expect(rendered.headers?.['WWW-Authenticate']).toBe('Bearer realm="jira"');
  });
});

describe('renderError: rfc6750 format', () => {
  const describe6750 = (error: string, message: string) =>
    `Bearer realm="api", error="${error}", error_description="${message}"`;

  it.each(ROWS)('%s', (reason, seedStatus, message) => {
    const err = new BearerAuthError(reason);
    const rendered = renderError(err, 'rfc6750', settings, req);
    const status = err.oauthError === 'invalid_token' ? 401 : seedStatus;
    const headers: Record<string, string> = { ...NO_STORE };
    if (err.oauthError) headers['WWW-Authenticate'] = describe6750(err.oauthError, message);
    else if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="api"';
    if (status === 503) headers['Retry-After'] = '7';
    const error =
      err.oauthError ??
      (status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : undefined);
    expect(rendered).toEqual({
      status,
      headers,
      body: error ? { error, error_description: message } : { error_description: message },
    });
  });

  it('an invalid token is a 401 (RFC 6750 §3.1), not the seed 400', () => {
    const rendered = renderError(
      new BearerAuthError('signature_invalid'),
      'rfc6750',
      settings,
      req,
    );
    expect(rendered.status).toBe(401);
    expect(rendered.body).toEqual({
      error: 'invalid_token',
      error_description: 'Token Invalid: Error while validating the token.',
    });
  });

  it('a scope guard answers 403 insufficient_scope with the scope', () => {
    const rendered = renderError(insufficientScope(['read'], 'any'), 'rfc6750', settings, req);
    expect(rendered).toEqual({
      status: 403,
      headers: {
        ...NO_STORE,
        'WWW-Authenticate':
          'Bearer realm="api", error="insufficient_scope", error_description="Insufficient Scope: This request requires one of the scope(s): read.", scope="read"',
      },
      body: {
        error: 'insufficient_scope',
        error_description: 'Insufficient Scope: This request requires one of the scope(s): read.',
        scope: 'read',
      },
    });
  });
});

describe('renderError: custom formatter', () => {
  it('answers what the formatter returns, keeping the challenge it does not replace', () => {
    const format: ErrorFormatter = (err) => ({
      status: err.status,
      body: { code: err.reason },
      headers: { 'X-Reason': err.reason },
    });
    expect(renderError(new BearerAuthError('token_expired'), format, settings, req)).toEqual({
      status: 401,
      body: { code: 'token_expired' },
      headers: {
        'Cache-Control': 'no-store',
        'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"',
        'X-Reason': 'token_expired',
      },
    });
  });

  it("lets a formatter replace a standard header, whatever the header name's case", () => {
    const format: ErrorFormatter = () => ({
      status: 503,
      body: 'down',
      headers: { 'retry-after': '60' },
    });
    expect(
      renderError(new BearerAuthError('upstream_timeout'), format, settings, req).headers,
    ).toEqual({ 'Cache-Control': 'no-store', 'retry-after': '60' });
  });

  it.each<[string, ErrorFormatter]>([
    [
      'throws',
      () => {
        throw new Error('formatter bug');
      },
    ],
    ['returns nothing', () => undefined as never],
    ['returns a 200', () => ({ status: 200, body: {} })],
    ['returns a fractional status', () => ({ status: 401.5, body: {} })],
    ['returns a status string', () => ({ status: '401' as never, body: {} })],
  ])('a formatter that %s falls back to the seed body', (_name, format) => {
    expect(renderError(new BearerAuthError('token_expired'), format, settings, req)).toEqual(
      renderError(new BearerAuthError('token_expired'), 'seed', settings, req),
    );
  });
});

describe('bearerChallenge (RFC 6750 §3)', () => {
  it.each([
    [{ realm: 'api' }, 'Bearer realm="api"'],
    [{ realm: 'api', error: 'invalid_token' }, 'Bearer realm="api", error="invalid_token"'],
    [
      { realm: 'api', error: 'insufficient_scope', scope: ['a', 'b'] },
      'Bearer realm="api", error="insufficient_scope", scope="a b"',
    ],
    [
      { realm: 'api', error: 'invalid_token', errorDescription: 'say "hi" \\ bye' },
      `Bearer realm="api", error="invalid_token", error_description="say 'hi' ' bye"`,
    ],
    [{ realm: 'a"p\\i' }, 'Bearer realm="api"'],
    [
      { realm: 'api', errorDescription: 'naïve\r\nX: y' },
      'Bearer realm="api", error_description="naveX: y"',
    ],
    [{ realm: 'api', scope: [] }, 'Bearer realm="api"'],
  ])('%j → %s', (params, expected) => {
    expect(bearerChallenge(params)).toBe(expected);
  });
});
