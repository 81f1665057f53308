/**
 * The in-memory store: one process, nothing survives a restart. For tests
 * and `DATA_DIR=` (empty); it passes the same contract suite as SQLite and
 * Redis. Values are kept as JSON so a caller can never mutate what is stored.
 */
import type { Bus } from '../../bot/engine/bus';
import { LocalBus } from './local-bus';
import { randomUUID } from 'node:crypto';
import type { ConversationLock } from '../../bot/engine/ports';
import type { Handoff } from '../../bot/engine/handoff-record';
import type { ConversationState } from '../../bot/engine/state';
import {
  contactLinesKey,
  DEFAULT_CONTACT_RETENTION_MS,
  StaleWriteError,
  type DedupeRecord,
  type Histories,
  type Json,
  type Lease,
  type Millis,
  type OutcomeEvent,
  type PurgeCounts,
  type Store,
  type StoreOptions,
  type VersionedState,
  type WaitingContact,
} from '../../bot/engine/store';
import { byQueueOrder } from './queue-order';
import { MemoryContacts } from './memory-contacts';
import { MemoryOutbox } from './memory-outbox';
import { MemoryRecords } from './memory-records';

interface Expiring<T> {
  value: T;
  expiresAt: Millis;
}

export class MemoryStore implements Store {
  readonly kind = 'memory';
  readonly bus: Bus = new LocalBus();
  readonly contacts = new MemoryContacts();
  readonly outbox = new MemoryOutbox();
  readonly records = new MemoryRecords();
  private readonly stateRows = new Map<string, Expiring<{ json: string; version: number }>>();
  private readonly leaseRows = new Map<string, Expiring<string>>();
  private readonly dedupeRows = new Map<string, Expiring<string | null>>();
  private readonly historyRows = new Map<string, Expiring<string[]>>();
  private readonly queueRows = new Map<string, { contact: string; seq: number }>();
  private readonly eventRows: string[] = [];
  private queueSeq = 0;

  constructor(private readonly options: StoreOptions) {}

  readonly states = {
    load: async (id: string, now: Millis): Promise<VersionedState | null> => {
      const row = live(this.stateRows.get(id), now);
      return row ? { state: JSON.parse(row.json) as ConversationState, version: row.version } : null;
    },
    save: async (state: ConversationState, expected: number, now: Millis, events: readonly OutcomeEvent[] = []): Promise<number> => {
      const actual = live(this.stateRows.get(state.conversationId), now)?.version ?? 0;
      if (actual !== expected) throw new StaleWriteError(state.conversationId, expected, actual);
      const version = actual + 1;
      const expiresAt = now + this.options.stateTtlMs;
      this.stateRows.set(state.conversationId, { value: { json: JSON.stringify(state), version }, expiresAt });
      for (const event of events) this.eventRows.push(JSON.stringify(event));
      return version;
    },
  };

  readonly leases = {
    acquire: async (key: string, ttlMs: number, now: Millis): Promise<Lease | null> => {
      if (live(this.leaseRows.get(key), now) !== undefined) return null;
      const lease = { key, token: randomUUID(), expiresAt: now + ttlMs };
      this.leaseRows.set(key, { value: lease.token, expiresAt: lease.expiresAt });
      return lease;
    },
    renew: async (lease: Lease, ttlMs: number, now: Millis): Promise<boolean> => {
      if (live(this.leaseRows.get(lease.key), now) !== lease.token) return false;
      lease.expiresAt = now + ttlMs;
      this.leaseRows.set(lease.key, { value: lease.token, expiresAt: lease.expiresAt });
      return true;
    },
    release: async (lease: Lease): Promise<boolean> => {
      if (this.leaseRows.get(lease.key)?.value !== lease.token) return false;
      this.leaseRows.delete(lease.key);
      return true;
    },
  };

  readonly deliveries = {
    claim: async (id: string, ttlMs: number, now: Millis): Promise<DedupeRecord> => {
      const row = this.dedupeRows.get(id);
      if (!row || row.expiresAt <= now) {
        this.dedupeRows.set(id, { value: null, expiresAt: now + ttlMs });
        return { status: 'new' };
      }
      return row.value === null ? { status: 'pending' } : { status: 'done', answer: JSON.parse(row.value) as Json };
    },
    answer: async (id: string, answer: Json, ttlMs: number, now: Millis): Promise<void> => {
      const row = this.dedupeRows.get(id);
      if (row && row.expiresAt > now && row.value !== null) return;
      this.dedupeRows.set(id, { value: JSON.stringify(answer), expiresAt: now + ttlMs });
    },
  };

