/**
 * What must survive a restart and a `kill -9`: the storage port. One
 * interface, one concern per part; the backends (memory, SQLite, Redis) live
 * in `integrations/state/` and pass one shared contract suite.
 *
 * Time: every expiry compares against the caller's clock (`now` below), so
 * tests move time by hand and several instances agree on what has expired
 * as long as their clocks do.
 */
import type { Bus } from './bus';
import type { Handoff } from './handoff-record';
import type { Outbox } from './outbox';
import type { Channel, ConversationState } from './state';

/** A value that survives JSON: what the store keeps for dedupe answers and histories. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Milliseconds since the epoch, from the injected clock. */
export type Millis = number;

/**
 * A save was based on a version that is no longer current: another turn (on
 * this instance or another) saved in between. The caller reloads and redoes,
 * or fails politely; it never overwrites.
 */
export class StaleWriteError extends Error {
  override name = 'StaleWriteError';
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`stale write to ${key}: based on version ${expected}, stored is ${actual}`);
  }
}

/** A conversation's state and the version it was stored as. */
export interface VersionedState {
  state: ConversationState;
  /** 1 after the first save; each save adds one. */
  version: number;
}

/** Conversation state by conversation id, with optimistic concurrency. */
export interface ConversationStates {
  /** The state, or null when there is none or it expired. Unchecked: the engine parses it. */
  load(conversationId: string, now: Millis): Promise<VersionedState | null>;
  /**
   * Saves when the stored version is `expectedVersion` (0: none stored yet)
   * and returns the new version; otherwise throws StaleWriteError. The state
   * expires `ttlMs` after this save. `events` (what the turn changed, for the
   * figures) are appended to the store's outcome log in the same write: both
   * or neither, so a turn run again after a stale save is never counted twice.
   */
  save(state: ConversationState, expectedVersion: number, now: Millis, events?: readonly OutcomeEvent[]): Promise<number>;
}

/** Proof of holding a conversation's lock until `expiresAt`. */
export interface Lease {
  readonly key: string;
  /** Unique per acquisition: only its holder may renew or release. */
  readonly token: string;
  expiresAt: Millis;
}

/** Per-conversation locks with a lease: a holder that dies frees the lock when its lease runs out. */
export interface Leases {
  /** The lease, or null while someone else holds an unexpired one. */
  acquire(key: string, ttlMs: number, now: Millis): Promise<Lease | null>;
  /** Extends the lease for a long turn; false when it was lost (expired and taken, or released). */
  renew(lease: Lease, ttlMs: number, now: Millis): Promise<boolean>;
  /** Frees the lock; false (and nothing changes) when the lease is no longer this holder's. */
  release(lease: Lease): Promise<boolean>;
}

/** What a delivery id has come to. */
export type DedupeRecord =
  | { status: 'new' }
  /** Claimed by an earlier delivery that has not answered yet (or died before answering). */
  | { status: 'pending' }
  | { status: 'done'; answer: Json };

/**
 * "This delivery id was processed, here is the answer": a retried delivery
 * (Web Chat's clientActivityID, a Bot Framework activity id, Twilio's repeat)
 * runs once on any instance and gets the first answer again.
 */
export interface Deliveries {
  /** Claims the id: `new` to exactly one caller, the record to every other. */
  claim(deliveryId: string, ttlMs: number, now: Millis): Promise<DedupeRecord>;
  /** Stores the answer of a claimed id (once: a second answer is ignored). */
  answer(deliveryId: string, answer: Json, ttlMs: number, now: Millis): Promise<void>;
}

/** One entry of a history with its position (0, 1, 2 …). */
export interface HistoryEntry {
  seq: number;
  item: Json;
}

/** Append-only per-conversation histories (Direct Line activities) read from a watermark. */
export interface Histories {
  /** Appends and returns the entry's position; the history expires `ttlMs` after the last append. */
  append(conversationId: string, item: Json, ttlMs: number, now: Millis): Promise<number>;
  /**
   * Appends several entries in one write, at consecutive positions (nothing else lands between them),
   * and returns the first one's position; nothing is written for none.
   */
  appendAll(conversationId: string, items: readonly Json[], ttlMs: number, now: Millis): Promise<number>;
  /** Entries at positions ≥ `watermark` (at most `limit`), and the next watermark (how many exist). */
  since(conversationId: string, watermark: number, now: Millis, limit?: number): Promise<{ entries: HistoryEntry[]; watermark: number }>;
}

