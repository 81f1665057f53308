/**
 * Picks the store from the settings: Redis when a URL is given (several
 * instances), else SQLite under the data folder (one instance, durable),
 * else memory (nothing survives a restart).
 */
import type { Bus } from '../../bot/engine/bus';
import type { Store, StoreLog } from '../../bot/engine/store';
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
  /** The bus between this start's worker processes (cluster-bus.ts) in place of SQLite's in-process one; Redis keeps pub/sub. */
  bus?: Bus | undefined;
  /** Where the store reports a fault it works around (SQLite's checkpoint worker failing, Redis gone and back). */
  log?: StoreLog | undefined;
}

export function openStore(settings: StoreSettings): Store {
  const options = { stateTtlMs: settings.stateTtlMs, ...(settings.contactRetentionMs ? { contactRetentionMs: settings.contactRetentionMs } : {}) };
  if (settings.redisUrl)
    return new RedisStore({ url: settings.redisUrl, ...options, ...(settings.redisPrefix ? { prefix: settings.redisPrefix } : {}), ...(settings.log ? { log: settings.log } : {}) });
  if (settings.dataDir) {
    // With WORKERS (a bus between them), other processes write the file too: no gaps for the checkpoint.
    const sqlite = new SqliteStore(settings.dataDir, options, { ...(settings.log ? { warn: settings.log.warn.bind(settings.log) } : {}), gaps: !settings.bus });
    return settings.bus ? withBus(sqlite, settings.bus) : sqlite;
  }
  return new MemoryStore(options);
}

/** `store` with `bus` in place of its own. */
function withBus(store: Store, bus: Bus): Store {
  const { kind, states, leases, deliveries, histories, waiting, events, contacts, outbox, records } = store;
  return {
    kind, states, leases, deliveries, histories, waiting, events, contacts, outbox, records, bus,
    purge: (now) => store.purge(now),
    ping: () => store.ping(),
    unavailable: (err) => store.unavailable(err),
    close: () => store.close(),
  };
}
