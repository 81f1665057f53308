/**
 * Keeps the SQLite store's WAL bounded without checkpointing on the event
 * loop: SQLite's auto-checkpoint runs inside a commit on the bot's own
 * connection, fsyncs included. Here it is off, and a worker thread with its
 * own connection to the same file checkpoints (PASSIVE) every `intervalMs`.
 * Past `restartPages` it asks for a gap in the writes: the bot's writes are
 * held (`WriteGap`) while it RESTARTs, at most `GAP_MAX_MS`, and the next
 * write starts the WAL over. A worker that fails is reported once and
 * auto-checkpoint comes back on.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

/** What one checkpoint found: the WAL's frames and how many are in the database file. */
export interface CheckpointResult {
  /** 1 when another connection held the checkpoint lock. */
  busy: number;
  log: number;
  checkpointed: number;
  /** Whether it was a RESTART (the WAL had grown past `restartPages` while the bot wrote without pause). */
  restarted?: boolean;
}

export interface CheckpointerOptions {
  /** How often the worker checkpoints (ms). */
  intervalMs?: number;
  /** Past this many pages in the WAL, the worker waits for a pause in the writes (RESTART) so the WAL starts over. */
  restartPages?: number;
  /** Told once when the worker fails (auto-checkpoint is back on). */
  warn?: (event: string, fields: Record<string, unknown>) => void;
  /** The worker's script (tests give a broken one). */
  workerFile?: string;
  /**
   * Whether a RESTART gets a gap in this process's writes (default true). Off when other processes write
   * the same file (WORKERS): a gap here does not stop theirs, and the RESTART waits for a gap in them as before.
   */
  gaps?: boolean;
}

/** Where the worker's gap is made: the writing connection's group commit (sqlite-commit.ts). */
export interface WriteGap {
  /** Holds new writes once the open transaction has ended; resolves then. */
  hold(): Promise<void>;
  release(): void;
}

/** The longest the writes are held for the worker's RESTART, whatever it answers. */
const GAP_MAX_MS = 1000;
/** SQLite's default auto-checkpoint, in pages, restored when the worker fails. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** The WAL file is cut back to this when it starts over, after a burst grew it. */
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;
/** The WAL size (pages of 4 KB: 16 MB) past which the worker makes room with a RESTART. */
const RESTART_PAGES = 4096;

