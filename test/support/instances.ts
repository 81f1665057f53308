/**
 * Two instances of the app on one shared store, as behind a load balancer:
 * one SQLite file (DATA_DIR) or one Redis (a prefix of the test's own),
 * started at once before the tests of the file or `describe` block, closed
 * with their stores after them, the shared store then removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisStore } from '../../integrations/state/redis';
import { startApp, type RunningApp } from './server';
import { REDIS_URL } from './store-backends';

/** Where the instances meet: the settings that name it, and how to remove it after. */
export interface SharedStore {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A fresh SQLite directory (`tag` names it). */
export function sharedSqlite(tag: string): SharedStore {
  const dir = mkdtempSync(join(tmpdir(), `frontline-${tag}-`));
  return { env: { DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh prefix on the test Redis (`tag` names it), its keys deleted after. */
export function sharedRedis(tag: string): SharedStore {
  const prefix = `frontline-test:${tag}:${process.pid}:${Date.now()}:`;
  return {
    env: { REDIS_URL, REDIS_PREFIX: prefix },
    cleanup: async () => {
      const store = new RedisStore({ url: REDIS_URL, prefix, stateTtlMs: 60_000 });
      await store.destroy();
      await store.close();
    },
  };
}

/** Both backends, for `describe.each`: each opens a shared store named by `tag`. */
export const sharedBackends = [
  ['SQLite', sharedSqlite],
  ['Redis', sharedRedis],
] as const;

/**
 * Starts two instances on the store `shared()` opens, with `env`, before the tests of the enclosing block
 * (`started` gets them) and closes both, their stores and the shared store after. Before the instances close,
 * `beforeClose` runs (cut the client streams: a server closes only once its connections have).
 */
export function twoInstances(
  shared: () => SharedStore,
  env: Record<string, string>,
  started: (a: RunningApp, b: RunningApp) => void,
  beforeClose?: () => void,
): void {
  let apps: RunningApp[] = [];
  let store: SharedStore | null = null;
  beforeAll(async () => {
    store = shared();
    const settings = { ...store.env, ...env };
    apps = await Promise.all([startApp(settings), startApp(settings)]);
    started(apps[0]!, apps[1]!);
  });
  afterAll(async () => {
    beforeClose?.();
    for (const app of apps) {
      await app.close();
      await app.app.store.close();
    }
    await store?.cleanup();
  });
}
