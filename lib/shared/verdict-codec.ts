/**
 * Verdicts to and from the JSON kept in the store. Only what a request needs is written (the
 * verdict kind, its reason, the identity — never a `cause`, the token or an upstream body), and
 * everything read back is checked field by field: a value that does not have exactly the shape
 * of a verdict is a miss.
 */
import { REASON_CODES, type ReasonCode } from '../reasons.js';
import type { SharedSettings } from '../cache/token-cache.js';
import type { Claims, Confirmation, Identity, Verdict } from '../types.js';
import type { SharedCache } from './shared-cache.js';

const REASONS: ReadonlySet<string> = new Set(REASON_CODES);

/** A JSON form of a value of a token cache, and the way back. */
export interface Codec<V> {
  /** The JSON-able form of `value`, or `undefined` when it must not be shared. */
  encode(value: V): unknown;
  /** The value back from `json`, or `undefined` when `json` is not one; `remainingMs` is its lifetime left. */
  decode(json: unknown, remainingMs: number): V | undefined;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.getPrototypeOf(v) === Object.prototype;
const optString = (v: unknown) => v === undefined || typeof v === 'string';
const optNumber = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));

function confirmationOf(v: unknown): Confirmation | undefined | false {
  if (v === undefined) return undefined;
  if (!isObject(v) || !optString(v.jkt) || !optString(v.x5tS256)) return false;
  for (const key of Object.keys(v)) if (key !== 'jkt' && key !== 'x5tS256') return false;
  const out: Confirmation = {};
  if (v.jkt !== undefined) out.jkt = v.jkt as string;
  if (v.x5tS256 !== undefined) out.x5tS256 = v.x5tS256 as string;
  return out;
}

/** An identity read from the store, checked in shape; `undefined` when it is not one. */
export function identityFrom(v: unknown): Identity | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.subject !== 'string') return undefined;
  if (!Array.isArray(v.scopes) || !v.scopes.every((s) => typeof s === 'string')) return undefined;
  if (!isObject(v.claims)) return undefined;
  if (typeof v.serviceAccount !== 'boolean' || typeof v.verifier !== 'string') return undefined;
  for (const name of ['username', 'email', 'clientId', 'issuer', 'acr'] as const) {
    if (!optString(v[name])) return undefined;
  }
  for (const name of ['expiresAt', 'issuedAt', 'authTime'] as const) {
    if (!optNumber(v[name])) return undefined;
  }
  const confirmation = confirmationOf(v.confirmation);
  if (confirmation === false) return undefined;
  const identity: Identity = {
    subject: v.subject,
    scopes: [...(v.scopes as string[])],
    claims: v.claims as Claims,
    serviceAccount: v.serviceAccount,
    verifier: v.verifier,
  };
  for (const name of ['username', 'email', 'clientId', 'issuer', 'acr'] as const) {
    if (v[name] !== undefined) identity[name] = v[name] as string;
  }
  for (const name of ['expiresAt', 'issuedAt', 'authTime'] as const) {
    if (v[name] !== undefined) identity[name] = v[name] as number;
  }
  if (confirmation) identity.confirmation = confirmation;
  return identity;
}

/** The identity as written to the store: its own fields only. */
function identityJson(identity: Identity): Json {
  const out: Json = {
    subject: identity.subject,
    scopes: identity.scopes,
    claims: identity.claims,
    serviceAccount: identity.serviceAccount,
    verifier: identity.verifier,
  };
  for (const name of [
    'username',
    'email',
    'clientId',
    'issuer',
    'acr',
    'expiresAt',
    'issuedAt',
    'authTime',
    'confirmation',
  ] as const) {
    if (identity[name] !== undefined) out[name] = identity[name];
  }
  return out;
}

/** The codec of `Verdict`s. `unavailable` is never shared. */
export const VERDICT_CODEC: Codec<Verdict> = Object.freeze({
  encode(verdict: Verdict): unknown {
    switch (verdict.kind) {
      case 'accept':
        return { kind: 'accept', identity: identityJson(verdict.identity) };
      case 'pass':
      case 'reject':
        return { kind: verdict.kind, reason: verdict.reason };
      default:
        return undefined;
    }
  },
  decode(json: unknown): Verdict | undefined {
    if (!isObject(json)) return undefined;
    if (json.kind === 'accept') {
      const identity = identityFrom(json.identity);
      return identity ? { kind: 'accept', identity } : undefined;
    }
    if ((json.kind === 'pass' || json.kind === 'reject') && typeof json.reason === 'string') {
      if (!REASONS.has(json.reason)) return undefined;
      return { kind: json.kind, reason: json.reason as ReasonCode };
    }
    return undefined;
  },
});

/**
 * A verifier's shared-cache settings from its resolved `cache` option: `undefined` without a
 * shared cache. Values are verdicts, or (with `wrap`) objects holding one under `verdict`.
 */
export function sharedSettings<V extends object = Verdict>(
  cache: { shared?: SharedCache } | false,
  scope: string,
  wrap?: (verdict: Verdict, remainingMs: number) => V,
): SharedSettings<V> | undefined {
  if (!cache || !cache.shared) return undefined;
  if (!wrap) return { cache: cache.shared, scope, codec: VERDICT_CODEC as unknown as Codec<V> };
  return {
    cache: cache.shared,
    scope,
    codec: {
      encode: (value) => VERDICT_CODEC.encode((value as unknown as { verdict: Verdict }).verdict),
      decode: (json, remainingMs) => {
        const verdict = VERDICT_CODEC.decode(json, remainingMs);
        return verdict ? wrap(verdict, remainingMs) : undefined;
      },
    },
  };
}
