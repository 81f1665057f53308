/**
 * Group commit for the SQLite store: every write made in one turn of the
 * event loop, by all the conversations at work in this process, goes into one
 * transaction (BEGIN IMMEDIATE at the first write, COMMIT at setImmediate).
 * A commit costs far more than a statement, and a chat turn makes about ten
 * writes: shared, they cost one commit per loop turn instead of one each.
 *
 * The durability gate: a write's promise settles only after the COMMIT that
 * holds it. Whatever a caller does after `await` — answer the POST, push the
 * stream, render TwiML, publish on the bus, store the dedupe answer — happens
 * after its writes are in the WAL, exactly as when each write was its own
 * transaction. A `kill -9` before the commit loses only writes whose callers
 * were never told, so no reply built on them has left. Reads go through a
 * second connection (sqlite.ts), which sees committed data only.
 *
 * The write lock is taken without waiting: while another process (WORKERS,
 * a RESTART checkpoint) holds it, the writes queue and BEGIN is tried again
 * on a timer, never by sleeping on the event loop as busy_timeout does.
 *
 * `hold()` makes a gap for the checkpoint worker: once the open transaction
 * is committed, new writes queue (as for a lock held elsewhere) until
 * `release()`, so a RESTART finds no writer at once.
 */
import type Database from 'better-sqlite3';
import type { Sql } from './sqlite-statements';

/** What a part of the SQLite store (records, outbox, contacts) writes and reads through. */
export interface SqliteAccess {
  /** The writing connection, for `db.transaction()` (a savepoint) and statements inside `write` only. */
  readonly db: Database.Database;
  /** Runs synchronous statements of the writing connection in the shared transaction; resolves once committed. */
  write<T>(work: () => T): Promise<T>;
  /**
   * As `write`, but resolves as soon as the statements ran, before their commit: for writes nobody is told
   * of and that a crash may lose (a lease, a counter). A later `write`'s commit carries them along.
   */
  apply<T>(work: () => T): Promise<T>;
  /** Statements of the reading connection: committed data only. */
  readonly read: Sql;
}

export interface GroupCommitOptions {
  /** How long writes wait for another process's write lock before failing with SQLITE_BUSY (default 5000 ms). */
  busyMs?: number;
  /** Called with the writing connection just before each COMMIT; throwing fails that commit (tests). */
  beforeCommit?: (db: Database.Database) => void;
}

/** Settles one write once its transaction has ended: `null` committed, else why it did not. */
type Settle = (failure: { error: unknown } | null) => void;

const isBusy = (err: unknown) => (err as { code?: unknown }).code === 'SQLITE_BUSY';

export class GroupCommit {
  /** The writes in the open transaction, to settle at its end. */
  private batch: Settle[] | null = null;
  /** Writes waiting for the write lock, in order. */
  private waiting: { run: () => void; reject: (error: unknown) => void }[] = [];
  private busySince = 0;
  private retryMs = 1;
  private retrying: NodeJS.Timeout | null = null;
  private idle: (() => void)[] = [];
  /** Whether a gap is held: new writes queue until `release()`. */
  private held = false;
  /** `hold()`s waiting for the open transaction to end. */
  private holding: (() => void)[] = [];
  private readonly begin: Database.Statement;
  private readonly commitStatement: Database.Statement;
  private readonly rollback: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commitStatement = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /**
   * Runs `work` (synchronous statements on the writing connection; several
   * statements go in `db.transaction()`, a savepoint here) in the open
   * transaction, and resolves with its result once that transaction is committed;
   * rejects when `work` threw or the commit failed.
   */
  write<T>(work: () => T): Promise<T> {
    return this.enter(work, true);
  }

  /**
   * Runs `work` in the open transaction and resolves with its result at once, without waiting for the
   * commit (which may still fail and lose it): for writes nobody is told of, such as a lease or a counter.
   * Its statements run before any write asked for later, so a later `write` that resolves carries them.
   */
  apply<T>(work: () => T): Promise<T> {
    return this.enter(work, false);
  }

