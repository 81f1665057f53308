/**
 * The store backends the contract suite runs against: memory, SQLite in a
 * temporary folder, and Redis under a key prefix of its own (REDIS_URL,
 * default redis://127.0.0.1:6379; `.ci/run` starts one). Each opened store
 * is removed again by `cleanup`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handoff } from '../../bot/engine/handoff-record';
import { freshState, type ConversationState } from '../../bot/engine/state';
import type { Store } from '../../bot/engine/store';
import { MemoryStore } from '../../integrations/state/memory';
import { RedisStore } from '../../integrations/state/redis';
import { SqliteStore } from '../../integrations/state/sqlite';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
export const STATE_TTL_MS = 60 * 60_000;
/** How long the test stores keep an ended or abandoned contact: a week. */
export const CONTACT_RETENTION_MS = 7 * 24 * 3600_000;
/** The tests' "now": 2026-11-24 17:00 UTC, moved by hand. */
export const T0 = Date.parse('2026-11-24T17:00:00Z');

export interface Backend {
  name: 'memory' | 'sqlite' | 'redis';
  /** Whether a second open of the same place sees what the first wrote. */
  durable: boolean;
  /** A fresh, empty store. */
  open(): Store;
  /** The same place as the last `open`, opened again (durable backends only). */
  reopen(): Store;
  /** Closes every store opened and removes what they wrote. */
  cleanup(): Promise<void>;
}

export function backends(): Backend[] {
  return [memoryBackend(), sqliteBackend(), redisBackend()];
}

/** A backend in a suite of `describeEachBackend`: its fresh store for the running test. */
export interface BackendUnderTest extends Backend {
  /** The store opened for the running test (a fresh one each test). */
  readonly store: Store;
}

/**
 * Runs `body` once per backend (`memory store …`, `sqlite store …`,
 * `redis store …`), with a fresh store opened before each test and every
 * store closed and removed after it.
 */
export function describeEachBackend(title: string, body: (backend: BackendUnderTest) => void): void {
  describe.each(backends().map((b) => [b.name, b] as const))(`%s ${title}`, (_name, backend) => {
    let store: Store | undefined;
    const under: BackendUnderTest = {
      ...backend,
      get store(): Store {
        if (!store) throw new Error('the store is opened before each test');
        return store;
      },
    };
    beforeEach(() => {
      store = backend.open();
    });
    afterEach(async () => {
      store = undefined;
      await backend.cleanup();
    });
    body(under);
  });
}

function memoryBackend(): Backend {
  return {
    name: 'memory',
    durable: false,
    open: () => new MemoryStore({ stateTtlMs: STATE_TTL_MS, contactRetentionMs: CONTACT_RETENTION_MS }),
    reopen: () => {
      throw new Error('memory is not durable');
    },
    cleanup: async () => undefined,
  };
}

function sqliteBackend(): Backend {
  let dir = '';
  const opened: Store[] = [];
  const at = () => {
    const store = new SqliteStore(dir, { stateTtlMs: STATE_TTL_MS, contactRetentionMs: CONTACT_RETENTION_MS });
    opened.push(store);
    return store;
  };
  return {
    name: 'sqlite',
    durable: true,
    open: () => {
      dir = mkdtempSync(join(tmpdir(), 'frontline-store-'));
      return at();
    },
    reopen: at,
    cleanup: async () => {
      for (const store of opened.splice(0)) await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

let runs = 0;
function redisBackend(): Backend {
  let prefix = '';
  const opened: RedisStore[] = [];
  const at = () => {
    const store = new RedisStore({ url: REDIS_URL, prefix, stateTtlMs: STATE_TTL_MS, contactRetentionMs: CONTACT_RETENTION_MS });
    opened.push(store);
    return store;
  };
  return {
    name: 'redis',
    durable: true,
    open: () => {
      prefix = `frontline-test:${process.pid}:${Date.now()}:${runs++}:`;
      return at();
    },
    reopen: at,
    cleanup: async () => {
      if (opened[0]) await opened[0].destroy();
      for (const store of opened.splice(0)) await store.close();
    },
  };
}

/** A conversation's state with the given changes. */
export function makeState(conversationId: string, over: Partial<ConversationState> = {}): ConversationState {
  const at = new Date(T0).toISOString();
  return { ...freshState(conversationId, 'chat', null, at), ...over };
}

/** A handoff waiting in `queue`. */
export function makeHandoff(id: string, over: Partial<Handoff> = {}): Handoff {
  return {
    id,
    conversationId: `conv-${id}`,
    channel: 'chat',
    createdAt: new Date(T0).toISOString(),
    customer: { id: 'C-1', name: 'Test Customer', segment: 'standard', strategy: 'serve', intensity: 'normal', verified: true },
    intent: { name: 'billing_dispute', label: 'Billing dispute', confidence: 0.9 },
    words: ['I was charged twice'],
    botActions: [],
    summary: [],
    nextBestActions: [],
    queue: 'billing',
    queueLabel: 'Billing',
    priority: 5,
    reason: 'The customer asked for a person',
    transcript: [],
    ...over,
  };
}
