/**
 * kill -9: a process writing a conversation mid-dialog, its Direct Line
 * history and a customer waiting in a queue is killed with SIGKILL while it
 * writes; a store opened afterwards holds exactly what was committed, on
 * SQLite and on Redis.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../bot/engine/store';
import { RedisStore } from '../../integrations/state/redis';
import { SqliteStore } from '../../integrations/state/sqlite';
import { makeHandoff, REDIS_URL, STATE_TTL_MS, T0 } from '../support/store-backends';

const root = join(__dirname, '..', '..');
const KILL_AFTER = 40;

/** Runs the writer until it has reported `KILL_AFTER` steps, kills it with SIGKILL, returns the last step it reported. */
async function writeThenKill(args: string[]): Promise<number> {
  // node with tsx's loader rather than the tsx command, which would run the writer in a grandchild the kill misses.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/store-writer.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let reported = 0;
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
  child.stdout.on('data', (d: Buffer) => {
    for (const m of d.toString().matchAll(/committed (\d+)/g)) reported = Number(m[1]);
    if (reported >= KILL_AFTER) child.kill('SIGKILL');
  });
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`the writer stopped by itself: ${errors}`);
  return reported;
}

async function expectExactlyCommitted(store: Store, reported: number): Promise<void> {
  const saved = (await store.states.load('mid-dialog', T0 + reported + 10))!;
  // The kill may land after a save and before it was reported: never before.
  expect(saved.version).toBeGreaterThanOrEqual(reported);
  expect(saved.version).toBeLessThanOrEqual(reported + 1);
  expect(saved.state.turns).toBe(saved.version);
  expect(saved.state.dialog).toEqual({ dialog: 'update_address', intent: 'update_address', pc: saved.version, values: { step: saved.version }, waiting: null });
  const history = await store.histories.since('mid-dialog', 0, T0 + reported + 10);
  expect(history.watermark).toBeGreaterThanOrEqual(reported);
  expect([saved.version - 1, saved.version]).toContain(history.watermark);
  expect(history.entries.map((e) => e.item)).toEqual(history.entries.map((e) => ({ type: 'message', text: `reply ${e.seq + 1}` })));
  expect((await store.waiting.list('loyalty')).map((c) => c.handoff)).toEqual([
    makeHandoff('waiting-customer', { conversationId: 'waiting', queue: 'loyalty', priority: 8 }),
  ]);
}

describe('a store survives kill -9', () => {
  jest.setTimeout(60_000);

  it('on SQLite: a new process reads exactly what was committed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-kill-'));
    try {
      const reported = await writeThenKill(['sqlite', dir]);
      const store = new SqliteStore(dir, { stateTtlMs: STATE_TTL_MS });
      await expectExactlyCommitted(store, reported);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on Redis: a new instance reads exactly what was committed', async () => {
    const prefix = `frontline-test:kill:${process.pid}:${Date.now()}:`;
    const store = new RedisStore({ url: REDIS_URL, prefix, stateTtlMs: STATE_TTL_MS });
    try {
      const reported = await writeThenKill(['redis', REDIS_URL, prefix]);
      await expectExactlyCommitted(store, reported);
    } finally {
      await store.destroy();
      await store.close();
    }
  });
});
