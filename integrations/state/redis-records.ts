/**
 * The Redis store's keyed records: a hash per key (`v` the JSON value, `exp`
 * when it expires by the caller's clock) with a native expiry a little later,
 * so Redis frees it by itself. A counter counts in one script; its key is
 * passed as KEYS, so it works on a cluster too.
 */
import type Redis from 'ioredis';
import type { Json, KeyedRecords, Millis } from '../../bot/engine/store';

/** Native expiry trails the clock-based one by this much, so instances with slightly different clocks agree. */
const BACKSTOP_MS = 60_000;

/** KEYS: the record. ARGV: now, window end, native ttl. → the hits of the window. */
const COUNT = `
local row = redis.call('HMGET', KEYS[1], 'v', 'exp')
if row[2] and tonumber(row[2]) > tonumber(ARGV[1]) and tonumber(row[1]) then
  return redis.call('HINCRBY', KEYS[1], 'v', 1)
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', 1, 'exp', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

export class RedisRecords implements KeyedRecords {
  constructor(
    private readonly redis: Redis,
    /** The store's key prefix, e.g. `frontline:`. */
    private readonly prefix: string,
  ) {}

  async get(key: string, now: Millis): Promise<Json | null> {
    const [value, exp] = await this.redis.hmget(this.key(key), 'v', 'exp');
    return value !== null && Number(exp) > now ? (JSON.parse(value) as Json) : null;
  }

  async put(key: string, value: Json, ttlMs: number, now: Millis): Promise<void> {
    const k = this.key(key);
    await this.redis
      .multi()
      .del(k)
      .hset(k, 'v', JSON.stringify(value), 'exp', now + ttlMs)
      .pexpire(k, ttlMs + BACKSTOP_MS)
      .exec();
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.key(key))) === 1;
  }

  async count(key: string, windowMs: number, now: Millis): Promise<number> {
    return (await this.redis.eval(COUNT, 1, this.key(key), now, now + windowMs, windowMs + BACKSTOP_MS)) as number;
  }

  private key(key: string): string {
    return `${this.prefix}r:${key}`;
  }
}
