/**
 * What the extract stage reads from a request: every `Authorization` line, the `access_token`
 * parameters, the content type and the application's own token readers.
 */
import type { Request } from 'express';
import type { TokenSources } from './extract.js';
import type { ResolvedBearerAuthOptions } from './options.js';

const NO_HEADERS: readonly string[] = Object.freeze([]);

/** Every `Authorization` line of the request: Node keeps only the first in `req.headers`. */
function authorizationLines(req: Request): readonly string[] {
  const first = req.headers.authorization;
  if (first === undefined) return NO_HEADERS;
  const raw = req.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    // The two usual spellings are compared as they are; only another one is lower-cased.
    if (
      name.length === 13 &&
      (name === 'Authorization' ||
        name === 'authorization' ||
        name.toLowerCase() === 'authorization')
    )
      count++;
  }
  return count > 1 ? [first, first] : [first];
}

function ownParameter(source: unknown): unknown {
  if (typeof source !== 'object' || source === null) return undefined;
  return Object.prototype.hasOwnProperty.call(source, 'access_token')
    ? (source as Record<string, unknown>).access_token
    : undefined;
}

/** A reader that threw: extraction sees a value that is not a token (400, malformed). */
const READER_FAILED = Object.freeze({ readerFailed: true });

function readCustom(req: Request, config: ResolvedBearerAuthOptions): unknown[] | undefined {
  if (config.tokenReaders.length === 0) return undefined;
  return config.tokenReaders.map((read) => {
    try {
      const value = read(req);
      return value === null || value === '' ? undefined : value;
    } catch {
      return READER_FAILED;
    }
  });
}

/**
 * The places a token may come from in `req`, as `extractToken` takes them.
 *
 * @example
 * ```ts
 * const extraction = extractToken(sourcesOf(req, config), config.tokenLocations, config.maxTokenLength);
 * ```
 */
export function sourcesOf(req: Request, config: ResolvedBearerAuthOptions): TokenSources {
  const locations = config.tokenLocations;
  return {
    authorization: locations.has('header') ? authorizationLines(req) : NO_HEADERS,
    query: locations.has('query') ? ownParameter(req.query) : undefined,
    body: locations.has('body') ? ownParameter(req.body) : undefined,
    method: req.method,
    formEncoded:
      locations.has('body') &&
      /^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(req.headers['content-type'] ?? ''),
    custom: readCustom(req, config),
    dpopScheme: config.dpop !== undefined,
  };
}
