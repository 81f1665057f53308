/**
 * The Redis store's keyed records: a hash per key (`v` the JSON value, `exp`
 * when it expires by the caller's clock) with a native expiry a little later,
 * so Redis frees it by itself. A counter counts in one script; its key is
 * passed as KEYS, so it works on a cluster too.
 */
import { createHash } from 'node:crypto';
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

/**
 * KEYS: the bucket. ARGV: now, interval, limit (now + burst × interval), backstop. → 1 taken, 0 wait.
 * GCRA: `exp` is when the bucket is full again (had the hit been taken); taken while that is within the limit.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local full = tonumber(redis.call('HGET', KEYS[1], 'exp') or '0')
if full < now then full = now end
full = full + tonumber(ARGV[2])
if full > tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'v', 'false')
  return 0
end
redis.call('HSET', KEYS[1], 'v', 'true', 'exp', full)
redis.call('PEXPIRE', KEYS[1], full - now + tonumber(ARGV[4]))
return 1`;
const TAKE_SHA = createHash('sha1').update(TAKE).digest('hex');

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

  async take(key: string, burst: number, intervalMs: number, now: Millis): Promise<boolean> {
    const args = [now, intervalMs, now + burst * intervalMs, BACKSTOP_MS];
    try {
      return (await this.redis.evalsha(TAKE_SHA, 1, this.key(key), ...args)) === 1;
    } catch (err) {
      // A restarted Redis forgets its scripts: sent once in full, then known again.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return (await this.redis.eval(TAKE, 1, this.key(key), ...args)) === 1;
    }
  }

  private key(key: string): string {
    return `${this.prefix}r:${key}`;
  }
}