  readonly histories: Histories = {
    append: async (id: string, item: Json, ttlMs: number, now: Millis): Promise<number> => this.histories.appendAll(id, [item], ttlMs, now),
    appendAll: async (id: string, added: readonly Json[], ttlMs: number, now: Millis): Promise<number> => {
      const items = live(this.historyRows.get(id), now) ?? [];
      const first = items.length;
      if (!added.length) return first;
      items.push(...added.map((item) => JSON.stringify(item)));
      this.historyRows.set(id, { value: items, expiresAt: now + ttlMs });
      return first;
    },
    since: async (id: string, watermark: number, now: Millis, limit = 1000) => {
      const items = live(this.historyRows.get(id), now) ?? [];
      const from = Math.max(0, watermark);
      const entries = items.slice(from, from + limit).map((item, i) => ({ seq: from + i, item: JSON.parse(item) as Json }));
      return { entries, watermark: items.length };
    },
  };

  readonly waiting = {
    enqueue: async (handoff: Handoff): Promise<void> => {
      for (const [id, row] of this.queueRows) {
        if ((JSON.parse(row.contact) as WaitingContact).handoff.conversationId === handoff.conversationId) this.queueRows.delete(id);
      }
      const contact: WaitingContact = { id: handoff.id, queue: handoff.queue, priority: handoff.priority, enqueuedAt: handoff.createdAt, handoff };
      this.queueRows.set(handoff.id, { contact: JSON.stringify(contact), seq: this.queueSeq++ });
    },
    list: async (queue: string): Promise<WaitingContact[]> => this.ordered(queue),
    claimNext: async (queue: string): Promise<WaitingContact | null> => {
      const next = this.ordered(queue)[0];
      return next ? this.take(next.id) : null;
    },
    claim: async (id: string): Promise<WaitingContact | null> => this.take(id),
    remove: async (id: string): Promise<boolean> => this.queueRows.delete(id),
  };

  readonly events = {
    append: async (event: OutcomeEvent): Promise<number> => this.eventRows.push(JSON.stringify(event)) - 1,
    read: async (after: number, limit = 1000) =>
      this.eventRows.slice(after + 1, after + 1 + limit).map((e, i) => ({ seq: after + 1 + i, event: JSON.parse(e) as OutcomeEvent })),
  };

  async purge(now: Millis): Promise<PurgeCounts> {
    const contacts = this.contacts.purge(now, this.options.contactRetentionMs ?? DEFAULT_CONTACT_RETENTION_MS);
    for (const id of contacts) this.historyRows.delete(contactLinesKey(id));
    return {
      states: sweep(this.stateRows, now),
      deliveries: sweep(this.dedupeRows, now),
      histories: sweep(this.historyRows, now),
      leases: sweep(this.leaseRows, now),
      records: this.records.purge(now),
      contacts: contacts.length,
    };
  }

  async ping(): Promise<void> {}

  /** Memory is always there: whatever it threw is a fault of the request or of the code. */
  unavailable(): boolean {
    return false;
  }

  async close(): Promise<void> {}

  private ordered(queue: string): WaitingContact[] {
    return [...this.queueRows.values()]
      .map((row) => ({ ...(JSON.parse(row.contact) as WaitingContact), seq: row.seq }))
      .filter((c) => c.queue === queue)
      .sort(byQueueOrder)
      .map(({ seq: _seq, ...contact }) => contact);
  }

  private take(id: string): WaitingContact | null {
    const row = this.queueRows.get(id);
    if (!row) return null;
    this.queueRows.delete(id);
    return JSON.parse(row.contact) as WaitingContact;
  }
}

function live<T>(row: Expiring<T> | undefined, now: Millis): T | undefined {
  return row && row.expiresAt > now ? row.value : undefined;
}

function sweep(rows: Map<string, Expiring<unknown>>, now: Millis): number {
  let removed = 0;
  for (const [key, row] of rows) {
    if (row.expiresAt <= now) {
      rows.delete(key);
      removed += 1;
    }
  }
  return removed;
}

/** Runs the turns of one conversation one after another; other conversations run freely. */
export class MemoryLock implements ConversationLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.tails.set(conversationId, next);
    try {
      return await next;
    } finally {
      if (this.tails.get(conversationId) === next) this.tails.delete(conversationId);
    }
  }
}
