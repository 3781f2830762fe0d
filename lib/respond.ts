/**
 * Turns a BearerAuthError into the HTTP answer: status, headers and body, then writes it with
 * Node's own `res` API (so connect, `@fastify/middie` and `@fastify/express` work too). Bodies
 * never hold the token, a proof, a stack trace or an upstream's answer: only the public message.
 */
import type { ServerResponse } from 'node:http';
import type { Request } from 'express';
import type { BearerAuthError } from './errors.js';
import type { AuthScheme } from './types.js';
import { challenge, type ChallengeParams } from './www-authenticate.js';

/** A rendered error answer. */
export interface ErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A custom error renderer. */
export type ErrorFormatter = (err: BearerAuthError, req: Request) => ErrorResponse;

/**
 * `'seed'` (`{"error":{"status":"ERROR","message":"…"}}`), `'rfc6750'` (`{"error":"invalid_token",
 * "error_description":"…"}`), or your own renderer.
 */
export type ErrorFormat = 'seed' | 'rfc6750' | ErrorFormatter;

/** Rendering settings fixed at construction. */
export interface RenderSettings {
  realm: string;
  retryAfterSeconds: number;
  /** With DPoP on: the proof algorithms (the challenge's `algs`) and whether DPoP is required. */
  dpop?: { readonly algorithms: readonly string[]; readonly required: boolean } | undefined;
  /** RFC 9728: the URL of this resource's metadata, added to every challenge. */
  resourceMetadataUrl?: string | undefined;
}

/** The scheme whose challenge carries the error. */
function errorScheme(err: BearerAuthError, settings: RenderSettings): AuthScheme {
  if (!settings.dpop) return 'bearer';
  if (settings.dpop.required || err.oauthError === 'use_dpop_nonce') return 'dpop';
  return err.scheme ?? 'bearer';
}

/**
 * The `WWW-Authenticate` value: `Bearer`, and with DPoP on `DPoP` beside it (RFC 9449 §7.1);
 * only `DPoP` when DPoP is required or a nonce is asked for. The error goes on the scheme the
 * request used; every challenge carries the realm and, when configured, `resource_metadata`.
 */
export function challengeFor(
  err: BearerAuthError,
  settings: RenderSettings,
  describe: boolean,
): string | undefined {
  if (err.status >= 500) return undefined;
  const base: ChallengeParams = {
    realm: settings.realm,
    resourceMetadata: settings.resourceMetadataUrl,
  };
  const detail: ChallengeParams = {
    ...base,
    error: err.oauthError,
    errorDescription: describe && err.oauthError ? err.message : undefined,
    scope: err.scopes,
    acrValues: err.acrValues,
    maxAge: err.maxAge,
  };
  const dpop = settings.dpop;
  if (!dpop) return challenge('Bearer', detail);
  const onDpop = errorScheme(err, settings) === 'dpop';
  const dpopChallenge = challenge('DPoP', { ...(onDpop ? detail : base), algs: dpop.algorithms });
  if (dpop.required || err.oauthError === 'use_dpop_nonce') return dpopChallenge;
  return `${challenge('Bearer', onDpop ? base : detail)}, ${dpopChallenge}`;
}

function baseHeaders(err: BearerAuthError, settings: RenderSettings, describe: boolean) {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  const value = challengeFor(err, settings, describe);
  if (value) headers['WWW-Authenticate'] = value;
  if (err.status === 503) headers['Retry-After'] = String(settings.retryAfterSeconds);
  if (err.dpopNonce) headers['DPoP-Nonce'] = err.dpopNonce;
  return headers;
}

/** `{"error":{"status":"ERROR","message":"…"}}`, the default format. */
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

/**
 * Renders `err` in `format`. A custom formatter's headers are laid over the standard ones
 * (challenge, `Retry-After`, `DPoP-Nonce`), so it keeps them unless it replaces them. A custom
 * formatter that throws, or answers no error status, falls back to the default format.
 */
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
      const headers = { ...baseHeaders(err, settings, false) };
      for (const [name, value] of Object.entries(custom.headers ?? {})) {
        for (const standard of Object.keys(headers)) {
          if (standard.toLowerCase() === name.toLowerCase()) delete headers[standard];
        }
        headers[name] = value;
      }
      return { status: custom.status, body: custom.body, headers };
    }
  } catch {
    // A broken formatter must not turn a refusal into a crash or an accept.
  }
  return renderSeed(err, settings);
}

/** Stores the rendered answer on the error, for `errorHandling: 'next'` and for observers. */
export function attachRendering(err: BearerAuthError, rendered: ErrorResponse): BearerAuthError {
  err.status = rendered.status;
  err.headers = { ...rendered.headers };
  err.body = rendered.body;
  return err;
}

/**
 * Writes a rendered answer with Node's `ServerResponse` API only: `statusCode`, `setHeader`,
 * `end`. The body is JSON (`undefined` sends none).
 */
export function writeResponse(res: ServerResponse, rendered: ErrorResponse): void {
  res.statusCode = rendered.status;
  for (const [name, value] of Object.entries(rendered.headers ?? {})) res.setHeader(name, value);
  if (rendered.body === undefined) {
    res.end();
    return;
  }
  const payload = JSON.stringify(rendered.body);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.end(payload);
}
