/**
 * The SQLite store's WAL checkpoints, in a worker thread (see
 * sqlite-checkpointer.ts): a checkpoint copies the WAL into the database file
 * and fsyncs both, which on the bot's own connection stalls the event loop.
 * Plain JavaScript so that it loads the same under tsx, jest and plain node.
 *
 * workerData: { file, driver (better-sqlite3's path), intervalMs }.
 * Messages in: { id } checkpoint now; 'close'. Out: { id?, busy, log, checkpointed }.
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);

const db = new Database(workerData.file, { fileMustExist: true });
// PASSIVE never waits for the bot's readers or writers; it copies what it can and the
// bot's next write starts the WAL over once everything in it has been copied.
const passive = () => db.pragma('wal_checkpoint(PASSIVE)')[0];

const timer = setInterval(() => parentPort.postMessage(passive()), workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message === 'close') {
    clearInterval(timer);
    db.close();
    process.exit(0); // in a worker: ends this thread only
    return;
  }
  parentPort.postMessage({ id: message.id, ...passive() });
});
