/**
 * The Redis store's contact records: a hash per contact (json, version,
 * holder) and a set per agent of the contacts they hold. Each save is one
 * Lua script: the version check, the write and the holder sets move together.
 */
import type Redis from 'ioredis';
import { contactLinesKey, StaleWriteError, type ContactRecord, type ContactRecords, type Millis } from '../../bot/engine/store';
import { byHeldOrder } from './contact-order';

/**
 * KEYS: the contact's hash, the closed contacts' zset. ARGV: json, expected version, holder-set key prefix,
 * new holder ('' none), id, when it closed in ms ('' while open).
 * → {1, version} or {0, actual}. The holder sets' keys are built in the script: one Redis, not a cluster.
 */
const SAVE_CONTACT = `
local actual = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if actual ~= tonumber(ARGV[2]) then return {0, actual} end
local old = redis.call('HGET', KEYS[1], 'a')
if old and old ~= '' then redis.call('SREM', ARGV[3] .. old, ARGV[5]) end
if ARGV[4] ~= '' then redis.call('SADD', ARGV[3] .. ARGV[4], ARGV[5]) end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'v', actual + 1, 'a', ARGV[4])
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5]) else redis.call('ZREM', KEYS[2], ARGV[5]) end
return {1, actual + 1}`;

/** KEYS: the contact's hash, the closed zset, its lines' list and meta. ARGV: id, cutoff ms. → 1 purged, 0 kept. */
const PURGE_CONTACT = `
local closed = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not closed or tonumber(closed) > tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`;

export class RedisContacts implements ContactRecords {
  constructor(
    private readonly redis: Redis,
    /** The store's key prefix, e.g. `frontline:`. */
    private readonly prefix: string,
  ) {}

  async load(id: string): Promise<{ record: ContactRecord; version: number } | null> {
    const [json, version] = await this.redis.hmget(this.key(id), 'json', 'v');
    return json ? { record: JSON.parse(json) as ContactRecord, version: Number(version) } : null;
  }

  async save(record: ContactRecord, expected: number): Promise<number> {
    const holder = record.status === 'with_agent' ? (record.agent?.id ?? '') : '';
    const closed = record.status === 'ended' || record.status === 'abandoned' ? Date.parse(record.updatedAt) : '';
    const args = [JSON.stringify(record), expected, `${this.prefix}ca:`, holder, record.id, closed];
    const [saved, version] = (await this.redis.eval(SAVE_CONTACT, 2, this.key(record.id), this.closedKey(), ...args)) as [number, number];
    if (!saved) throw new StaleWriteError(`contact:${record.id}`, expected, version);
    return version;
  }

  async heldBy(agentId: string): Promise<ContactRecord[]> {
    const ids = await this.redis.smembers(`${this.prefix}ca:${agentId}`);
    const rows = await Promise.all(ids.map((id) => this.redis.hget(this.key(id), 'json')));
    return rows
      .filter((r): r is string => r !== null)
      .map((r) => JSON.parse(r) as ContactRecord)
      .filter((c) => c.status === 'with_agent' && c.agent?.id === agentId)
      .sort(byHeldOrder);
  }

  /** Removes the ended and abandoned contacts past their retention, and their lines; how many. */
  async purge(now: Millis, retentionMs: number): Promise<number> {
    const cutoff = now - retentionMs;
    let purged = 0;
    for (const id of await this.redis.zrangebyscore(this.closedKey(), '-inf', cutoff)) {
      const lines = contactLinesKey(id);
      const keys = [this.key(id), this.closedKey(), `${this.prefix}h:${lines}`, `${this.prefix}hm:${lines}`];
      purged += (await this.redis.eval(PURGE_CONTACT, keys.length, ...keys, id, cutoff)) as number;
    }
    return purged;
  }

  /** The closed contacts by when they closed (ms). */
  private closedKey(): string {
    return `${this.prefix}cz`;
  }

  private key(id: string): string {
    return `${this.prefix}c:${id}`;
  }
}
