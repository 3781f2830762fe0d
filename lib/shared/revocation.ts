/**
 * What this process knows about revocations, and the check `bearerAuth({ revocation })` runs
 * after the chain accepts. A revoked token and a subject's cut-off are kept in the store (so
 * instances started later see them) and announced on the channel (so running instances see
 * them at once). While the subscription is live, what was learned from the store is remembered
 * locally and a request is decided without a round trip; when the subscription is down or
 * (re)starts, that knowledge is dropped, because messages sent meanwhile are lost.
 */
import { LRUCache } from 'lru-cache';
import type { ReasonCode } from '../reasons.js';
import type { Identity } from '../types.js';
import type { Breaker } from './breaker.js';
import type { KeySpace } from './keys.js';
import { open, openAny, seal } from './seal.js';
import type { DerivedKeys } from './secrets.js';
import type { SharedStore } from './store.js';

/** Why the revocation check refused a token. */
export type RevocationReason = Extract<ReasonCode, 'token_revoked' | 'subject_revoked'>;

/** The answer of a revocation check: a reason to refuse, or `undefined`. */
export type RevocationAnswer = RevocationReason | undefined;

/** What `bearerAuth({ revocation })` calls after the chain accepts a token. */
export interface RevocationCheck {
  /**
   * Whether `token` (accepted for `identity`) is revoked. Returns the answer itself when this
   * process can tell, a promise when it must ask the store.
   */
  check(token: string, identity: Identity): RevocationAnswer | Promise<RevocationAnswer>;
}

/** A revocation announced on the channel. */
type Message =
  | { type: 'token'; ids: string[]; until: number }
  | { type: 'subject'; ids: string[]; before: number };

const LOCAL_MAX = 100_000;
const MAX_IDS = 8;
const MAX_MESSAGE_LENGTH = 4096;
const ID = /^[A-Za-z0-9_-]{43}$/;

function parseMessage(text: string | undefined): Message | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (
    !Array.isArray(m.ids) ||
    m.ids.length === 0 ||
    m.ids.length > MAX_IDS ||
    !m.ids.every((id) => typeof id === 'string' && ID.test(id))
  ) {
    return undefined;
  }
  const ids = m.ids as string[];
  if (m.type === 'token' && typeof m.until === 'number' && Number.isFinite(m.until)) {
    return { type: 'token', ids, until: m.until };
  }
  if (m.type === 'subject' && typeof m.before === 'number' && Number.isFinite(m.before)) {
    return { type: 'subject', ids, before: m.before };
  }
  return undefined;
}

/** What the revocation state needs from the shared cache. */
export interface RevocationDeps {
  store: SharedStore;
  space: KeySpace;
  keys: readonly DerivedKeys[];
  breaker: Breaker;
  /** Wall clock, milliseconds. */
  now: () => number;
  /** How long local knowledge learned from the store is trusted while the channel is live. */
  localTtlMs: number;
  /** When this process first verified a token (by id), for identities without `iat`. */
  verifiedAt: (id: string) => number | undefined;
  /** Forgets a token (by id) in every token cache of this process that uses the shared cache. */
  forgetLocally: (id: string) => void;
  /** Reports that the store could not answer a revocation lookup. */
  onLookupFailure: (cause: unknown) => void;
}

/** The revocation state of one shared cache in one process. */
export class Revocations implements RevocationCheck {
  /** Whether the subscription is live: local knowledge is only kept while it is. */
  live = false;
  readonly #deps: RevocationDeps;
  /** Tokens known to be revoked (by id), until their tombstone expires. */
  readonly #revoked = new LRUCache<string, true>({ max: LOCAL_MAX, ttl: 1, ttlAutopurge: false });
  /** Tokens the store said were not revoked (while live). */
  readonly #clean: LRUCache<string, true>;
  /** Subject cut-offs (0: none), by subject id. */
  readonly #subjects: LRUCache<string, number>;
  /** When a token without `iat` was first seen by the check, for the tokens no cache noted. */
  readonly #firstSeen = new LRUCache<string, number>({ max: LOCAL_MAX });
  /** Bumped by every revocation learned and every reset: lookups in flight then are not kept. */
  #epoch = 0;

  constructor(deps: RevocationDeps) {
    this.#deps = deps;
    this.#clean = new LRUCache({ max: LOCAL_MAX, ttl: deps.localTtlMs, ttlAutopurge: false });
    this.#subjects = new LRUCache({ max: LOCAL_MAX, ttl: deps.localTtlMs, ttlAutopurge: false });
  }

  /** The subscription is (again) in place: nothing learned before can be trusted to be complete. */
  reset(): void {
    this.#epoch++;
    this.#clean.clear();
    this.#subjects.clear();
    this.live = true;
  }

  /** The subscription went down. */
  down(): void {
    this.#epoch++;
    this.live = false;
    this.#clean.clear();
    this.#subjects.clear();
  }

