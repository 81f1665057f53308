/**
 * SQLite's group commit (integrations/state/sqlite-commit.ts): the writes of
 * concurrent turns share a transaction, and nothing built on a write leaves
 * the process before the commit that holds it. Here a commit fails (as a full
 * disk would fail it): the Web Chat customer whose turn's state was in it
 * gets an error, never the reply, and Web Chat's retry is answered once.
 * And another process holding the write lock delays the writes without
 * stopping the event loop (WORKERS on one file); the writes that waited for
 * it all settle, even when one of them ends the transaction they share.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SqliteStore } from '../../integrations/state/sqlite';
import { GroupCommit } from '../../integrations/state/sqlite-commit';
import { SECRET, startApp, type RunningApp } from '../support/server';
import { STATE_TTL_MS, T0 } from '../support/store-backends';
import { TODAY } from '../support/harness';

type Activity = { type: string; text?: string; from: { role?: string } };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-commit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });

describe('a Web Chat turn whose commit fails', () => {
  let app: RunningApp;
  let store: SqliteStore;
  let ws: WebSocket | undefined;
  /** The conversation whose next state save is made to fail at its commit; null: none. */
  let failSaveOf: { id: string; committed: number } | null = null;

  beforeEach(async () => {
    store = new SqliteStore(dir, { stateTtlMs: STATE_TTL_MS }, {}, {
      beforeCommit: (db) => {
        if (!failSaveOf) return;
        // The writer sees the transaction's own writes: a version past the committed one is this commit's.
        const row = db.prepare('SELECT version FROM states WHERE id = ?').get(failSaveOf.id) as { version: number } | undefined;
        if ((row?.version ?? 0) <= failSaveOf.committed) return;
        failSaveOf = null;
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      },
    });
    app = await startApp({}, { store });
  });
  afterEach(async () => {
    ws?.close();
    await app.close();
    await store.close();
  });

  it('answers the customer an error, not the reply, and answers the retry once', async () => {
    const started = (await (await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth(SECRET) })).json()) as {
      conversationId: string;
      token: string;
      streamUrl: string;
    };
    ws = new WebSocket(started.streamUrl);
    const pushed: Activity[] = [];
    ws.on('message', (data) => {
      if (data.toString()) pushed.push(...(JSON.parse(data.toString()) as { activities: Activity[] }).activities);
    });
    await new Promise((resolve) => ws!.once('open', resolve));
    const botLines = () => pushed.filter((a) => a.type === 'message' && a.from.role === 'bot').map((a) => a.text);
    for (let i = 0; i < 250 && botLines().length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(botLines()).toHaveLength(1); // the welcome

    const id = `directline:${started.conversationId}`;
    const committed = (await store.states.load(id, TODAY.getTime()))?.version ?? 0;
    failSaveOf = { id, committed };
    const message = { type: 'message', text: 'what are your opening hours', from: { id: 'web' }, channelData: { clientActivityID: 'msg-1' } };
    const send = () => fetch(`${app.url}/v3/directline/conversations/${started.conversationId}/activities`, { method: 'POST', headers: auth(started.token), body: JSON.stringify(message) });

    // A full disk is the store unavailable, not a fault of the request: 503, try again.
    const first = await send();
    expect([first.status, first.headers.get('retry-after')]).toEqual([503, '5']);
    expect(failSaveOf).toBeNull(); // the commit with the turn's state did fail
    expect((await store.states.load(id, TODAY.getTime()))?.version).toBe(committed);
    expect(botLines()).toHaveLength(1);

    // Web Chat saw no answer and sends the message again: it runs now, and once.
    const retry = await send();
    expect(retry.status).toBe(200);
    const answers = () => botLines().filter((line) => line?.includes("It's open"));
    for (let i = 0; i < 250 && answers().length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    const again = await send();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await retry.json());
    await new Promise((r) => setTimeout(r, 100));
    expect(answers()).toHaveLength(1);
    expect((await store.states.load(id, TODAY.getTime()))?.version).toBe(committed + 1);
  });
});

it('waits for the write lock another process holds without stopping the event loop', async () => {
  const store = new SqliteStore(dir, { stateTtlMs: STATE_TTL_MS });
  await store.records.put('before', 1, 60_000, T0);
  const other = new Database(join(dir, 'frontline.db'));
  other.exec('BEGIN IMMEDIATE');
  // The other holder lets go on a timer: a write that slept on the event loop waiting for it would wait in vain.
  setTimeout(() => other.exec('COMMIT'), 50);
  await store.records.put('during', 2, 60_000, T0);
  expect(await store.records.get('during', T0)).toBe(2);
  other.close();
  await store.close();
});

it('runs the writes that waited for the lock even when one of them ends their shared transaction', async () => {
  const file = join(dir, 'commit.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 0'); // as the store's writer: GroupCommit waits for the lock on a timer
  db.exec('CREATE TABLE t (v INTEGER)');
  const commits = new GroupCommit(db);
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  // Both wait for the other holder, then run in one transaction; the first ends it (as an I/O error's rollback would).
  const ending = commits.write(() => db.exec('ROLLBACK'));
  const after = commits.write(() => db.prepare('INSERT INTO t (v) VALUES (1)').run().changes);
  setTimeout(() => other.exec('COMMIT'), 20);
  await expect(ending).rejects.toThrow('the transaction ended');
  await expect(after).resolves.toBe(1);
  expect(other.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
  other.close();
  db.close();
});
