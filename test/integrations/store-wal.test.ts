/**
 * The SQLite store keeps its write-ahead log bounded with checkpoints made in
 * a worker thread, not on the event loop (SQLite's own auto-checkpoint is off
 * on the bot's connection). The store is the one compose() opens for a
 * DATA_DIR; a worker that fails leaves a working store on auto-checkpoint.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json, Store } from '../../bot/engine/store';
import { SqliteStore } from '../../integrations/state/sqlite';
import { GroupCommit } from '../../integrations/state/sqlite-commit';
import { startApp, type RunningApp } from '../support/server';
import { chatSession } from '../support/sessions';
import { T0 } from '../support/store-backends';

const HOUR = 60 * 60_000;
const MB = 1024 * 1024;
/** 1 MB of history items of 4 KB. */
const megabyte = (round: number) => Array.from({ length: 256 }, (_, i) => ({ type: 'message', text: `${round}:${i} `.padEnd(4096, 'x') }));

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'frontline-wal-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const walBytes = (data: string) => statSync(join(data, 'frontline.db-wal')).size;

/**
 * Writes `rounds` MB through the store in `data`, in transactions of 64 items, and after each MB
 * waits for `settled`; returns the largest size the log reached.
 */
async function writeRounds(store: Store, data: string, rounds: number, settled: () => Promise<void>): Promise<number> {
  let largest = 0;
  for (let round = 0; round < rounds; round++) {
    const items = megabyte(round);
    for (let i = 0; i < items.length; i += 64) await store.histories.appendAll(`wal-${round}`, items.slice(i, i + 64), HOUR, T0);
    largest = Math.max(largest, walBytes(data));
    await settled();
  }
  return largest;
}

describe('the SQLite store as compose opens it', () => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.close();
    await app?.app.store.close();
  });

  it('checkpoints in the background while conversations go on, so the log does not grow with what was written', async () => {
    app = await startApp({ DATA_DIR: dir });
    const store = app.app.store;
    expect(store).toBeInstanceOf(SqliteStore);
    const { checkpointer } = store as SqliteStore;
    // A web chat turn goes through the same store.
    const chat = await chatSession(app, null);
    await chat.start();
    expect((await chat.say('what are your opening hours?')).lines).not.toEqual([]);
    // The worker's own timed checkpoints, until one has copied the whole log. The first one
    // told may have begun while the round was being written: it is not counted.
    const settled = async () => {
      await checkpointer.next();
      while (true) {
        const result = await checkpointer.next();
        if (result.checkpointed === result.log) return;
      }
    };
    const largest = await writeRounds(store, dir, 8, settled);
    expect(checkpointer.running).toBe(true);
    // 8 MB written; the log starts over after each complete checkpoint instead of holding it all.
    expect(largest).toBeLessThan(4 * MB);
    expect(walBytes(dir)).toBeLessThan(4 * MB);
  }, 60_000);
});

/** Calls `seen` each time the group commit has made a gap in the writes (hold() resolved) or let it go. */
function watchGaps(seen: (what: 'held' | 'released') => void): void {
  const hold = GroupCommit.prototype.hold;
  const release = GroupCommit.prototype.release;
  jest.spyOn(GroupCommit.prototype, 'hold').mockImplementation(function (this: GroupCommit) {
    return hold.call(this).then(() => seen('held'));
  });
  jest.spyOn(GroupCommit.prototype, 'release').mockImplementation(function (this: GroupCommit) {
    seen('released');
    release.call(this);
  });
}

