/**
 * Turns a BearerAuthError into the HTTP answer: status, headers and body. Pure; the middleware
 * and the guards only write what this returns. Bodies never hold the token, a stack trace or an
 * upstream's answer: only the public message.
 */
import type { Request } from 'express';
import type { BearerAuthError } from './errors.js';
import { bearerChallenge } from './www-authenticate.js';

/** A rendered error answer. */
export interface ErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A custom error renderer. */
export type ErrorFormatter = (err: BearerAuthError, req: Request) => ErrorResponse;

/** `'seed'` (the REST API document's bodies), `'rfc6750'`, or your own renderer. */
export type ErrorFormat = 'seed' | 'rfc6750' | ErrorFormatter;

/** Rendering settings fixed at construction. */
export interface RenderSettings {
  realm: string;
  retryAfterSeconds: number;
}

function challengeFor(err: BearerAuthError, realm: string, describe: boolean): string | undefined {
  if (err.status >= 500) return undefined;
  return bearerChallenge({
    realm,
    error: err.oauthError,
    errorDescription: describe && err.oauthError ? err.message : undefined,
    scope: err.scopes,
  });
}

function baseHeaders(err: BearerAuthError, settings: RenderSettings, describe: boolean) {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  const challenge = challengeFor(err, settings.realm, describe);
  if (challenge) headers['WWW-Authenticate'] = challenge;
  if (err.status === 503) headers['Retry-After'] = String(settings.retryAfterSeconds);
  return headers;
}

/** The REST API document's shape: `{"error":{"status":"ERROR","message":"…"}}`. */
export function renderSeed(err: BearerAuthError, settings: RenderSettings): ErrorResponse {
  return {
    status: err.status,
    headers: baseHeaders(err, settings, false),
    body: { error: { status: 'ERROR', message: err.message } },
  };
}

/** RFC 6750 §3's way: an invalid token is a 401, the body carries `error` and `error_description`. */
export function renderRfc6750(err: BearerAuthError, settings: RenderSettings): ErrorResponse {
  const status = err.oauthError === 'invalid_token' ? 401 : err.status;
  const body: Record<string, string> = {};
  if (err.oauthError) body.error = err.oauthError;
  else if (err.status === 503) body.error = 'temporarily_unavailable';
  else if (err.status >= 500) body.error = 'server_error';
  body.error_description = err.message;
  if (err.scopes.length > 0) body.scope = err.scopes.join(' ');
  return { status, headers: baseHeaders(err, settings, true), body };
}

/** Renders `err` in `format`. A custom formatter that throws falls back to the seed format. */
export function renderError(
  err: BearerAuthError,
  format: ErrorFormat,
  settings: RenderSettings,
  req: Request,
): ErrorResponse {
  if (format === 'seed') return renderSeed(err, settings);
  if (format === 'rfc6750') return renderRfc6750(err, settings);
  try {
    const custom = format(err, req);
    if (custom && Number.isInteger(custom.status) && custom.status >= 400 && custom.status < 600) {
      return custom;
    }
  } catch {
    // A broken formatter must not turn a refusal into a crash or an accept.
  }
  return renderSeed(err, settings);
}
