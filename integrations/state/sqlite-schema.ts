/**
 * The SQLite store's tables. Times are milliseconds since the epoch from
 * the caller's clock; `expires_at <= now` means gone (purged on a timer).
 * A change of layout bumps SCHEMA_VERSION (PRAGMA user_version).
 */
export const SCHEMA_VERSION = 2;

/**
 * A state is a few kilobytes: in a rowid table it fits its leaf page and a save rewrites it in place
 * (WITHOUT ROWID, schema 1, spilled it to an overflow page, freed and allocated again at every save).
 */
const STATES = `
CREATE TABLE IF NOT EXISTS states (
  id TEXT PRIMARY KEY, json TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS states_expiry ON states (expires_at);
`;

/** What each schema needs to become the next (inside one transaction): MIGRATIONS[1] takes schema 1 to 2. */
export const MIGRATIONS: Record<number, string> = {
  1: `ALTER TABLE states RENAME TO states_1;
      DROP INDEX IF EXISTS states_expiry;
      ${STATES}
      INSERT INTO states (id, json, version, expires_at) SELECT id, json, version, expires_at FROM states_1;
      DROP TABLE states_1;`,
};

export const SCHEMA = `${STATES}

CREATE TABLE IF NOT EXISTS leases (
  key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY, answer TEXT, expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_expiry ON deliveries (expires_at);

CREATE TABLE IF NOT EXISTS histories (
  conversation_id TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS histories_expiry ON histories (expires_at);
CREATE TABLE IF NOT EXISTS history_items (
  conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL, PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS waiting (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL, priority INTEGER NOT NULL, enqueued_at TEXT NOT NULL, contact TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS waiting_order ON waiting (queue, priority DESC, enqueued_at, seq);

CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, json TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS records (
  key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_expiry ON records (expires_at);
`;
