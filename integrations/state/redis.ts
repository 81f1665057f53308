/**
 * The shared store for several instances behind a load balancer: Redis via
 * ioredis. Every key starts with a prefix (one per deployment, or per test
 * run); every read-check-write is a Lua script (redis-scripts.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Handoff } from '../../bot/engine/handoff-record';
import type { ConversationState } from '../../bot/engine/state';
import {
  DEFAULT_CONTACT_RETENTION_MS,
  StaleWriteError,
  type DedupeRecord,
  type Histories,
  type Json,
  type Lease,
  type Millis,
  type OutcomeEvent,
  type PurgeCounts,
  type Store,
  type StoreLog,
  type StoreOptions,
  type VersionedState,
  type WaitingContact,
} from '../../bot/engine/store';
import { RedisBus } from './redis-bus';
import * as lua from './redis-scripts';
import { RedisContacts } from './redis-contacts';
import { RedisOutbox } from './redis-outbox';
import { RedisRecords } from './redis-records';

/** Native expiry trails the clock-based one by this much, so instances with slightly different clocks agree. */
const BACKSTOP_MS = 60_000;
/** The longest a command may wait for Redis's answer. */
const COMMAND_TIMEOUT_MS = 2000;
/** How often an idle store asks Redis whether it still answers (a hang raises no connection error). */
const PROBE_MS = 3000;
/** A position beyond any history: reading from it returns only the count. */
const END = 2 ** 31;

export interface RedisStoreOptions extends StoreOptions {
  url: string;
  /** Prepended to every key, e.g. `frontline:`. */
  prefix?: string;
  /** Where a lost connection is told, once per outage, and its return (without it: not at all). */
  log?: StoreLog;
}

/** What ioredis fails a command with when Redis is gone, hung or unreachable (its own errors, by message). */
const OUTAGE_MESSAGES = new Set([
  'Command timed out',
  'Connection is closed.',
  'Command aborted due to connection close',
  "Stream isn't writeable and enableOfflineQueue options is false",
]);
/** Replies Redis gives when it cannot serve now (disk full, out of memory, a replica, loading, a long script). */
const OUTAGE_REPLIES = /^(MISCONF|OOM|READONLY|LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN) /;

function isOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ReplyError') return OUTAGE_REPLIES.test(err.message);
  return err.name === 'MaxRetriesPerRequestError' || OUTAGE_MESSAGES.has(err.message);
}

/**
 * Tells the log when Redis stops answering (once, with the error's code: never its message or stack) and
 * when it answers again. A refused or lost connection is an 'error' event (without a listener ioredis writes
 * every failed reconnection, stack and all, to stderr); a Redis that hangs with the connection open raises
 * none, so a PING every few seconds finds it. Returns what stops the PINGs.
 */
function watchConnection(redis: Redis, log: StoreLog | undefined): () => void {
  let down = false;
  const lost = (error: string) => {
    if (down) return;
    down = true;
    log?.warn('store.unreachable', { store: 'redis', error, hint: 'Redis does not answer: requests fail and /readyz says 503 until it is back' });
  };
  const back = () => {
    if (!down) return;
    down = false;
    log?.info('store.reachable', { store: 'redis' });
  };
  redis.on('error', (err: Error & { code?: string }) => lost(err.code ?? err.name));
  redis.on('ready', back);
  const probe = setInterval(() => {
    // Only a connected client can tell a hang; while reconnecting, the 'error' events speak.
    if (redis.status !== 'ready') return;
    // A connection lost meanwhile fails it too: that one the 'error' events tell, with its code.
    redis.ping().then(back, (err: Error) => err.message === 'Command timed out' && lost('TIMEOUT'));
  }, PROBE_MS);
  probe.unref();
  return () => clearInterval(probe);
}

export class RedisStore implements Store {
  readonly kind = 'redis';
  readonly bus: RedisBus;
  readonly outbox = new RedisOutbox(() => this.redis, (name) => this.key('o', name));
  readonly redis: Redis;
  readonly contacts: RedisContacts;
  readonly records: RedisRecords;
  private readonly prefix: string;
  private closed: Promise<void> | null = null;
  private readonly unwatch: () => void;

