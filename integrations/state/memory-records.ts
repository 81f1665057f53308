/**
 * The memory store's keyed records: JSON copies with an expiry, so a caller
 * never mutates what is stored. One process only.
 */
import type { Json, KeyedRecords, Millis } from '../../bot/engine/store';

export class MemoryRecords implements KeyedRecords {
  private readonly rows = new Map<string, { json: string; expiresAt: Millis }>();

  async get(key: string, now: Millis): Promise<Json | null> {
    const row = this.rows.get(key);
    return row && row.expiresAt > now ? (JSON.parse(row.json) as Json) : null;
  }

  async put(key: string, value: Json, ttlMs: number, now: Millis): Promise<void> {
    this.rows.set(key, { json: JSON.stringify(value), expiresAt: now + ttlMs });
  }

  async delete(key: string): Promise<boolean> {
    return this.rows.delete(key);
  }

  async count(key: string, windowMs: number, now: Millis): Promise<number> {
    const row = this.rows.get(key);
    if (!row || row.expiresAt <= now) {
      this.rows.set(key, { json: '1', expiresAt: now + windowMs });
      return 1;
    }
    const held = JSON.parse(row.json) as Json;
    const hits = (typeof held === 'number' ? held : 0) + 1;
    row.json = String(hits);
    return hits;
  }

  async take(key: string, burst: number, intervalMs: number, now: Millis): Promise<boolean> {
    const row = this.rows.get(key);
    // When the bucket is full again, had this hit been taken.
    const full = Math.max(row?.expiresAt ?? now, now) + intervalMs;
    const taken = full - now <= burst * intervalMs;
    this.rows.set(key, { json: String(taken), expiresAt: taken ? full : Math.max(row?.expiresAt ?? now, now) });
    return taken;
  }

  /** Removes what expired before `now`; how many. */
  purge(now: Millis): number {
    let removed = 0;
    for (const [key, row] of this.rows) {
      if (row.expiresAt <= now && this.rows.delete(key)) removed += 1;
    }
    return removed;
  }
}
