/**
 * The SQLite store's contact records: one row per contact with its version
 * and the agent holding it (indexed, for "my contacts"). Its table is
 * created here, apart from the other tables, so it can be added to a file
 * written by an earlier version.
 */
import { statementCache, type Sql } from './sqlite-statements';
import type { SqliteAccess } from './sqlite-commit';
import { contactLinesKey, StaleWriteError, type ContactRecord, type ContactRecords, type Millis } from '../../bot/engine/store';
import { byHeldOrder } from './contact-order';

const CONTACTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS contacts (
  id TEXT PRIMARY KEY, version INTEGER NOT NULL, holder TEXT, json TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contacts_holder ON contacts (holder);
CREATE INDEX IF NOT EXISTS contacts_closed ON contacts (json_extract(json, '$.updatedAt'))
  WHERE json_extract(json, '$.status') IN ('ended', 'abandoned');
`;

type Row = { json: string; version: number };

export class SqliteContacts implements ContactRecords {
  private readonly sql: Sql;

  constructor(private readonly access: SqliteAccess) {
    this.sql = statementCache(access.db);
    access.db.exec(CONTACTS_SCHEMA);
  }

  async load(id: string): Promise<{ record: ContactRecord; version: number } | null> {
    const row = this.access.read('SELECT json, version FROM contacts WHERE id = ?').get(id) as Row | undefined;
    return row ? { record: JSON.parse(row.json) as ContactRecord, version: row.version } : null;
  }

  async save(record: ContactRecord, expected: number): Promise<number> {
    const holder = record.status === 'with_agent' ? (record.agent?.id ?? null) : null;
    const save = this.access.db.transaction(() => {
      const row = this.sql('SELECT version FROM contacts WHERE id = ?').get(record.id) as { version: number } | undefined;
      const actual = row?.version ?? 0;
      if (actual !== expected) throw new StaleWriteError(`contact:${record.id}`, expected, actual);
      this.sql('INSERT OR REPLACE INTO contacts (id, version, holder, json) VALUES (?, ?, ?, ?)').run(record.id, actual + 1, holder, JSON.stringify(record));
      return actual + 1;
    });
    return this.access.write(() => save());
  }

  async heldBy(agentId: string): Promise<ContactRecord[]> {
    const rows = this.access.read('SELECT json FROM contacts WHERE holder = ?').all(agentId) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as ContactRecord).sort(byHeldOrder);
  }

  /** Removes the ended and abandoned contacts past their retention, and their lines; how many (inside the store's purge). */
  purge(now: Millis, retentionMs: number): number {
    // ISO times of one clock compare as strings; the partial index finds the closed contacts.
    const cutoff = new Date(now - retentionMs).toISOString();
    return this.access.db.transaction(() => {
      const gone = this.sql(
        `DELETE FROM contacts WHERE json_extract(json, '$.status') IN ('ended', 'abandoned') AND json_extract(json, '$.updatedAt') <= ? RETURNING id`,
      ).all(cutoff) as { id: string }[];
      for (const { id } of gone) {
        this.sql('DELETE FROM history_items WHERE conversation_id = ?').run(contactLinesKey(id));
        this.sql('DELETE FROM histories WHERE conversation_id = ?').run(contactLinesKey(id));
      }
      return gone.length;
    })();
  }
}
