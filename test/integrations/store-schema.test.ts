/**
 * The SQLite file across Frontline versions: a file written by schema 1
 * (states in a WITHOUT ROWID table) is migrated when opened, keeping every
 * conversation; a file of a newer schema is refused with a clear error.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../integrations/state/sqlite';
import { SCHEMA_VERSION } from '../../integrations/state/sqlite-schema';
import { makeState, STATE_TTL_MS, T0 } from '../support/store-backends';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-schema-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => new SqliteStore(dir, { stateTtlMs: STATE_TTL_MS });

/** Rewrites the states table as schema 1 had it, rows and all. */
function asSchemaOne(): void {
  const db = new Database(join(dir, 'frontline.db'));
  db.exec(`
    ALTER TABLE states RENAME TO states_2;
    DROP INDEX states_expiry;
    CREATE TABLE states (id TEXT PRIMARY KEY, json TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE INDEX states_expiry ON states (expires_at);
    INSERT INTO states SELECT id, json, version, expires_at FROM states_2;
    DROP TABLE states_2;
    PRAGMA user_version = 1;`);
  db.close();
}

const statesSql = () => {
  const db = new Database(join(dir, 'frontline.db'), { readonly: true });
  const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'states'").get() as { sql: string }).sql;
  const version = db.pragma('user_version', { simple: true });
  db.close();
  return { sql, version };
};

it('migrates a schema 1 file when opened: its conversations and histories are kept and saves go on', async () => {
  const first = open();
  await first.states.save(makeState('c1', { topic: 'billing', turns: 3 }), 0, T0);
  await first.states.save(makeState('c1', { topic: 'billing', turns: 4 }), 1, T0 + 1);
  await first.histories.append('dl1', 'Hello!', STATE_TTL_MS, T0);
  await first.close();
  asSchemaOne();
  expect(statesSql()).toEqual({ sql: expect.stringContaining('WITHOUT ROWID'), version: 1 });

  const store = open();
  try {
    expect(statesSql()).toEqual({ sql: expect.not.stringContaining('WITHOUT ROWID'), version: SCHEMA_VERSION });
    expect(await store.states.load('c1', T0 + 2)).toEqual({ state: makeState('c1', { topic: 'billing', turns: 4 }), version: 2 });
    expect((await store.histories.since('dl1', 0, T0 + 2)).entries).toEqual([{ seq: 0, item: 'Hello!' }]);
    expect(await store.states.save(makeState('c1', { turns: 5 }), 2, T0 + 3)).toBe(3);
    expect((await store.purge(T0 + 3 + STATE_TTL_MS)).states).toBe(1);
  } finally {
    await store.close();
  }
  // Opened again, nothing is migrated twice.
  await open().close();
  expect(statesSql().version).toBe(SCHEMA_VERSION);
});

it('refuses a file written by a newer Frontline, and leaves it as it was', async () => {
  await open().close();
  const db = new Database(join(dir, 'frontline.db'));
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  expect(open).toThrow(/written by a newer Frontline \(schema 3; this one reads 2 and older\): run that version, or set DATA_DIR/);
  expect(statesSql().version).toBe(SCHEMA_VERSION + 1);
});
