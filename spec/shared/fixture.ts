/**
 * Two (or more) API instances in one process sharing one store, in front of a counting
 * introspection server on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import {
  introspectionVerifier,
  sharedCache,
  type Decision,
  type SharedCache,
  type SharedCacheOptions,
} from '../../lib/index.js';
import { buildApp } from '../helpers/app.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';

export const ISSUER = 'https://id.example.com';
export const AUDIENCE = 'https://api.example.com';
export const SECRET = 'a shared-cache secret of more than 32 bytes, for tests only';
export const INTROSPECT = '/introspect';

/** A fresh opaque token of `user` (`admin` or `jdoe`); `noIat`: its answer carries no `iat`. */
export function opaqueToken(user: 'admin' | 'jdoe' = 'admin', noIat = false): string {
  return `op.${user}.${noIat ? 'noiat' : 'iat'}.${randomBytes(12).toString('base64url')}`;
}

export interface Upstream extends JsonServer {
  /** Introspection calls so far. */
  calls(): number;
  /** Tokens the server now calls inactive. */
  inactive: Set<string>;
  /** Milliseconds the server waits before answering. */
  delayMs: number;
  /** When set, every answer waits for this promise first. */
  gate: Promise<void> | undefined;
}

export async function startUpstream(): Promise<Upstream> {
  const inactive = new Set<string>();
  // eslint-disable-next-line prefer-const
  let up: Upstream;
  const server = await startJsonServer(async (req) => {
    const token = new URLSearchParams(req.body).get('token') ?? '';
    const [prefix, user, iat] = token.split('.');
    if (up.gate) await up.gate;
    if (prefix !== 'op' || inactive.has(token))
      return { json: { active: false }, delayMs: up.delayMs };
    const now = Math.floor(Date.now() / 1000);
    return {
      delayMs: up.delayMs,
      json: {
        active: true,
        iss: ISSUER,
        aud: AUDIENCE,
        sub: `user-${user}`,
        username: user,
        scope: 'read write',
        client_id: 'web-app',
        token_type: 'Bearer',
        exp: now + 3600,
        ...(iat === 'iat' ? { iat: now - 5 } : {}),
      },
    };
  });
  up = Object.assign(server, {
    calls: () => server.count(INTROSPECT),
    inactive,
    delayMs: 0,
    gate: undefined as Promise<void> | undefined,
  });
  return up;
}

/** One API instance: its shared cache (own subscription), verifier and app. */
export interface Instance {
  shared: SharedCache;
  app: Express;
  decisions: Decision[];
}

export function instance(
  upstream: JsonServer,
  options: Pick<SharedCacheOptions, 'store'> & Partial<SharedCacheOptions>,
  revocation = true,
): Instance {
  const shared = sharedCache({ secret: SECRET, ...options });
  const verifier = introspectionVerifier({
    endpoint: `${upstream.url}${INTROSPECT}`,
    clientId: 'api',
    clientSecret: 'api-secret',
    audience: AUDIENCE,
    cache: { shared },
  });
  const { app, decisions } = buildApp({
    verifiers: [verifier],
    ...(revocation ? { revocation: shared } : {}),
  });
  return { shared, app, decisions };
}

/** Resolves once `check` is true, polling every 5 ms; rejects after `limit` polls. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  limit = 400,
): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not reached');
}

/** Resolves once the instance's revocation channel is live. */
export const live = (shared: SharedCache) =>
  eventually(() => shared.status().revocationBus === 'live');