  constructor(private readonly options: RedisStoreOptions) {
    this.prefix = options.prefix ?? 'frontline:';
    // A command waits through a blip (it is queued while the connection comes back) but not through an outage:
    // reconnecting at least every half second, the queue is failed after two tries, within about a second
    // (ioredis' default grows to 2 s, and a request waited 6-10 s for its error), and the turn hands off politely.
    // A Redis that accepts and never answers (hung, or stopped) fails a command after 2 s: every command here
    // takes a millisecond or so, and without a limit the request waited for ever.
    this.redis = new Redis(options.url, {
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(attempt * 50, 500),
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    this.unwatch = watchConnection(this.redis, options.log);
    this.bus = new RedisBus(this.redis, this.prefix);
    this.contacts = new RedisContacts(this.redis, this.prefix);
    this.records = new RedisRecords(this.redis, this.prefix);
  }

  readonly states = {
    load: async (id: string, now: Millis): Promise<VersionedState | null> => {
      const row = (await this.run(lua.LOAD_STATE, [this.key('s', id)], [now])) as [string, number] | null;
      return row ? { state: JSON.parse(row[0]) as ConversationState, version: row[1] } : null;
    },
    save: async (state: ConversationState, expected: number, now: Millis, events: readonly OutcomeEvent[] = []): Promise<number> => {
      const ttl = this.options.stateTtlMs;
      const args = [JSON.stringify(state), expected, now, now + ttl, ttl + BACKSTOP_MS, ...events.map((e) => JSON.stringify(e))];
      const keys = [this.key('s', state.conversationId), this.key('e', 'log')];
      const [saved, version] = (await this.run(lua.SAVE_STATE, keys, args)) as [number, number];
      if (!saved) throw new StaleWriteError(state.conversationId, expected, version);
      return version;
    },
  };

  readonly leases = {
    acquire: async (key: string, ttlMs: number, now: Millis): Promise<Lease | null> => {
      const lease = { key, token: randomUUID(), expiresAt: now + ttlMs };
      const taken = await this.run(lua.ACQUIRE, [this.key('l', key)], [lease.token, now, lease.expiresAt, ttlMs + BACKSTOP_MS]).catch((err: unknown) => {
        // Timed out, Redis may still run it later and hold the conversation for a lease nobody knows of (30 s of
        // "locked"): the release goes on the same connection, so Redis runs it right after, if it runs either.
        void this.leases.release(lease).catch(() => false);
        throw err;
      });
      return taken === 1 ? lease : null;
    },
    renew: async (lease: Lease, ttlMs: number, now: Millis): Promise<boolean> => {
      const renewed = await this.run(lua.RENEW, [this.key('l', lease.key)], [lease.token, now, now + ttlMs, ttlMs + BACKSTOP_MS]);
      if (renewed === 1) lease.expiresAt = now + ttlMs;
      return renewed === 1;
    },
    release: async (lease: Lease): Promise<boolean> => (await this.run(lua.RELEASE, [this.key('l', lease.key)], [lease.token])) === 1,
  };

  readonly deliveries = {
    claim: async (id: string, ttlMs: number, now: Millis): Promise<DedupeRecord> => {
      const [status, answer] = (await this.run(lua.CLAIM_DELIVERY, [this.key('d', id)], [now, now + ttlMs, ttlMs + BACKSTOP_MS])) as [number, string?];
      if (status === 0) return { status: 'new' };
      return status === 1 ? { status: 'pending' } : { status: 'done', answer: JSON.parse(answer!) as Json };
    },
    answer: async (id: string, answer: Json, ttlMs: number, now: Millis): Promise<void> => {
      await this.run(lua.ANSWER_DELIVERY, [this.key('d', id)], [JSON.stringify(answer), now, now + ttlMs, ttlMs + BACKSTOP_MS]);
    },
  };

  readonly histories: Histories = {
    append: async (id: string, item: Json, ttlMs: number, now: Millis): Promise<number> => this.histories.appendAll(id, [item], ttlMs, now),
    // One script: the items land together, at consecutive positions.
    appendAll: async (id: string, items: readonly Json[], ttlMs: number, now: Millis): Promise<number> => {
      if (!items.length) return (await this.histories.since(id, END, now, 1)).watermark;
      const args = [now, now + ttlMs, ttlMs + BACKSTOP_MS, ...items.map((item) => JSON.stringify(item))];
      return (await this.run(lua.APPEND_HISTORY, this.historyKeys(id), args)) as number;
    },
    since: async (id: string, watermark: number, now: Millis, limit = 1000) => {
      const from = Math.max(0, watermark);
      const [count, ...items] = (await this.run(lua.READ_HISTORY, this.historyKeys(id), [from, limit, now])) as [number, ...string[]];
      return { entries: items.map((item, i) => ({ seq: from + i, item: JSON.parse(item) as Json })), watermark: count };
    },
  };

  readonly waiting = {
    enqueue: async (handoff: Handoff): Promise<void> => {
      const contact: WaitingContact = { id: handoff.id, queue: handoff.queue, priority: handoff.priority, enqueuedAt: handoff.createdAt, handoff };
      await this.run(lua.ENQUEUE, this.queueKeys(), [
        contact.id,
        handoff.conversationId,
        contact.queue,
        -contact.priority,
        contact.enqueuedAt,
        JSON.stringify(contact),
      ]);
    },
    list: async (queue: string): Promise<WaitingContact[]> => {
      const members = await this.redis.zrange(this.key('q', `z:${queue}`), '0', '-1');
      if (members.length === 0) return [];
      const ids = members.map((m) => m.split('|').slice(2).join('|'));
      const rows = await this.redis.hmget(this.key('q', 'contacts'), ...ids);
      return rows.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as WaitingContact);
    },
    claimNext: async (queue: string): Promise<WaitingContact | null> => this.take('', queue),
    claim: async (id: string): Promise<WaitingContact | null> => this.take(id, ''),
    remove: async (id: string): Promise<boolean> => (await this.take(id, '')) !== null,
  };

  readonly events = {
    append: async (event: OutcomeEvent): Promise<number> => (await this.redis.rpush(this.key('e', 'log'), JSON.stringify(event))) - 1,
    read: async (after: number, limit = 1000) => {
      const rows = await this.redis.lrange(this.key('e', 'log'), after + 1, after + limit);
      return rows.map((r, i) => ({ seq: after + 1 + i, event: JSON.parse(r) as OutcomeEvent }));
    },
  };

  /** Scans the prefix for expired entries; native expiry frees them anyway a minute later. */
  async purge(now: Millis): Promise<PurgeCounts> {
    const counts: PurgeCounts = { states: 0, deliveries: 0, histories: 0, leases: 0, records: 0, contacts: 0 };
    counts.contacts = await this.contacts.purge(now, this.options.contactRetentionMs ?? DEFAULT_CONTACT_RETENTION_MS);
    const kinds: [keyof PurgeCounts, string][] = [['states', 's'], ['deliveries', 'd'], ['histories', 'hm'], ['leases', 'l'], ['records', 'r']];
    for (const [name, kind] of kinds) {
      for await (const keys of this.redis.scanStream({ match: `${this.prefix}${kind}:*`, count: 500 }) as AsyncIterable<string[]>) {
        for (const key of keys) {
          const exp = Number(await this.redis.hget(key, 'exp'));
          if (exp > now) continue;
          const dropped = kind === 'hm' ? await this.redis.del(key, `${this.prefix}h:${key.slice(this.prefix.length + 3)}`) : await this.redis.del(key);
          if (dropped > 0) counts[name] += 1;
        }
      }
    }
    return counts;
  }

  unavailable(err: unknown): boolean {
    return isOutage(err);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  /** Closes the bus's connection, then the store's; a second call waits for the first. */
  close(): Promise<void> {
    // Two at once: the second would send QUIT on a connection the first is already closing, and reject.
    this.closed ??= this.quit();
    return this.closed;
  }

  private async quit(): Promise<void> {
    this.unwatch();
    await this.bus.close();
    if (this.redis.status !== 'end') await this.redis.quit();
  }

  /** Deletes every key under the prefix (tests clean up after themselves). */
  async destroy(): Promise<void> {
    for await (const keys of this.redis.scanStream({ match: `${this.prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await this.redis.del(...keys);
    }
  }

  private async take(id: string, queue: string): Promise<WaitingContact | null> {
    const row = (await this.run(lua.TAKE, this.queueKeys(), [id, queue])) as string | null;
    return row ? (JSON.parse(row) as WaitingContact) : null;
  }

  private key(kind: string, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  private historyKeys(id: string): string[] {
    return [this.key('h', id), this.key('hm', id)];
  }

  private queueKeys(): string[] {
    return ['contacts', 'conversations', 'queues', 'members', 'seq', 'z:'].map((k) => this.key('q', k));
  }

  private readonly shas = new Map<string, string>();

  /** EVALSHA, loading the script on the first NOSCRIPT (a restarted Redis forgets them). */
  private async run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (!sha) this.shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }
}
