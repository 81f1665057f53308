/**
 * The embedded durable store: one SQLite file under DATA_DIR, in WAL mode.
 * Every write is one transaction, so a `kill -9` leaves exactly what was
 * committed. Several processes may open the same file (SQLite locks it);
 * several machines need Redis.
 */
import type { Bus } from '../../bot/engine/bus';
import { LocalBus } from './local-bus';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Handoff } from '../../bot/engine/handoff-record';
import type { ConversationState } from '../../bot/engine/state';
import {
  DEFAULT_CONTACT_RETENTION_MS,
  StaleWriteError,
  type DedupeRecord,
  type Histories,
  type HistoryEntry,
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
import { SCHEMA, SCHEMA_VERSION } from './sqlite-schema';
import { SqliteContacts } from './sqlite-contacts';
import { SqliteOutbox } from './sqlite-outbox';
import { SqliteRecords } from './sqlite-records';
import { WalCheckpointer, type CheckpointerOptions } from './sqlite-checkpointer';
import { statementCache, type Sql } from './sqlite-statements';

type Row = Record<string, unknown>;

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly bus: Bus = new LocalBus();
  readonly outbox: SqliteOutbox;
  private readonly db: Database.Database;
  readonly contacts: SqliteContacts;
  readonly records: SqliteRecords;
  private readonly sql: Sql;
  /** Checkpoints the WAL from a worker thread, off the event loop. */
  readonly checkpointer: WalCheckpointer;

  /** Opens (creating when needed) `frontline.db` in `dir`. */
  constructor(
    readonly dir: string,
    private readonly options: StoreOptions,
    checkpoints: CheckpointerOptions = {},
  ) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'frontline.db');
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a crash of the process (kill -9);
    // only a power cut may lose the last ones, never corrupt the file.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${dir}/frontline.db was written by a newer Frontline (schema ${version})`);
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.contacts = new SqliteContacts(this.db);
    this.sql = statementCache(this.db);
    this.outbox = new SqliteOutbox(this.db);
    this.records = new SqliteRecords(this.db);
    this.checkpointer = new WalCheckpointer(file, this.db, checkpoints);
    this.saveState = this.db.transaction((state: ConversationState, expected: number, now: Millis): number => {
      const row = this.sql('SELECT version FROM states WHERE id = ? AND expires_at > ?').get(state.conversationId, now) as Row | undefined;
      const actual = (row?.version as number | undefined) ?? 0;
      if (actual !== expected) throw new StaleWriteError(state.conversationId, expected, actual);
      this.sql('INSERT OR REPLACE INTO states (id, json, version, expires_at) VALUES (?, ?, ?, ?)').run(
        state.conversationId,
        JSON.stringify(state),
        actual + 1,
        now + this.options.stateTtlMs,
      );
      return actual + 1;
    });
    this.claimDelivery = this.db.transaction((id: string, ttlMs: number, now: Millis): DedupeRecord => {
      const fresh = this.sql(
        `INSERT INTO deliveries (id, answer, expires_at) VALUES (?, NULL, ?)
         ON CONFLICT (id) DO UPDATE SET answer = NULL, expires_at = excluded.expires_at WHERE deliveries.expires_at <= ?`,
      ).run(id, now + ttlMs, now);
      if (fresh.changes === 1) return { status: 'new' };
      const row = this.sql('SELECT answer FROM deliveries WHERE id = ?').get(id) as Row;
      return row.answer === null ? { status: 'pending' } : { status: 'done', answer: JSON.parse(row.answer as string) as Json };
    });
    this.readHistory = this.db.transaction((id: string, watermark: number, now: Millis, limit: number) => {
      const count = this.historyCount(id, now);
      if (count === 0) return { entries: [], watermark: 0 };
      const rows = this.sql('SELECT seq, item FROM history_items WHERE conversation_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(id, watermark, limit) as Row[];
      return { entries: rows.map((r) => ({ seq: r.seq as number, item: JSON.parse(r.item as string) as Json })), watermark: count };
    });
    this.appendItems = this.db.transaction((id: string, items: readonly Json[], ttlMs: number, now: Millis): number => {
      const row = this.sql('SELECT count, expires_at FROM histories WHERE conversation_id = ?').get(id) as Row | undefined;
      const live = row !== undefined && (row.expires_at as number) > now;
      const first = live ? (row.count as number) : 0;
      if (!items.length) return first;
      // A history that expired starts again from 0: drop what is left of it (a purged one left nothing).
      if (row && !live) this.sql('DELETE FROM history_items WHERE conversation_id = ?').run(id);
      const insert = this.sql('INSERT INTO history_items (conversation_id, seq, item) VALUES (?, ?, ?)');
      items.forEach((item, i) => insert.run(id, first + i, JSON.stringify(item)));
      this.sql('INSERT OR REPLACE INTO histories (conversation_id, count, expires_at) VALUES (?, ?, ?)').run(id, first + items.length, now + ttlMs);
      return first;
    });
  }

  // Built once: better-sqlite3's transaction() wraps the function anew on every call.
  private readonly saveState: Database.Transaction<(state: ConversationState, expected: number, now: Millis) => number>;
  private readonly claimDelivery: Database.Transaction<(id: string, ttlMs: number, now: Millis) => DedupeRecord>;
  private readonly readHistory: Database.Transaction<(id: string, watermark: number, now: Millis, limit: number) => { entries: HistoryEntry[]; watermark: number }>;
  private readonly appendItems: Database.Transaction<(id: string, items: readonly Json[], ttlMs: number, now: Millis) => number>;

  readonly states = {
    load: async (id: string, now: Millis): Promise<VersionedState | null> => {
      const row = this.sql('SELECT json, version FROM states WHERE id = ? AND expires_at > ?').get(id, now) as Row | undefined;
      return row ? { state: JSON.parse(row.json as string) as ConversationState, version: row.version as number } : null;
    },
    save: async (state: ConversationState, expected: number, now: Millis): Promise<number> => this.saveState.immediate(state, expected, now),
  };

  readonly leases = {
    acquire: async (key: string, ttlMs: number, now: Millis): Promise<Lease | null> => {
      const lease = { key, token: randomUUID(), expiresAt: now + ttlMs };
      const taken = this.sql(
        `INSERT INTO leases (key, token, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at WHERE leases.expires_at <= ?`,
      ).run(key, lease.token, lease.expiresAt, now);
      return taken.changes === 1 ? lease : null;
    },
    renew: async (lease: Lease, ttlMs: number, now: Millis): Promise<boolean> => {
      const renewed = this.sql('UPDATE leases SET expires_at = ? WHERE key = ? AND token = ? AND expires_at > ?').run(now + ttlMs, lease.key, lease.token, now);
      if (renewed.changes === 1) lease.expiresAt = now + ttlMs;
      return renewed.changes === 1;
    },
    release: async (lease: Lease): Promise<boolean> =>
      this.sql('DELETE FROM leases WHERE key = ? AND token = ?').run(lease.key, lease.token).changes === 1,
  };

  readonly deliveries = {
    claim: async (id: string, ttlMs: number, now: Millis): Promise<DedupeRecord> => this.claimDelivery.immediate(id, ttlMs, now),
    answer: async (id: string, answer: Json, ttlMs: number, now: Millis): Promise<void> => {
      this.sql(
        `INSERT INTO deliveries (id, answer, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET answer = excluded.answer, expires_at = excluded.expires_at
         WHERE deliveries.answer IS NULL OR deliveries.expires_at <= ?`,
      ).run(id, JSON.stringify(answer), now + ttlMs, now);
    },
  };

  readonly histories: Histories = {
    append: async (id: string, item: Json, ttlMs: number, now: Millis): Promise<number> => this.appendItems.immediate(id, [item], ttlMs, now),
    // One transaction, one commit, however many items.
    appendAll: async (id: string, items: readonly Json[], ttlMs: number, now: Millis): Promise<number> => this.appendItems.immediate(id, items, ttlMs, now),
    since: async (id: string, watermark: number, now: Millis, limit = 1000) => this.readHistory(id, watermark, now, limit),
  };

  readonly waiting = {
    enqueue: async (handoff: Handoff): Promise<void> => {
      const contact: WaitingContact = { id: handoff.id, queue: handoff.queue, priority: handoff.priority, enqueuedAt: handoff.createdAt, handoff };
      this.db.transaction(() => {
        this.sql('DELETE FROM waiting WHERE conversation_id = ? OR id = ?').run(handoff.conversationId, handoff.id);
        this.sql('INSERT INTO waiting (id, conversation_id, queue, priority, enqueued_at, contact) VALUES (?, ?, ?, ?, ?, ?)').run(
          contact.id,
          handoff.conversationId,
          contact.queue,
          contact.priority,
          contact.enqueuedAt,
          JSON.stringify(contact),
        );
      })();
    },
    list: async (queue: string): Promise<WaitingContact[]> =>
      (this.sql('SELECT contact FROM waiting WHERE queue = ? ORDER BY priority DESC, enqueued_at, seq').all(queue) as Row[]).map(
        (r) => JSON.parse(r.contact as string) as WaitingContact,
      ),
    // One statement each: the row is chosen and deleted atomically, so two claimers never share it.
    claimNext: async (queue: string): Promise<WaitingContact | null> =>
      contactOf(
        this.sql(
          `DELETE FROM waiting WHERE seq = (SELECT seq FROM waiting WHERE queue = ? ORDER BY priority DESC, enqueued_at, seq LIMIT 1)
           RETURNING contact`,
        ).get(queue),
      ),
    claim: async (id: string): Promise<WaitingContact | null> => contactOf(this.sql('DELETE FROM waiting WHERE id = ? RETURNING contact').get(id)),
    remove: async (id: string): Promise<boolean> => this.sql('DELETE FROM waiting WHERE id = ?').run(id).changes === 1,
  };

  readonly events = {
    append: async (event: OutcomeEvent): Promise<number> =>
      Number(this.sql('INSERT INTO events (json) VALUES (?)').run(JSON.stringify(event)).lastInsertRowid) - 1,
    read: async (after: number, limit = 1000) =>
      (this.sql('SELECT seq, json FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(after + 1, limit) as Row[]).map((r) => ({
        seq: (r.seq as number) - 1,
        event: JSON.parse(r.json as string) as OutcomeEvent,
      })),
  };

  async purge(now: Millis): Promise<PurgeCounts> {
    return this.db.transaction(() => {
      this.sql('DELETE FROM history_items WHERE conversation_id IN (SELECT conversation_id FROM histories WHERE expires_at <= ?)').run(now);
      return {
        states: this.sql('DELETE FROM states WHERE expires_at <= ?').run(now).changes,
        deliveries: this.sql('DELETE FROM deliveries WHERE expires_at <= ?').run(now).changes,
        histories: this.sql('DELETE FROM histories WHERE expires_at <= ?').run(now).changes,
        leases: this.sql('DELETE FROM leases WHERE expires_at <= ?').run(now).changes,
        records: this.records.purge(now),
        contacts: this.contacts.purge(now, this.options.contactRetentionMs ?? DEFAULT_CONTACT_RETENTION_MS),
      };
    })();
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  async close(): Promise<void> {
    // The worker's connection first: the last one to close folds the WAL into the file.
    await this.checkpointer.close();
    if (this.db.open) this.db.close();
  }

  private historyCount(id: string, now: Millis): number {
    const row = this.sql('SELECT count FROM histories WHERE conversation_id = ? AND expires_at > ?').get(id, now) as Row | undefined;
    return (row?.count as number | undefined) ?? 0;
  }
}

function contactOf(row: unknown): WaitingContact | null {
  return row ? (JSON.parse((row as Row).contact as string) as WaitingContact) : null;
}
