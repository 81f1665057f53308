/**
 * Picks the store from the settings: Redis when a URL is given (several
 * instances), else SQLite under the data folder (one instance, durable),
 * else memory (nothing survives a restart).
 */
import type { Store } from '../../bot/engine/store';
import { MemoryStore } from './memory';
import { RedisStore } from './redis';
import { SqliteStore } from './sqlite';

export interface StoreSettings {
  /** Folder of the SQLite file; empty: memory. */
  dataDir: string;
  redisUrl?: string | undefined;
  /** Start of every Redis key (REDIS_PREFIX). */
  redisPrefix?: string | undefined;
  stateTtlMs: number;
}

export function openStore(settings: StoreSettings): Store {
  if (settings.redisUrl) return new RedisStore({ url: settings.redisUrl, stateTtlMs: settings.stateTtlMs, ...(settings.redisPrefix ? { prefix: settings.redisPrefix } : {}) });
  if (settings.dataDir) return new SqliteStore(settings.dataDir, { stateTtlMs: settings.stateTtlMs });
  return new MemoryStore({ stateTtlMs: settings.stateTtlMs });
}
