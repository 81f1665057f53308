/**
 * Direct Line conversations held in memory: each keeps its activities in
 * order (the watermark is the index of the next one). Bounded: idle
 * conversations expire, the least recently used go first at the cap, and a
 * conversation keeps only its latest activities.
 */
import { LRUCache } from 'lru-cache';
import type { Activity } from '../activity';
import type { Bucket } from '../limits';

export interface DirectLineConversation {
  id: string;
  /** The user id of the token that started it. */
  user: string;
  /** Total activities ever added: the next watermark. */
  count: number;
  /** The latest activities; `count - activities.length` is the watermark of the first. */
  activities: Activity[];
  started: boolean;
  /** The messages it may still send now (rate limit). */
  bucket?: Bucket;
}

export interface ConversationLimits {
  maxConversations: number;
  idleMs: number;
  maxActivities: number;
}

export class DirectLineConversations {
  private readonly store: LRUCache<string, DirectLineConversation>;

  constructor(private readonly limits: ConversationLimits) {
    this.store = new LRUCache({ max: limits.maxConversations, ttl: limits.idleMs, updateAgeOnGet: true });
  }

  create(id: string, user: string): DirectLineConversation {
    const c: DirectLineConversation = { id, user, count: 0, activities: [], started: false };
    this.store.set(id, c);
    return c;
  }

  get(id: string): DirectLineConversation | undefined {
    return this.store.get(id);
  }

  get size(): number {
    return this.store.size;
  }

  /** Appends an activity, giving it its id and timestamp; returns the id. */
  add(c: DirectLineConversation, activity: Activity, now: Date): string {
    const id = `${c.id}|${String(c.count).padStart(7, '0')}`;
    c.activities.push({ ...activity, id, timestamp: now.toISOString(), conversation: { id: c.id }, channelId: 'directline' });
    c.count += 1;
    if (c.activities.length > this.limits.maxActivities) c.activities.splice(0, c.activities.length - this.limits.maxActivities);
    return id;
  }

  /** Activities from `watermark` on, and the new watermark. */
  since(c: DirectLineConversation, watermark: number): { activities: Activity[]; watermark: string } {
    const first = c.count - c.activities.length;
    const from = Math.max(0, watermark - first);
    return { activities: c.activities.slice(from), watermark: String(c.count) };
  }
}
