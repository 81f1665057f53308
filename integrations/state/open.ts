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
  /** How long an ended or abandoned contact is kept (CONTACT_RETENTION_DAYS). */
  contactRetentionMs?: number | undefined;
}

export function openStore(settings: StoreSettings): Store {
  const options = { stateTtlMs: settings.stateTtlMs, ...(settings.contactRetentionMs ? { contactRetentionMs: settings.contactRetentionMs } : {}) };
  if (settings.redisUrl) return new RedisStore({ url: settings.redisUrl, ...options, ...(settings.redisPrefix ? { prefix: settings.redisPrefix } : {}) });
  if (settings.dataDir) return new SqliteStore(settings.dataDir, options);
  return new MemoryStore(options);
}