/** A contact waiting for a person. */
export interface WaitingContact {
  /** The handoff id. */
  id: string;
  queue: string;
  priority: number;
  /** When it was enqueued (ISO), the tie-breaker after priority. */
  enqueuedAt: string;
  handoff: Handoff;
}

/** The durable queue of contacts waiting for an agent. */
export interface WaitingContacts {
  /** Adds the handoff; a conversation waits once, so a second handoff replaces the first. */
  enqueue(handoff: Handoff): Promise<void>;
  /** Who waits in a queue: highest priority first, then the longest waiting. */
  list(queue: string): Promise<WaitingContact[]>;
  /** Takes the next contact of a queue, atomically: two claimers never get the same one. */
  claimNext(queue: string): Promise<WaitingContact | null>;
  /** Takes one given contact; null when another claimer was first (or it left). */
  claim(id: string): Promise<WaitingContact | null>;
  /** Removes a contact that left (hung up, closed the chat); false when it was gone. */
  remove(id: string): Promise<boolean>;
}

/** Something that happened in a conversation, for the figures. */
export interface OutcomeEvent {
  at: string;
  conversationId: string;
  channel: Channel;
  /**
   * What happened. The engine records (bot/engine/outcomes.ts, once per saved turn):
   * `started` (first turn), `completed_in_bot` (a self-service flow ended; detail.outcome is its `end:`),
   * `not_understood` (detail.in_a_row), `verification_failed` (detail.failures), `offer` (detail.offer,
   * detail.by `bot`), `handed_off` (detail.queue, handoff, priority, understood; intent null when nothing
   * was understood). The desk records `accepted`, `transferred`, `back_to_bot`, `ended`, `abandoned`,
   * `survey`, `offer` (by an agent) and its processes' events.
   */
  kind: string;
  intent: string | null;
  detail: Record<string, string | number | boolean | null>;
}

/** The append-only outcome-event log. */
export interface OutcomeEvents {
  /** Appends and returns the event's position. */
  append(event: OutcomeEvent): Promise<number>;
  /** Events after position `after` (-1: from the start), oldest first, at most `limit`. */
  read(after: number, limit?: number): Promise<{ seq: number; event: OutcomeEvent }[]>;
}

/** Where a handed-off contact is in its life (the agent desk's view of it). */
export type ContactRecordStatus = 'waiting' | 'with_agent' | 'ended' | 'abandoned';

/**
 * A handed-off contact after the handoff, as the agent desk keeps it: who
 * holds it, its queue, the private notes agents left, and the card. The
 * waiting queue says who is next; this record says what the contact is.
 */
export interface ContactRecord {
  /** The handoff id. */
  id: string;
  conversationId: string;
  channel: Channel;
  status: ContactRecordStatus;
  queue: string;
  priority: number;
  /** When it entered its current queue (ISO). */
  enqueuedAt: string;
  /** The agent holding it (`with_agent`), or who last held it. */
  agent: { id: string; name: string } | null;
  notes: { at: string; agentName: string; text: string }[];
  /** The card as the bot handed it over. */
  handoff: Handoff;
  /** The code an agent ended it with. */
  disposition: string | null;
  updatedAt: string;
  /**
   * A transfer to one agent, not yet accepted: reserved for `agent` (status `with_agent`), who
   * accepts or declines; declined or unanswered, it waits again in `queue` at its old place.
   */
  offer?: { from: { id: string; name: string }; note: string | null; at: string } | null;
}

/**
 * The history (in `Histories`) that keeps what was written since a contact's
 * handoff; `Store.purge` removes it together with the contact's record.
 */
export function contactLinesKey(contactId: string): string {
  return `contact:${contactId}`;
}

/**
 * Contact records with optimistic concurrency: two agents changing one contact at once never both win.
 * An `ended` or `abandoned` record (and its lines) is purged `contactRetentionMs` after its `updatedAt`;
 * a waiting or held one never expires.
 */
