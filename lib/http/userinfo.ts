/**
 * Asking a provider about a bearer token it issued: one call to its userinfo-like endpoint with the
 * token, and the answer sorted three ways. A profile object (2xx); a refusal (the provider's
 * "invalid token" statuses, usually 401/403); or a failure (5xx, other statuses, timeout, redirect,
 * a body that is not a JSON object, too large), which the caller turns into 503, never into 401.
 */
import type { Dispatcher } from 'undici';
import type { ReasonCode } from '../reasons.js';
import { isObject } from '../util/json.js';
import { callUpstream } from './client.js';

/** One profile request. */
export interface ProfileRequest {
  url: URL;
  token: string;
  /** `'header'`: `Authorization: Bearer` (RFC 6750 §2.1); `{ query }`: a query parameter. */
  tokenIn: 'header' | { readonly query: string };
  method: 'GET' | 'POST';
  headers?: Readonly<Record<string, string>>;
  /** Statuses that mean "the provider does not accept this token". */
  rejectStatuses: readonly number[];
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The undici `Dispatcher` to send through. Default: the shared keep-alive pool. */
  dispatcher?: Dispatcher;
}

/** What the provider said. Never carries the token. */
export type ProfileAnswer =
  | {
      kind: 'profile';
      profile: Record<string, unknown>;
      headers: Record<string, string | string[] | undefined>;
    }
  | { kind: 'rejected'; status: number }
  | { kind: 'failure'; reason: ReasonCode; cause: Error };

/**
 * Calls the endpoint with the token and classifies the answer.
 *
 * @example
 * ```ts
 * const answer = await fetchProfile({
 *   url: new URL('https://api.github.com/user'), token, tokenIn: 'header', method: 'GET',
 *   rejectStatuses: [401, 403],
 * });
 * if (answer.kind === 'profile') use(answer.profile);
 * ```
 */
export async function fetchProfile(request: ProfileRequest): Promise<ProfileAnswer> {
  const url = new URL(request.url);
  const headers: Record<string, string> = { ...request.headers };
  if (request.tokenIn === 'header') headers.authorization = `Bearer ${request.token}`;
  else url.searchParams.set(request.tokenIn.query, request.token);
  const answer = await callUpstream({
    url,
    method: request.method,
    headers,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    dispatcher: request.dispatcher,
  });
  if (answer.kind === 'failure') return answer;
  // Named by origin and path only: the query may hold the token.
  const where = `${url.origin}${url.pathname}`;
  if (request.rejectStatuses.includes(answer.status)) {
    return { kind: 'rejected', status: answer.status };
  }
  const ok = answer.status >= 200 && answer.status <= 299;
  const json = answer.json;
  if (ok && isObject(json)) return { kind: 'profile', profile: json, headers: answer.headers };
  const [reason, what]: [ReasonCode, string] = ok
    ? ['upstream_invalid_response', 'answered something other than a JSON object']
    : ['upstream_error', `answered ${answer.status}`];
  return { kind: 'failure', reason, cause: new Error(`${where} ${what}`) };
}