  private enter<T>(work: () => T, durable: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        let outcome: { value: T } | { error: unknown };
        try {
          outcome = { value: work() };
        } catch (error) {
          outcome = { error };
        }
        const settle: Settle = (failure) => {
          const ended = failure ?? outcome;
          if ('error' in ended) reject(ended.error);
          else resolve(ended.value);
        };
        // A fault that ends the whole transaction (SQLite rolls back on some I/O errors) fails every write in it.
        if (this.batch && !this.db.inTransaction) this.end({ error: 'error' in outcome ? outcome.error : new Error('the transaction ended') }, settle);
        else if (durable) this.batch?.push(settle);
        else settle(null);
      };
      try {
        if (!this.waiting.length && !this.held && this.open()) return run();
      } catch (error) {
        return reject(error);
      }
      this.waiting.push({ run, reject });
      if (!this.held) this.retryLater();
    });
  }

  /**
   * Holds new writes once the open transaction has ended (they queue until `release()`); resolves then,
   * at once when none is open. A second hold while one is held resolves as the first does.
   */
  hold(): Promise<void> {
    this.held = true;
    if (!this.batch) return Promise.resolve();
    return new Promise<void>((resolve) => this.holding.push(resolve));
  }

  /** Lets the writes held since `hold()` go on, in the order they came (a hold still waiting resolves). */
  release(): void {
    if (!this.held) return;
    this.held = false;
    for (const resolve of this.holding.splice(0)) resolve();
    this.drain();
    if (!this.batch && !this.waiting.length) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Resolves once every write made so far has been committed (or failed). */
  async flushed(): Promise<void> {
    if (!this.batch && !this.waiting.length) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Opens the shared transaction if none is open; false while another connection holds the write lock. */
  private open(): boolean {
    if (this.batch) return true;
    try {
      this.begin.run();
    } catch (err) {
      if (isBusy(err)) return false;
      throw err;
    }
    this.batch = [];
    this.busySince = 0;
    this.retryMs = 1;
    setImmediate(() => this.commit());
    return true;
  }

  private commit(): void {
    if (!this.batch) return;
    try {
      this.options.beforeCommit?.(this.db);
      this.commitStatement.run();
    } catch (error) {
      return this.end({ error });
    }
    this.end(null);
  }

  /** Ends the open transaction (rolled back on a failure) and settles its writes; then the writes that waited. */
  private end(failure: { error: unknown } | null, ...more: Settle[]): void {
    const settles = [...(this.batch ?? []), ...more];
    this.batch = null;
    if (failure && this.db.inTransaction) this.rollback.run();
    for (const settle of settles) settle(failure);
    if (this.held) for (const resolve of this.holding.splice(0)) resolve();
    else if (this.waiting.length) this.drain();
    else for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Runs the writes that waited for the lock, in one transaction, if the lock is free now. */
  private drain(): void {
    if (this.retrying) clearTimeout(this.retrying);
    this.retrying = null;
    if (!this.waiting.length || this.held) return;
    let opened: boolean;
    try {
      opened = this.open();
    } catch (error) {
      return this.fail(error);
    }
    if (opened) {
      // One at a time: a write that ends the transaction (end() drains the rest into a new one) stops this loop.
      while (this.batch && this.waiting.length) this.waiting.shift()!.run();
      return;
    }
    const now = Date.now();
    this.busySince ||= now;
    if (now - this.busySince >= (this.options.busyMs ?? 5000)) {
      const busy = Object.assign(new Error('the SQLite file stayed locked by another process'), { code: 'SQLITE_BUSY' });
      return this.fail(busy);
    }
    this.retryLater();
  }

  /** Fails the writes that waited (they ran nothing). */
  private fail(error: unknown): void {
    this.busySince = 0;
    this.retryMs = 1;
    for (const { reject } of this.waiting.splice(0)) reject(error);
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private retryLater(): void {
    if (this.retrying) return;
    // 1, 2, 4 … 16 ms: short waits while a commit elsewhere finishes, no storm while the lock stays taken.
    this.retrying = setTimeout(() => this.drain(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 16);
  }
}
