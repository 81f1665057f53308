/**
 * Prepared statements kept per connection: preparing parses and plans the
 * SQL each time, a measurable share of a write that runs on every turn.
 */
import type Database from 'better-sqlite3';

/** Returns the connection's statement for the text, prepared on first use. */
export type Sql = (text: string) => Database.Statement;

/** A statement cache for one connection. */
export function statementCache(db: Database.Database): Sql {
  const cache = new Map<string, Database.Statement>();
  return (text) => {
    let statement = cache.get(text);
    if (!statement) cache.set(text, (statement = db.prepare(text)));
    return statement;
  };
}
