/**
 * `auth.wellKnown`: serves the RFC 9728 document at `/.well-known/oauth-protected-resource`
 * inserted before the resource identifier's path (RFC 9728 §3.1), for GET and HEAD, with Node's
 * own `res` API (so it also runs on connect and fastify's middleware adapters). Every other
 * request goes to `next()`. Mount it at the application's root.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetadataFacts } from './document.js';
import { buildDocument } from './document.js';
import type { ResolvedResourceMetadataOptions } from './options.js';

/** RFC 9728 §3: the well-known URI suffix. */
export const WELL_KNOWN_PREFIX = '/.well-known/oauth-protected-resource';

/** A connect/Express-style handler. */
export type WellKnownHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/**
 * The well-known path of `resource`: the prefix, then the resource's path unless it is `/`.
 *
 * @example
 * ```ts
 * wellKnownPath(new URL('https://api.example.com/rest/api')); // '/.well-known/oauth-protected-resource/rest/api'
 * wellKnownPath(new URL('https://api.example.com'));          // '/.well-known/oauth-protected-resource'
 * ```
 */
export function wellKnownPath(resource: URL): string {
  return resource.pathname === '/' ? WELL_KNOWN_PREFIX : `${WELL_KNOWN_PREFIX}${resource.pathname}`;
}

/** The metadata URL that challenges point at (`resource_metadata`, RFC 9728 §5.1). */
export function resourceMetadataUrl(resource: URL): string {
  return `${resource.origin}${wellKnownPath(resource)}`;
}

/** The request's path, before any mount point stripped it, without the query. */
function requestPath(req: IncomingMessage): string {
  const original = (req as { originalUrl?: unknown }).originalUrl;
  const url = typeof original === 'string' ? original : (req.url ?? '');
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** A handler that serves nothing: `auth.wellKnown` when `resourceMetadata` is off. */
export const passThrough: WellKnownHandler = (_req, _res, next) => next();

/**
 * Builds the handler. The document is built on the first request that asks for it (issuers may
 * need discovery) and kept; a failure to learn the issuers answers 503 and is retried by the next
 * request.
 */
export function wellKnownHandler(
  config: ResolvedResourceMetadataOptions,
  facts: MetadataFacts,
  retryAfterSeconds: number,
): WellKnownHandler {
  const path = wellKnownPath(config.resourceUrl);
  const cacheControl =
    config.cacheMaxAgeSeconds > 0 ? `public, max-age=${config.cacheMaxAgeSeconds}` : 'no-cache';
  let body: Promise<string> | undefined;

  const document = (): Promise<string> => {
    if (!body) {
      body = buildDocument(config, facts).then(JSON.stringify);
      body.catch(() => {
        body = undefined;
      });
    }
    return body;
  };

  return function wellKnown(req, res, next) {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || requestPath(req) !== path) {
      return next();
    }
    document().then(
      (text) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Content-Length', Buffer.byteLength(text));
        res.setHeader('Cache-Control', cacheControl);
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        res.statusCode = 503;
        res.setHeader('Retry-After', String(retryAfterSeconds));
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ error: 'temporarily_unavailable' }));
      },
    );
  };
}
