/**
 * The SQLite store's keyed records: one row per key with its JSON value and
 * when it expires (the `records` table of sqlite-schema.ts). A counter is a
 * row whose value is a number, counted up in one statement; a token bucket
 * (`take`) a row that expires when the bucket is full again.
 */
import type Database from 'better-sqlite3';
import { statementCache, type Sql } from './sqlite-statements';
import type { SqliteAccess } from './sqlite-commit';
import type { Json, KeyedRecords, Millis } from '../../bot/engine/store';

/** GCRA in one statement: `expires_at` is when the bucket is full again; the value says whether this hit was taken. */
const TAKE = `INSERT INTO records (key, value, expires_at) VALUES (@key, CASE WHEN @interval <= @limit - @now THEN 'true' ELSE 'false' END, @now + @interval)
     ON CONFLICT (key) DO UPDATE SET
       value = CASE WHEN max(records.expires_at, @now) + @interval <= @limit THEN 'true' ELSE 'false' END,
       expires_at = CASE WHEN max(records.expires_at, @now) + @interval <= @limit THEN max(records.expires_at, @now) + @interval ELSE records.expires_at END
     RETURNING value`;

export class SqliteRecords implements KeyedRecords {
  /** Prepared once: the message rate takes a hit on every message. */
  private readonly taking: Database.Statement;
  private readonly sql: Sql;

  constructor(private readonly access: SqliteAccess) {
    this.taking = access.db.prepare(TAKE);
    this.sql = statementCache(access.db);
  }

  async get(key: string, now: Millis): Promise<Json | null> {
    const row = this.access.read('SELECT value FROM records WHERE key = ? AND expires_at > ?').get(key, now) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as Json) : null;
  }

  async put(key: string, value: Json, ttlMs: number, now: Millis): Promise<void> {
    await this.access.write(() => this.sql('INSERT OR REPLACE INTO records (key, value, expires_at) VALUES (?, ?, ?)').run(key, JSON.stringify(value), now + ttlMs));
  }

  async delete(key: string): Promise<boolean> {
    return this.access.write(() => this.sql('DELETE FROM records WHERE key = ?').run(key).changes === 1);
  }

  async count(key: string, windowMs: number, now: Millis): Promise<number> {
    // One statement: two processes on the same file never both see the same count.
    const row = await this.access.write(() => this.sql(
      `INSERT INTO records (key, value, expires_at) VALUES (?, '1', ?)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN records.expires_at <= ? OR json_type(records.value) <> 'integer' THEN '1' ELSE CAST(records.value + 1 AS TEXT) END,
         expires_at = CASE WHEN records.expires_at <= ? THEN excluded.expires_at ELSE records.expires_at END
       RETURNING value`,
    ).get(key, now + windowMs, now, now) as { value: string });
    return Number(row.value);
  }

  async take(key: string, burst: number, intervalMs: number, now: Millis): Promise<boolean> {
    // A hit a crash loses was told to nobody but this caller: no wait for the commit (a message takes one).
    const row = await this.access.apply(() => this.taking.get({ key, now, interval: intervalMs, limit: now + burst * intervalMs }) as { value: string });
    return row.value === 'true';
  }

  /** Removes what expired before `now`; how many (inside the store's purge, on the writing connection). */
  purge(now: Millis): number {
    return this.sql('DELETE FROM records WHERE expires_at <= ?').run(now).changes;
  }
}