/** A checkpoint worker that asks for a gap when asked to checkpoint, and never RESTARTs in it. */
function silentWorker(): string {
  const file = join(dir, 'silent-worker.js');
  writeFileSync(
    file,
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => (m === 'close' ? process.exit(0) : m.gap === undefined && parentPort.postMessage({ id: m.id, gap: true })));\n`,
  );
  return file;
}

describe('a log grown past its size', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is RESTARTed in a gap the store makes in its writes: a write asked for meanwhile waits, then goes on and starts the log over', async () => {
    // A bot that never pauses writing leaves PASSIVE no idle log to end on; past restartPages the worker asks for a gap.
    const store = new SqliteStore(dir, { stateTtlMs: HOUR }, { intervalMs: 600_000, restartPages: 256 });
    const write = async (key: string, items: Json[]) => void (await store.histories.appendAll(key, items, HOUR, T0));
    const events: string[] = [];
    let during: Promise<void> | undefined;
    watchGaps((what) => {
      events.push(what);
      if (what === 'held') during = write('during', ['asked for in the gap']).then(() => void events.push('written'));
    });
    try {
      await write('small', ['one']);
      expect((await store.checkpointer.checkpoint()).restarted).toBeUndefined();
      expect(events).toEqual([]);
      await write('large', megabyte(0));
      const grown = await store.checkpointer.checkpoint();
      expect(grown.log).toBeGreaterThan(256);
      expect(grown).toMatchObject({ restarted: true, busy: 0 });
      await during;
      expect(events).toEqual(['held', 'released', 'written']);
      // The write in the gap started the log over.
      expect((await store.checkpointer.checkpoint()).log).toBeLessThan(16);
      expect((await store.histories.since('during', 0, T0)).watermark).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('is RESTARTed without a gap when other processes write the file too (WORKERS): this process is not held', async () => {
    const store = new SqliteStore(dir, { stateTtlMs: HOUR }, { intervalMs: 600_000, restartPages: 256, gaps: false });
    const events: string[] = [];
    watchGaps((what) => events.push(what));
    try {
      await store.histories.appendAll('large', megabyte(0), HOUR, T0);
      expect(await store.checkpointer.checkpoint()).toMatchObject({ restarted: true, busy: 0 });
      expect(events).toEqual([]);
      await store.histories.append('after', 'one more', HOUR, T0);
      expect((await store.checkpointer.checkpoint()).log).toBeLessThan(16);
    } finally {
      await store.close();
    }
  });

  it('holds the writes a second at most when the worker asks for a gap and never answers', async () => {
    const silent = silentWorker();
    const store = new SqliteStore(join(dir, 'data'), { stateTtlMs: HOUR }, { intervalMs: 600_000, workerFile: silent });
    const events: string[] = [];
    let written: Promise<void> | undefined;
    watchGaps((what) => {
      events.push(what);
      if (what === 'held') written = store.histories.append('after', { type: 'message', text: 'still written' }, HOUR, T0).then(() => void events.push('written'));
    });
    try {
      void store.checkpointer.checkpoint();
      while (!written) await new Promise((resolve) => setTimeout(resolve, 10));
      await written;
      // The write waited for the gap to end, and it ended without the worker.
      expect(events).toEqual(['held', 'released', 'written']);
    } finally {
      await store.close();
    }
  });

  it('lets the writes held in a gap go on when the store closes, and they are kept', async () => {
    const silent = silentWorker();
    const data = join(dir, 'data');
    const store = new SqliteStore(data, { stateTtlMs: HOUR }, { intervalMs: 600_000, workerFile: silent });
    let written: Promise<number> | undefined;
    watchGaps((what) => {
      if (what === 'held') written = store.histories.append('held', { type: 'message', text: 'kept' }, HOUR, T0);
    });
    void store.checkpointer.checkpoint();
    while (!written) await new Promise((resolve) => setTimeout(resolve, 10));
    await store.close();
    await expect(written).resolves.toBe(0);
    const reopened = new SqliteStore(data, { stateTtlMs: HOUR }, { intervalMs: 600_000 });
    try {
      expect((await reopened.histories.since('held', 0, T0)).entries.map((e) => e.item)).toEqual([{ type: 'message', text: 'kept' }]);
    } finally {
      await reopened.close();
    }
  });
});

describe('a checkpoint worker that fails', () => {
  it('is reported once, and the store goes on with SQLite checkpointing on its own', async () => {
    const broken = join(dir, 'broken-worker.js');
    writeFileSync(broken, "throw new Error('cannot start');\n");
    const warnings: string[] = [];
    let reported!: () => void;
    const failed = new Promise<void>((resolve) => (reported = resolve));
    const data = join(dir, 'data');
    const store = new SqliteStore(data, { stateTtlMs: HOUR }, { intervalMs: 1, workerFile: broken, warn: (event) => (warnings.push(event), reported()) });
    try {
      await failed;
      expect(store.checkpointer.running).toBe(false);
      // Auto-checkpoint (every 1,000 pages, about 4 MB) keeps the log bounded without the worker.
      const largest = await writeRounds(store, data, 12, async () => undefined);
      expect(largest).toBeLessThan(8 * MB);
      expect((await store.histories.since('wal-11', 250, T0)).watermark).toBe(256);
      expect(warnings).toEqual(['store.checkpointer_failed']);
    } finally {
      await store.close();
    }
  });
});

describe('a store closed twice', () => {
  it('closes the second time too once its checkpoint worker had started (a restart test closes it, then its teardown)', async () => {
    const data = join(dir, 'twice');
    const store = new SqliteStore(data, { stateTtlMs: HOUR }, { intervalMs: 1 });
    await writeRounds(store, data, 1, async () => undefined);
    for (let i = 0; i < 250 && !store.checkpointer.running; i++) await new Promise((r) => setTimeout(r, 10));
    expect(store.checkpointer.running).toBe(true);
    await store.close();
    await store.close();
  });
});

describe('a store closed while a checkpoint is awaited', () => {
  it('answers the wait with a checkpoint made as it closes, and a checkpoint asked for after it', async () => {
    const store = new SqliteStore(join(dir, 'awaited'), { stateTtlMs: HOUR }, { intervalMs: 60_000 });
    await store.histories.append('c1', { type: 'message', text: 'hello' }, HOUR, T0);
    // Starts the worker; its own next checkpoint is a minute away.
    await store.checkpointer.checkpoint();
    const next = store.checkpointer.next();
    await store.close();
    await expect(next).resolves.toMatchObject({ busy: 0 });
    await expect(store.checkpointer.checkpoint()).resolves.toMatchObject({ busy: 0 });
  });
});

describe('a store its process never closes', () => {
  it('does not keep the process alive once its checkpoint worker has started (a script or a test that forgets close())', async () => {
    const script = `
      const { SqliteStore } = require('./integrations/state/sqlite');
      const store = new SqliteStore(${JSON.stringify(dir)}, { stateTtlMs: 60000 });
      // Past the first interval: the worker thread runs; then nothing is left to do.
      setTimeout(() => process.stdout.write(store.checkpointer.running ? 'worker started' : 'no worker'), 600);
    `;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // A process kept alive by the worker never exits: it is ended here, and the exit code says so.
    const stuck = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(stuck);
    expect(out).toBe('worker started');
    expect(code).toBe(0);
  }, 30_000);
});
