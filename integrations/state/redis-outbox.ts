/**
 * The outbox in Redis, shared by every instance: per topic a sorted set of
 * ids by due time, a hash of the messages and one of their tries. Takes and retries are Lua
 * scripts, so two instances never take the same message.
 */
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { Outbox, OutboxEntry } from '../../bot/engine/outbox';
import type { Millis } from '../../bot/engine/store';

/** KEYS: due, rows, tries. ARGV: id, row json, now. → 1 added, 0 there already. */
const ADD = `
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], 0)
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

/** KEYS: due, rows, tries. ARGV: now, leaseUntil, limit. → {id, row json, try, …} with each try counted. */
const TAKE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[2], id)
  if raw then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    table.insert(out, id)
    table.insert(out, raw)
    table.insert(out, redis.call('HINCRBY', KEYS[3], id, 1))
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`;

/** KEYS: due, rows, tries. ARGV: id. → 1 removed, 0 gone. */
const DONE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])`;

/** KEYS: due, rows, tries. ARGV: id, attempt, dueAt. → 1 rescheduled, 0 gone or taken again. */
const RETRY = `
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

interface Row {
  body: string;
  createdAt: Millis;
}

export class RedisOutbox implements Outbox {
  /**
   * @param redis the store's connection (a function: the store opens it in its constructor).
   * @param key the store's key for a name (its prefix and the outbox's kind).
   */
  constructor(
    private readonly redis: () => Redis,
    private readonly key: (name: string) => string,
  ) {}

  async add(topic: string, id: string, body: string, now: Millis): Promise<boolean> {
    const row: Row = { body, createdAt: now };
    return (await this.run(ADD, topic, [id, JSON.stringify(row), now])) === 1;
  }

  async take(topic: string, now: Millis, leaseMs: number, limit: number): Promise<OutboxEntry[]> {
    const flat = (await this.run(TAKE, topic, [now, now + leaseMs, limit])) as (string | number)[];
    const out: OutboxEntry[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      const row = JSON.parse(String(flat[i + 1])) as Row;
      out.push({ id: String(flat[i]), body: row.body, attempt: Number(flat[i + 2]), createdAt: row.createdAt });
    }
    return out;
  }

  async done(topic: string, id: string): Promise<boolean> {
    return (await this.run(DONE, topic, [id])) === 1;
  }

  async retryAt(topic: string, id: string, attempt: number, dueAt: Millis): Promise<boolean> {
    return (await this.run(RETRY, topic, [id, attempt, dueAt])) === 1;
  }

  async size(topic: string): Promise<number> {
    return this.redis().hlen(this.keys(topic)[1]!);
  }

  private keys(topic: string): string[] {
    return ['due', 'rows', 'tries'].map((part) => this.key(`${topic}:${part}`));
  }

  /** EVALSHA, loading the script on the first NOSCRIPT (a restarted Redis forgets them). */
  private async run(script: string, topic: string, args: (string | number)[]): Promise<unknown> {
    const keys = this.keys(topic);
    const sha = createHash('sha1').update(script).digest('hex');
    try {
      return await this.redis().evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.redis().eval(script, keys.length, ...keys, ...args);
    }
  }
}