  /** Handles a message from the channel: it can only add a revocation, never lift one. */
  message(raw: unknown): void {
    if (typeof raw !== 'string' || raw.length > MAX_MESSAGE_LENGTH) return;
    const msg = parseMessage(openAny(this.#deps.keys, this.#deps.space.channel, raw));
    if (!msg) return;
    this.learn(msg);
  }

  /** Records a revocation (from a message or from this process). */
  learn(msg: Message): void {
    this.#epoch++;
    const now = this.#deps.now();
    if (msg.type === 'token') {
      const ttl = Math.max(1, Math.min(msg.until - now, 366 * 86_400_000));
      for (const id of msg.ids) {
        this.#revoked.set(id, true, { ttl });
        this.#clean.delete(id);
        this.#deps.forgetLocally(id);
      }
    } else {
      for (const id of msg.ids) {
        const known = this.#subjects.get(id);
        // Only ever later: a message cannot shorten a cut-off.
        if (known === undefined || known < msg.before) this.#subjects.delete(id);
        if (this.live && known !== undefined) this.#subjects.set(id, Math.max(known, msg.before));
      }
    }
  }

  /** The ids of `token` under every secret (the first is the writing one). */
  tokenIds(token: string): string[] {
    const ids = [this.#deps.space.tokenId(token)];
    for (let i = 1; i < this.#deps.space.secrets; i++) ids.push(this.#deps.space.tokenId(token, i));
    return ids;
  }

  /** The ids of a subject under every secret. */
  subjectIds(issuer: string, subject: string): string[] {
    const ids: string[] = [];
    for (let i = 0; i < this.#deps.space.secrets; i++) {
      ids.push(this.#deps.space.subjectId(issuer, subject, i));
    }
    return ids;
  }

  #issuedAtMs(id: string, identity: Identity): number {
    if (typeof identity.issuedAt === 'number') return identity.issuedAt * 1000;
    // A JWT's payload and an introspection answer both name the issue time `iat`.
    const iat = identity.claims.iat;
    if (typeof iat === 'number' && Number.isFinite(iat)) return iat * 1000;
    const noted = this.#deps.verifiedAt(id);
    if (noted !== undefined) return noted;
    const seen = this.#firstSeen.get(id);
    if (seen !== undefined) return seen;
    const now = this.#deps.now();
    this.#firstSeen.set(id, now);
    return now;
  }

  check(token: string, identity: Identity): RevocationAnswer | Promise<RevocationAnswer> {
    const space = this.#deps.space;
    const id = space.tokenId(token);
    if (this.#revoked.has(id)) return 'token_revoked';
    const rotating = space.secrets > 1;
    if (rotating && this.tokenIds(token).some((other) => this.#revoked.has(other))) {
      return 'token_revoked';
    }
    const issuer = identity.issuer ?? '';
    const subjectId = space.subjectId(issuer, identity.subject);
    const issued = this.#issuedAtMs(id, identity);
    if (this.live) {
      const cutoff = this.#subjects.get(subjectId);
      if (cutoff !== undefined && this.#clean.has(id)) {
        return cutoff > issued ? 'subject_revoked' : undefined;
      }
    }
    return this.#ask(token, id, issuer, identity.subject, subjectId, issued);
  }

  async #ask(
    token: string,
    id: string,
    issuer: string,
    subject: string,
    subjectId: string,
    issued: number,
  ): Promise<RevocationAnswer> {
    const epoch = this.#epoch;
    const [tombstone, cutoff] = await Promise.all([
      this.#clean.has(id) && this.live
        ? Promise.resolve(false)
        : this.#readFirst(
            this.tokenIds(token).map((t) => this.#deps.space.tombstone(t)),
            'token',
          ),
      this.live && this.#subjects.has(subjectId)
        ? Promise.resolve(this.#subjects.get(subjectId) as number)
        : this.#readFirst(
            this.subjectIds(issuer, subject).map((s) => this.#deps.space.subject(s)),
            'subject',
          ),
    ]);
    if (this.#revoked.has(id)) return 'token_revoked';
    if (tombstone === true) {
      this.#revoked.set(id, true, { ttl: this.#deps.localTtlMs });
      return 'token_revoked';
    }
    const keep = this.live && epoch === this.#epoch;
    if (tombstone === false && keep) this.#clean.set(id, true);
    if (typeof cutoff === 'number') {
      if (keep) this.#subjects.set(subjectId, cutoff);
      if (cutoff > issued) return 'subject_revoked';
    }
    return undefined;
  }

  /**
   * Reads the first of `keys` that holds a sealed revocation: `true`/`false` for a tombstone,
   * the cut-off (0: none) for a subject, `undefined` when the store could not answer.
   */
  async #readFirst(
    keys: string[],
    kind: 'token' | 'subject',
  ): Promise<boolean | number | undefined> {
    const { store, breaker } = this.#deps;
    let values: unknown[];
    try {
      values = await breaker.run(() => Promise.all(keys.map((key) => store.get(key))));
    } catch (cause) {
      this.#deps.onLookupFailure(cause);
      return undefined;
    }
    const now = this.#deps.now();
    for (let i = 0; i < keys.length; i++) {
      const keys_ = this.#deps.keys[i];
      const opened = keys_ ? open(keys_, keys[i] as string, values[i]) : undefined;
      const record = opened === undefined ? undefined : revocationRecord(opened);
      if (record === undefined || !(record.until > now)) continue;
      if (kind === 'token') return true;
      if (typeof record.before === 'number') return record.before;
    }
    return kind === 'token' ? false : 0;
  }
}

/** A sealed revocation record as kept in the store. */
export interface RevocationRecord {
  until: number;
  before?: number;
}

function revocationRecord(text: string): RevocationRecord | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || typeof v.until !== 'number') return undefined;
    if (v.before !== undefined && typeof v.before !== 'number') return undefined;
    return { until: v.until, before: v.before as number | undefined };
  } catch {
    return undefined;
  }
}

/** Seals a revocation record under `key`. */
export function sealRecord(keys: DerivedKeys, key: string, record: RevocationRecord): string {
  return seal(keys, key, JSON.stringify(record));
}

/** Seals a message for the channel. */
export function sealMessage(keys: DerivedKeys, channel: string, msg: Message): string {
  return seal(keys, channel, JSON.stringify(msg));
}

export type { Message as RevocationMessage };
