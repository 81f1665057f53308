/** A small fixed-window rate limit per client address, bounded in memory. */
import { LRUCache } from 'lru-cache';

export class RateLimit {
  private readonly windows: LRUCache<string, { count: number }>;

  constructor(
    private readonly limit: number,
    windowMs: number,
  ) {
    this.windows = new LRUCache({ max: 50_000, ttl: windowMs, ttlAutopurge: false });
  }

  /** Whether `key` may do one more now. */
  allow(key: string): boolean {
    const w = this.windows.get(key);
    if (!w) {
      this.windows.set(key, { count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.limit;
  }
}
