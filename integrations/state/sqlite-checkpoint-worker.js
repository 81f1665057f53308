/**
 * The SQLite store's WAL checkpoints, in a worker thread (see
 * sqlite-checkpointer.ts): a checkpoint copies the WAL into the database file
 * and fsyncs both, which on the bot's own connection stalls the event loop.
 * Plain JavaScript so that it loads the same under tsx, jest and plain node.
 *
 * workerData: { file, driver (better-sqlite3's path), intervalMs, restartPages, gaps }.
 * Messages in: { id } checkpoint now; { gap: id } the bot's writes are held, RESTART now; 'close'.
 * Out: { id?, busy, log, checkpointed, restarted? } a checkpoint made; { id?, gap: true } hold the writes.
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);

const db = new Database(workerData.file, { fileMustExist: true });
// How long a RESTART outside a gap waits for another process's writes (this thread waits, not the bot).
const BUSY_MS = 5000;
// How long a RESTART in a gap waits for another process's writes: this process's writes are held meanwhile.
const GAP_BUSY_MS = 100;
// Gaps in a row another process's writes filled: after this many, a RESTART waits as long as it takes, outside one.
const GAPS_BEFORE_WAITING = 3;
db.pragma(`busy_timeout = ${BUSY_MS}`);

// PASSIVE never waits for the bot's readers or writers; it copies what it can, and the
// bot's next write starts the WAL over once everything in it has been copied. A bot that
// never pauses writing leaves no such moment: past restartPages, this thread asks the bot
// for a gap (it holds its writes once its open transaction is committed) and RESTARTs in it,
// copying the few frames written since the PASSIVE; the next write starts the WAL over.
// (RESTART left to find a gap by itself sleeps in SQLite's busy handler while the WAL grows,
// then holds the write lock while it copies all that: the bot stood still for up to 2 s.)
let gapAsked = false;
let gapsFilled = 0;

function checkpoint(id) {
  const result = db.pragma('wal_checkpoint(PASSIVE)')[0];
  // One gap at a time: a checkpoint asked for while one is awaited is only the PASSIVE.
  if (result.log <= workerData.restartPages || gapAsked) return parentPort.postMessage({ id, ...result });
  // Without gaps (other processes write the file too) or after gaps their writes filled: RESTART waits for one.
  if (!workerData.gaps || gapsFilled >= GAPS_BEFORE_WAITING) {
    gapsFilled = 0;
    return parentPort.postMessage({ id, ...db.pragma('wal_checkpoint(RESTART)')[0], restarted: true });
  }
  gapAsked = true;
  parentPort.postMessage({ id, gap: true });
}

function restartInGap(id) {
  gapAsked = false;
  db.pragma(`busy_timeout = ${GAP_BUSY_MS}`);
  let result;
  try {
    result = db.pragma('wal_checkpoint(RESTART)')[0];
  } finally {
    db.pragma(`busy_timeout = ${BUSY_MS}`);
  }
  gapsFilled = result.busy ? gapsFilled + 1 : 0;
  parentPort.postMessage({ id, ...result, restarted: true });
}

const timer = setInterval(() => gapAsked || checkpoint(undefined), workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message === 'close') {
    clearInterval(timer);
    db.close();
    process.exit(0); // in a worker: ends this thread only
    return;
  }
  if ('gap' in message) return restartInGap(message.gap);
  checkpoint(message.id);
});