export class WalCheckpointer {
  private worker: Worker | null = null;
  /** Until the first interval has passed: a store opened for a moment never starts a thread. */
  private starting: NodeJS.Timeout | null;
  private failedOver = false;
  private closing = false;
  private closed: Promise<void> | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, (result: CheckpointResult) => void>();
  private readonly timed: ((result: CheckpointResult) => void)[] = [];
  /** While the writes are held for the worker: the guard that lets them go if it never answers. */
  private gapTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly db: Database.Database,
    private readonly options: CheckpointerOptions = {},
    /** Where a checkpoint made here runs: a connection never inside the writer's open transaction. */
    private readonly idle: Database.Database = db,
    /** Holds the writes for the worker's RESTART (none: it RESTARTs when asked, finding a gap if it can). */
    private readonly gap: WriteGap | null = null,
  ) {
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    db.pragma('wal_autocheckpoint = 0');
    this.starting = setTimeout(() => this.start(), this.intervalMs);
    this.starting.unref();
  }

  /** Whether checkpoints are the worker's (false after it failed: SQLite's auto-checkpoint is back). */
  get running(): boolean {
    return !this.failedOver && !this.closing;
  }

  /** Checkpoints now (in the worker while it runs) and tells what it found. */
  async checkpoint(): Promise<CheckpointResult> {
    const worker = this.start();
    if (!worker) return this.passiveHere();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      worker.postMessage({ id });
    });
  }

  /** Resolves with the next checkpoint the worker makes on its own. */
  next(): Promise<CheckpointResult> {
    if (!this.running) return Promise.resolve(this.passiveHere());
    return new Promise((resolve) => this.timed.push(resolve));
  }

  /** Stops the worker (its connection closed) before the store's connection closes; a second call waits for the first. */
  close(): Promise<void> {
    // Once closing, the exited worker stays in this.worker: a second close must not wait for an 'exit' already gone.
    this.closed ??= this.stop();
    return this.closed;
  }

  private async stop(): Promise<void> {
    this.closing = true;
    if (this.starting) clearTimeout(this.starting);
    this.endGap();
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // an unreferenced worker would let the process end before it has closed
    worker.postMessage('close');
    await exited;
    // The worker answered what it was asked before 'close'; a wait for its next timed checkpoint gets one made here.
    this.answerHere();
  }

  private get intervalMs(): number {
    return this.options.intervalMs ?? 250;
  }

  private start(): Worker | null {
    this.starting = null;
    // Once closing, the worker (still in this.worker) answers nothing more: checkpoints are made here.
    if (this.closing) return null;
    if (this.worker || this.failedOver) return this.worker;
    const worker = new Worker(this.options.workerFile ?? join(__dirname, 'sqlite-checkpoint-worker.js'), {
      workerData: {
        file: this.file,
        driver: require.resolve('better-sqlite3'),
        intervalMs: this.intervalMs,
        restartPages: this.options.restartPages ?? RESTART_PAGES,
        gaps: this.options.gaps ?? true,
      },
    });
    worker.on('message', (message: CheckpointResult & { id?: number; gap?: true }) => (message.gap ? void this.makeGap(worker, message.id) : this.received(message)));
    worker.on('error', (err: Error & { code?: string }) => this.failed(err.code ?? err.name));
    worker.on('exit', (code) => this.failed(`exit ${code}`));
    // After the listeners: a 'message' listener refs the worker's port again, and a store
    // left open (a script, a test) would keep its process alive for ever.
    worker.unref();
    return (this.worker = worker);
  }

  /** Holds the writes, then lets the worker RESTART; its answer (or GAP_MAX_MS) lets them go. */
  private async makeGap(worker: Worker, id: number | undefined): Promise<void> {
    // Asked for as the store closes (the worker has been told to stop): no gap, the writes go on.
    if (this.gap && !this.closing && worker === this.worker) {
      // Not unref'd: while it runs, writes wait on it.
      this.gapTimer = setTimeout(() => this.endGap(), GAP_MAX_MS);
      await this.gap.hold();
    }
    // Even when the writes were let go meanwhile: the worker waits for this to checkpoint again.
    worker.postMessage({ gap: id });
  }

  private endGap(): void {
    if (!this.gapTimer) return;
    clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.gap?.release();
  }

  private received(message: CheckpointResult & { id?: number }): void {
    if (message.restarted) this.endGap();
    const result = { busy: message.busy, log: message.log, checkpointed: message.checkpointed, ...(message.restarted ? { restarted: true } : {}) };
    if (message.id === undefined) for (const resolve of this.timed.splice(0)) resolve(result);
    else {
      this.waiting.get(message.id)?.(result);
      this.waiting.delete(message.id);
    }
  }

  private failed(reason: string): void {
    if (this.closing || this.failedOver) return;
    this.failedOver = true;
    this.worker = null;
    this.endGap();
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    this.options.warn?.('store.checkpointer_failed', { reason, fallback: 'auto-checkpoint on the event loop' });
    this.answerHere();
  }

  /** Whoever waits for the worker gets a checkpoint made here instead. */
  private answerHere(): void {
    const pending = [...this.waiting.values(), ...this.timed.splice(0)];
    this.waiting.clear();
    for (const resolve of pending) resolve(this.passiveHere());
  }

  private passiveHere(): CheckpointResult {
    if (!this.idle.open) return { busy: 0, log: -1, checkpointed: -1 };
    return (this.idle.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]!;
  }
}