export interface ContactRecords {
  /** The record and its version, or null. */
  load(id: string): Promise<{ record: ContactRecord; version: number } | null>;
  /** Saves when the stored version is `expectedVersion` (0: new) and returns the new version; else StaleWriteError. */
  save(record: ContactRecord, expectedVersion: number): Promise<number>;
  /** The contacts an agent holds now (`with_agent`), the longest held first. */
  heldBy(agentId: string): Promise<ContactRecord[]>;
}

/**
 * Keyed values that expire, shared by every instance on the store: desk
 * sessions, sign-in attempt counts, message rates. A key holds either a value
 * (`put`) or a counter (`count`); `get` of a counter's key reads its count,
 * `delete` removes either. A stored `null` reads back as absent.
 */
export interface KeyedRecords {
  /** The value, or null when there is none or it expired. */
  get(key: string, now: Millis): Promise<Json | null>;
  /** Stores (replacing any value or counter); it expires `ttlMs` after `now`. */
  put(key: string, value: Json, ttlMs: number, now: Millis): Promise<void>;
  /** Removes the value or counter; false when there was none. */
  delete(key: string): Promise<boolean>;
  /**
   * Counts one hit in a fixed window and returns the hits of the window so
   * far, this one included (1, 2, 3 …). The first hit after none (or after
   * the last window ended) starts a window of `windowMs`. Atomic across
   * instances: N hits at once on N instances return 1 … N.
   */
  count(key: string, windowMs: number, now: Millis): Promise<number>;
  /**
   * Takes one hit from a token bucket that holds `burst` hits and gains one
   * every `intervalMs` (whole milliseconds): true when taken, false when the
   * caller must wait (nothing is counted then). GCRA: the record keeps only
   * when the bucket is full again and expires then. Atomic across instances,
   * one round trip: N takes at once on N instances take N hits.
   */
  take(key: string, burst: number, intervalMs: number, now: Millis): Promise<boolean>;
}

/** How many expired entries a purge removed. */
export interface PurgeCounts {
  states: number;
  deliveries: number;
  histories: number;
  leases: number;
  records: number;
  /** Ended and abandoned contacts past their retention (with their lines). */
  contacts: number;
}

/** Everything that must survive a restart, behind one object. */
export interface Store {
  /** `sqlite`, `redis` or `memory`, for the start-up log. */
  readonly kind: string;
  readonly states: ConversationStates;
  readonly leases: Leases;
  readonly deliveries: Deliveries;
  readonly histories: Histories;
  readonly waiting: WaitingContacts;
  readonly events: OutcomeEvents;
  /** The contacts handed to people, for the agent desk (ended and abandoned ones expire after a retention). */
  readonly contacts: ContactRecords;
  /** Messages to outside systems, sent after the turn and retried (outbox.ts). */
  readonly outbox: Outbox;
  /** Keyed values and counters that expire (desk sessions, sign-in limits, rates). */
  readonly records: KeyedRecords;
  /** Notifications to every instance sharing this store (in-process for memory and SQLite). */
  readonly bus: Bus;
  /** Removes what expired before `now` (the queue, the event log and open contacts never expire). */
  purge(now: Millis): Promise<PurgeCounts>;
  /** Answers when the backend is reachable (readiness). */
  ping(): Promise<void>;
  /**
   * Whether `err` (thrown by this store) says the backend cannot be used right now, not that a request
   * was wrong: down, hung, locked by another process, out of disk. A request it failed answers 503.
   */
  unavailable(err: unknown): boolean;
  close(): Promise<void>;
}

/** The part of the logger a store writes to: faults it works around (a lost connection and its return). */
export interface StoreLog {
  warn(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
}

/** Settings every backend takes. */
export interface StoreOptions {
  /** How long an idle conversation's state lives. */
  stateTtlMs: number;
  /** How long an ended or abandoned contact is kept after its last change (default 30 days). */
  contactRetentionMs?: number;
}

/** Ended and abandoned contacts are kept this long unless the settings say otherwise (CONTACT_RETENTION_DAYS). */
export const DEFAULT_CONTACT_RETENTION_MS = 30 * 24 * 3600_000;

/** Whether a contact record has ended (or was abandoned) at least `retentionMs` before `now`: purge it. */
export function contactExpired(record: ContactRecord, retentionMs: number, now: Millis): boolean {
  return (record.status === 'ended' || record.status === 'abandoned') && Date.parse(record.updatedAt) + retentionMs <= now;
}
