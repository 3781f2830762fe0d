/**
 * The upstream HTTP client every remote verifier shares (JWKS, discovery, introspection,
 * userinfo), on undici. It bounds everything: connect, headers and body time, the whole call,
 * and the size of the answer. It follows no redirect. Failures come back as reason codes, never
 * as exceptions, so a verifier can turn them into an `unavailable` verdict.
 */
import { Agent, type Dispatcher } from 'undici';
import { performance } from 'node:perf_hooks';
import { upstreamChannel } from '../observe/channels.js';
import type { ReasonCode } from '../reasons.js';
import { isObject, parseJson } from '../util/json.js';

/** Defaults of every upstream call. */
export const HTTP_DEFAULTS = Object.freeze({
  /** The whole call, from connect to the last byte, in milliseconds. */
  timeoutMs: 5000,
  /** Largest answer read, in bytes; a larger one is cut off and counts as unavailable. */
  maxResponseBytes: 256 * 1024,
  /** Idle keep-alive sockets are closed after this many milliseconds. */
  keepAliveTimeoutMs: 30_000,
  /** Sockets per origin. */
  connections: 64,
});

/** The largest delay a Node timer honours. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** One keep-alive pool per origin, shared by every verifier of the process. */
let sharedAgent: Agent | undefined;
function agent(): Agent {
  sharedAgent ??= new Agent({
    keepAliveTimeout: HTTP_DEFAULTS.keepAliveTimeoutMs,
    connections: HTTP_DEFAULTS.connections,
    connect: { timeout: HTTP_DEFAULTS.timeoutMs },
  });
  return sharedAgent;
}

/** One upstream call. */
export interface UpstreamRequest {
  url: URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A form-encoded body (sent as `application/x-www-form-urlencoded`). */
  form?: URLSearchParams;
  timeoutMs?: number;
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /**
   * The undici `Dispatcher` to send through (a `ProxyAgent`, an `Agent` with custom TLS, a
   * `MockAgent` in an application's tests). Default: one keep-alive pool per origin.
   */
  dispatcher?: Dispatcher;
}

/** An answer: the status and the parsed JSON body (`undefined` when it was not JSON). */
export interface UpstreamAnswer {
  kind: 'answer';
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body; `undefined` unless it parsed and `content-type` is JSON (`application/json` or `…+json`). */
  json: unknown;
}

/** `application/json`, or any `+json` media type (RFC 6839), parameters ignored. */
const JSON_MEDIA_TYPE = /^\s*application\/(?:[a-z0-9!#$&^_.-]+\+)?json\s*(?:;|$)/i;

/** `true` when a `content-type` header names JSON. */
export function isJsonContentType(value: string | string[] | undefined): boolean {
  return typeof value === 'string' && JSON_MEDIA_TYPE.test(value);
}

/** A call that produced no usable answer. */
export interface UpstreamFailure {
  kind: 'failure';
  reason: Extract<
    ReasonCode,
    'upstream_timeout' | 'upstream_unreachable' | 'upstream_too_large' | 'upstream_redirect'
  >;
  cause: Error;
}

function failure(reason: UpstreamFailure['reason'], message: string): UpstreamFailure {
  return { kind: 'failure', reason, cause: new Error(message) };
}

/** undici's own timeouts, by error code. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function classify(error: unknown, url: URL, phase: 'connect' | 'body'): UpstreamFailure {
  const where = `${url.origin}${url.pathname}`;
  // By name and code, not instanceof: the abort reason (a DOMException) may come from another
  // realm than this module's Error (vm contexts, test runners).
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
  };
  if (
    (typeof code === 'string' && TIMEOUT_CODES.has(code)) ||
    name === 'TimeoutError' ||
    name === 'AbortError'
  ) {
    return failure('upstream_timeout', `${where} did not answer in time`);
  }
  if (phase === 'body') {
    return failure(
      'upstream_unreachable',
      `${where} closed the connection mid-answer (${typeof code === 'string' ? code : 'error'})`,
    );
  }
  return failure(
    'upstream_unreachable',
    `${where} could not be reached (${typeof code === 'string' ? code : 'error'})`,
  );
}

/**
 * Calls an upstream and reads at most `maxResponseBytes` of its answer.
 *
 * @example
 * ```ts
 * const answer = await callUpstream({ url: new URL('https://id.example.com/jwks') });
 * if (answer.kind === 'answer' && answer.status === 200) use(answer.json);
 * ```
 */
export async function callUpstream(
  request: UpstreamRequest,
): Promise<UpstreamAnswer | UpstreamFailure> {
  if (!upstreamChannel.hasSubscribers) return call(request);
  const started = performance.now();
  const outcome = await call(request);
  // Origin and path only: a query may carry a secret.
  const message: Record<string, unknown> = {
    url: `${request.url.origin}${request.url.pathname}`,
    method: request.method ?? (request.form ? 'POST' : 'GET'),
    durationMs: performance.now() - started,
  };
  if (outcome.kind === 'answer') message.status = outcome.status;
  else message.failure = outcome.reason;
  upstreamChannel.publish(message);
  return outcome;
}

async function call(request: UpstreamRequest): Promise<UpstreamAnswer | UpstreamFailure> {
  // Timers take whole milliseconds up to 2^31 - 1: a fractional or huge option must not throw here.
  const timeoutMs = Math.min(
    Math.ceil(request.timeoutMs ?? HTTP_DEFAULTS.timeoutMs),
    MAX_TIMER_DELAY_MS,
  );
  const maxBytes = request.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = request.form.toString();
  }
  let phase: 'connect' | 'body' = 'connect';
  try {
    const response = await (request.dispatcher ?? agent()).request({
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    if (response.statusCode >= 300 && response.statusCode < 400) {
      await response.body.dump().catch(() => undefined);
      return failure(
        'upstream_redirect',
        `${request.url.origin}${request.url.pathname} answered a redirect (${response.statusCode})`,
      );
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.body.destroy();
      return failure(
        'upstream_too_large',
        `answer of ${declared} bytes is over the ${maxBytes}-byte cap`,
      );
    }
    phase = 'body';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        response.body.destroy();
        return failure('upstream_too_large', `answer is over the ${maxBytes}-byte cap`);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks, size).toString('utf8');
    return {
      kind: 'answer',
      status: response.statusCode,
      headers: response.headers,
      json: isJsonContentType(response.headers['content-type']) ? parseJson(text) : undefined,
    };
  } catch (error) {
    return classify(error, request.url, phase);
  }
}

/**
 * Fetches a JSON object with GET and a 200 answer; anything else is a failure with a reason code
 * (`upstream_error` for other statuses, `upstream_invalid_response` for a body that is not a JSON
 * object).
 */
export async function fetchJsonObject(
  request: UpstreamRequest,
): Promise<
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'failure'; reason: ReasonCode; cause: Error }
> {
  const answer = await callUpstream(request);
  if (answer.kind === 'failure') return answer;
  if (answer.status !== 200) {
    return {
      kind: 'failure',
      reason: 'upstream_error',
      cause: new Error(`${request.url.origin}${request.url.pathname} answered ${answer.status}`),
    };
  }
  if (!isObject(answer.json)) {
    return {
      kind: 'failure',
      reason: 'upstream_invalid_response',
      cause: new Error(
        `${request.url.origin}${request.url.pathname} answered something other than a JSON object`,
      ),
    };
  }
  return { kind: 'object', value: answer.json };
}
