/**
 * The embedded durable store: one SQLite file under DATA_DIR, in WAL mode.
 * Writes share one transaction per turn of the event loop (group commit,
 * sqlite-commit.ts) and each resolves only once committed, so a `kill -9`
 * leaves everything a caller was told was written. Reads use a second
 * connection that sees committed data only. Several processes may open the
 * same file (SQLite locks it); several machines need Redis.
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
import { MIGRATIONS, SCHEMA, SCHEMA_VERSION } from './sqlite-schema';
import { SqliteContacts } from './sqlite-contacts';
import { SqliteOutbox } from './sqlite-outbox';
import { SqliteRecords } from './sqlite-records';
import { WalCheckpointer, type CheckpointerOptions } from './sqlite-checkpointer';
import { statementCache, type Sql } from './sqlite-statements';
import { GroupCommit, type GroupCommitOptions, type SqliteAccess } from './sqlite-commit';

type Row = Record<string, unknown>;

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly bus: Bus = new LocalBus();
  readonly outbox: SqliteOutbox;
  /** The writing connection: only inside `commits.write`. */
  private readonly db: Database.Database;
  /** The reading connection: committed data only, never a write in flight. */
  private readonly reader: Database.Database;
  private readonly commits: GroupCommit;
  readonly contacts: SqliteContacts;
  readonly records: SqliteRecords;
  private readonly sql: Sql;
  private readonly read: Sql;
  /** Checkpoints the WAL from a worker thread, off the event loop. */
  readonly checkpointer: WalCheckpointer;

  /** Opens (creating when needed) `frontline.db` in `dir`. */
  constructor(
    readonly dir: string,
    private readonly options: StoreOptions,
    checkpoints: CheckpointerOptions = {},
    commits: GroupCommitOptions = {},
  ) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'frontline.db');
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a crash of the process (kill -9);
    // only a power cut may lose the last ones, never corrupt the file.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    try {
      migrate(this.db, dir);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.reader = new Database(file);
    this.reader.pragma('busy_timeout = 5000');
    this.commits = new GroupCommit(this.db, commits);
    const access: SqliteAccess = { db: this.db, write: (work) => this.commits.write(work), apply: (work) => this.commits.apply(work), read: statementCache(this.reader) };
    this.contacts = new SqliteContacts(access);
    this.sql = statementCache(this.db);
    this.read = access.read;
    this.outbox = new SqliteOutbox(access);
    this.records = new SqliteRecords(access);
    // The tables are there: from here on no busy wait on the writer, which would sleep on the event loop;
    // GroupCommit tries BEGIN again on a timer.
    this.db.pragma('busy_timeout = 0');
    this.checkpointer = new WalCheckpointer(file, this.db, checkpoints, this.reader, this.commits);
    this.saveState = this.db.transaction((state: ConversationState, expected: number, now: Millis, events: readonly OutcomeEvent[]): number => {
      const row = this.sql('SELECT version FROM states WHERE id = ? AND expires_at > ?').get(state.conversationId, now) as Row | undefined;
      const actual = (row?.version as number | undefined) ?? 0;
      if (actual !== expected) throw new StaleWriteError(state.conversationId, expected, actual);
      // In place (the row keeps its rowid, its id index entry stays), or anew over nothing or an expired one.
      this.sql(
        `INSERT INTO states (id, json, version, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json, version = excluded.version, expires_at = excluded.expires_at`,
      ).run(state.conversationId, JSON.stringify(state), actual + 1, now + this.options.stateTtlMs);
      for (const event of events) this.sql('INSERT INTO events (json) VALUES (?)').run(JSON.stringify(event));
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
  private readonly saveState: Database.Transaction<(state: ConversationState, expected: number, now: Millis, events: readonly OutcomeEvent[]) => number>;
  private readonly claimDelivery: Database.Transaction<(id: string, ttlMs: number, now: Millis) => DedupeRecord>;
  private readonly appendItems: Database.Transaction<(id: string, items: readonly Json[], ttlMs: number, now: Millis) => number>;

  readonly states = {
    load: async (id: string, now: Millis): Promise<VersionedState | null> => {
      const row = this.read('SELECT json, version FROM states WHERE id = ? AND expires_at > ?').get(id, now) as Row | undefined;
      return row ? { state: JSON.parse(row.json as string) as ConversationState, version: row.version as number } : null;
    },
    save: (state: ConversationState, expected: number, now: Millis, events: readonly OutcomeEvent[] = []): Promise<number> =>
      this.commits.write(() => this.saveState(state, expected, now, events)),
  };

  // A lease is told to nobody outside this process: it resolves once its statement ran, before the commit
  // (another process cannot take the write lock, so cannot see or take the lease, until then). A lease a crash
  // loses is one a crash would have left to expire; the versioned save keeps turns apart all the same.
  readonly leases = {
    acquire: (key: string, ttlMs: number, now: Millis): Promise<Lease | null> =>
      this.commits.apply(() => {
        const lease = { key, token: randomUUID(), expiresAt: now + ttlMs };
        const taken = this.sql(
          `INSERT INTO leases (key, token, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at WHERE leases.expires_at <= ?`,
        ).run(key, lease.token, lease.expiresAt, now);
        return taken.changes === 1 ? lease : null;
      }),
    renew: async (lease: Lease, ttlMs: number, now: Millis): Promise<boolean> => {
      const renewed = await this.commits.apply(
        () => this.sql('UPDATE leases SET expires_at = ? WHERE key = ? AND token = ? AND expires_at > ?').run(now + ttlMs, lease.key, lease.token, now).changes === 1,
      );
      if (renewed) lease.expiresAt = now + ttlMs;
      return renewed;
    },
    release: (lease: Lease): Promise<boolean> =>
      this.commits.apply(() => this.sql('DELETE FROM leases WHERE key = ? AND token = ?').run(lease.key, lease.token).changes === 1),
  };

  readonly deliveries = {
    claim: (id: string, ttlMs: number, now: Millis): Promise<DedupeRecord> => this.commits.write(() => this.claimDelivery(id, ttlMs, now)),
    answer: async (id: string, answer: Json, ttlMs: number, now: Millis): Promise<void> => {
      await this.commits.write(() =>
        this.sql(
          `INSERT INTO deliveries (id, answer, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET answer = excluded.answer, expires_at = excluded.expires_at
           WHERE deliveries.answer IS NULL OR deliveries.expires_at <= ?`,
        ).run(id, JSON.stringify(answer), now + ttlMs, now),
      );
    },
  };

  readonly histories: Histories = {
    append: (id: string, item: Json, ttlMs: number, now: Millis): Promise<number> => this.commits.write(() => this.appendItems(id, [item], ttlMs, now)),
    appendAll: (id: string, items: readonly Json[], ttlMs: number, now: Millis): Promise<number> => this.commits.write(() => this.appendItems(id, items, ttlMs, now)),
    since: async (id: string, watermark: number, now: Millis, limit = 1000): Promise<{ entries: HistoryEntry[]; watermark: number }> => {
      // One statement, so one snapshot: the count and the entries agree. No row: no live history.
      const rows = this.read(
        `SELECT h.count AS count, i.seq AS seq, i.item AS item FROM histories h
         LEFT JOIN history_items i ON i.conversation_id = h.conversation_id AND i.seq >= ?
         WHERE h.conversation_id = ? AND h.expires_at > ? ORDER BY i.seq LIMIT ?`,
      ).all(watermark, id, now, limit) as Row[];
      const entries = rows.filter((r) => r.seq !== null).map((r) => ({ seq: r.seq as number, item: JSON.parse(r.item as string) as Json }));
      return { entries, watermark: (rows[0]?.count as number | undefined) ?? 0 };
    },
  };

  readonly waiting = {
    enqueue: async (handoff: Handoff): Promise<void> => {
      const contact: WaitingContact = { id: handoff.id, queue: handoff.queue, priority: handoff.priority, enqueuedAt: handoff.createdAt, handoff };
      const enqueue = this.db.transaction(() => {
        this.sql('DELETE FROM waiting WHERE conversation_id = ? OR id = ?').run(handoff.conversationId, handoff.id);
        this.sql('INSERT INTO waiting (id, conversation_id, queue, priority, enqueued_at, contact) VALUES (?, ?, ?, ?, ?, ?)').run(
          contact.id,
          handoff.conversationId,
          contact.queue,
          contact.priority,
          contact.enqueuedAt,
          JSON.stringify(contact),
        );
      });
      await this.commits.write(() => enqueue());
    },
    list: async (queue: string): Promise<WaitingContact[]> =>
      (this.read('SELECT contact FROM waiting WHERE queue = ? ORDER BY priority DESC, enqueued_at, seq').all(queue) as Row[]).map(
        (r) => JSON.parse(r.contact as string) as WaitingContact,
      ),
    // One statement each: the row is chosen and deleted atomically, so two claimers never share it.
    claimNext: (queue: string): Promise<WaitingContact | null> =>
      this.commits.write(() =>
        contactOf(
          this.sql(
            `DELETE FROM waiting WHERE seq = (SELECT seq FROM waiting WHERE queue = ? ORDER BY priority DESC, enqueued_at, seq LIMIT 1)
             RETURNING contact`,
          ).get(queue),
        ),
      ),
    claim: (id: string): Promise<WaitingContact | null> => this.commits.write(() => contactOf(this.sql('DELETE FROM waiting WHERE id = ? RETURNING contact').get(id))),
    remove: (id: string): Promise<boolean> => this.commits.write(() => this.sql('DELETE FROM waiting WHERE id = ?').run(id).changes === 1),
  };

  readonly events = {
    append: (event: OutcomeEvent): Promise<number> =>
      this.commits.write(() => Number(this.sql('INSERT INTO events (json) VALUES (?)').run(JSON.stringify(event)).lastInsertRowid) - 1),
    read: async (after: number, limit = 1000) =>
      (this.read('SELECT seq, json FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(after + 1, limit) as Row[]).map((r) => ({
        seq: (r.seq as number) - 1,
        event: JSON.parse(r.json as string) as OutcomeEvent,
      })),
  };

  async purge(now: Millis): Promise<PurgeCounts> {
    const purge = this.db.transaction(() => {
      this.sql('DELETE FROM history_items WHERE conversation_id IN (SELECT conversation_id FROM histories WHERE expires_at <= ?)').run(now);
      return {
        states: this.sql('DELETE FROM states WHERE expires_at <= ?').run(now).changes,
        deliveries: this.sql('DELETE FROM deliveries WHERE expires_at <= ?').run(now).changes,
        histories: this.sql('DELETE FROM histories WHERE expires_at <= ?').run(now).changes,
        leases: this.sql('DELETE FROM leases WHERE expires_at <= ?').run(now).changes,
        records: this.records.purge(now),
        contacts: this.contacts.purge(now, this.options.contactRetentionMs ?? DEFAULT_CONTACT_RETENTION_MS),
      };
    });
    return this.commits.write(() => purge());
  }

  async ping(): Promise<void> {
    this.read('SELECT 1').get();
  }

  unavailable(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return UNAVAILABLE.test(code);
    // Closed under a request (shutting down).
    return err instanceof TypeError && err.message === 'The database connection is not open';
  }

  async close(): Promise<void> {
    // The checkpoint worker first (writes it held for a RESTART go on, and it asks for no more); then what was
    // written is committed, and the reader and the writer close: the last one to close folds the WAL into the file.
    await this.checkpointer.close();
    await this.commits.flushed();
    if (this.reader.open) this.reader.close();
    if (this.db.open) this.db.close();
  }
}

/**
 * SQLite's (extended) codes for a file that cannot be used right now: locked by another process, an I/O
 * fault, a full disk. (Not SQLITE_LOCKED: with one writing connection that is a fault of the code.)
 */
const UNAVAILABLE = /^SQLITE_(BUSY|IOERR|FULL|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

/** Brings the file to this schema: a new one is created, an older one migrated, in one transaction (one process does it). */
function migrate(db: Database.Database, dir: string): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      throw new Error(
        `${dir}/frontline.db was written by a newer Frontline (schema ${version}; this one reads ${SCHEMA_VERSION} and older): run that version, or set DATA_DIR to another folder`,
      );
    const empty = !db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'states'").get();
    if (!empty) for (let v = version || 1; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function contactOf(row: unknown): WaitingContact | null {
  return row ? (JSON.parse((row as Row).contact as string) as WaitingContact) : null;
}
