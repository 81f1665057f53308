/**
 * The outbox in the SQLite file: its own table, created when missing (an
 * older file gains it without a schema bump). A take is one immediate
 * transaction, so two processes on one file never take the same message.
 */
import type Database from 'better-sqlite3';
import { statementCache, type Sql } from './sqlite-statements';
import type { SqliteAccess } from './sqlite-commit';
import type { Outbox, OutboxEntry } from '../../bot/engine/outbox';
import type { Millis } from '../../bot/engine/store';

const TABLE = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
  attempt INTEGER NOT NULL, created_at INTEGER NOT NULL, due_at INTEGER NOT NULL, UNIQUE (topic, id)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (topic, due_at, seq);
`;

type Row = { id: string; body: string; attempt: number; created_at: number };

export class SqliteOutbox implements Outbox {
  private readonly sql: Sql;
  private readonly taking: Database.Transaction<(topic: string, now: Millis, leaseMs: number, limit: number) => OutboxEntry[]>;

  constructor(private readonly access: SqliteAccess) {
    this.sql = statementCache(access.db);
    access.db.exec(TABLE);
    this.taking = access.db.transaction((topic: string, now: Millis, leaseMs: number, limit: number) => {
      const rows = this.sql('SELECT id, body, attempt, created_at FROM outbox WHERE topic = ? AND due_at <= ? ORDER BY due_at, seq LIMIT ?').all(
        topic,
        now,
        limit,
      ) as Row[];
      const lease = this.sql('UPDATE outbox SET attempt = attempt + 1, due_at = ? WHERE topic = ? AND id = ?');
      for (const row of rows) lease.run(now + leaseMs, topic, row.id);
      return rows.map((r) => ({ id: r.id, body: r.body, attempt: r.attempt + 1, createdAt: r.created_at }));
    });
  }

  async add(topic: string, id: string, body: string, now: Millis): Promise<boolean> {
    const added = await this.access.write(() =>
      this.sql('INSERT INTO outbox (topic, id, body, attempt, created_at, due_at) VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (topic, id) DO NOTHING').run(topic, id, body, now, now),
    );
    return added.changes === 1;
  }

  async take(topic: string, now: Millis, leaseMs: number, limit: number): Promise<OutboxEntry[]> {
    return this.access.write(() => this.taking(topic, now, leaseMs, limit));
  }

  async done(topic: string, id: string): Promise<boolean> {
    return this.access.write(() => this.sql('DELETE FROM outbox WHERE topic = ? AND id = ?').run(topic, id).changes === 1);
  }

  async retryAt(topic: string, id: string, attempt: number, dueAt: Millis): Promise<boolean> {
    return this.access.write(() => this.sql('UPDATE outbox SET due_at = ? WHERE topic = ? AND id = ? AND attempt = ?').run(dueAt, topic, id, attempt).changes === 1);
  }

  async size(topic: string): Promise<number> {
    return (this.access.read('SELECT COUNT(*) AS n FROM outbox WHERE topic = ?').get(topic) as { n: number }).n;
  }
}
