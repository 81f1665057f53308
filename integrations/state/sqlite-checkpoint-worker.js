/**
 * The SQLite store's WAL checkpoints, in a worker thread (see
 * sqlite-checkpointer.ts): a checkpoint copies the WAL into the database file
 * and fsyncs both, which on the bot's own connection stalls the event loop.
 * Plain JavaScript so that it loads the same under tsx, jest and plain node.
 *
 * workerData: { file, driver (better-sqlite3's path), intervalMs, restartPages }.
 * Messages in: { id } checkpoint now; 'close'. Out: { id?, busy, log, checkpointed, restarted? }.
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);

const db = new Database(workerData.file, { fileMustExist: true });
// How long a RESTART waits for the bot's write in progress (this thread waits, not the bot).
db.pragma('busy_timeout = 5000');

// PASSIVE never waits for the bot's readers or writers; it copies what it can, and the
// bot's next write starts the WAL over once everything in it has been copied. A bot that
// never pauses writing leaves no such moment: past restartPages, RESTART takes the write
// lock for the few frames left, and the next write starts the WAL over.
function checkpoint() {
  const result = db.pragma('wal_checkpoint(PASSIVE)')[0];
  if (result.log <= workerData.restartPages) return result;
  return { ...db.pragma('wal_checkpoint(RESTART)')[0], restarted: true };
}

const timer = setInterval(() => parentPort.postMessage(checkpoint()), workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message === 'close') {
    clearInterval(timer);
    db.close();
    process.exit(0); // in a worker: ends this thread only
    return;
  }
  parentPort.postMessage({ id: message.id, ...checkpoint() });
});
