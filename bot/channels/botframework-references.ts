/**
 * Bot Framework conversation references (where to write to a conversation
 * later: serviceUrl, ids, the bot's account), kept in the store so an agent
 * on any instance, or after a restart, can write into the conversation.
 * The store's histories are append-only: each changed reference is appended
 * and the latest wins; this process caches the latest few (bounded).
 */
import { LRUCache } from 'lru-cache';
import type { Json, Store } from '../engine/store';

/** A position beyond any history: reading from it returns only the count. */
const END = 2 ** 31;

export class StoredReferences<Reference extends object> {
  private readonly cache = new LRUCache<string, string>({ max: 10_000 });

  constructor(
    private readonly store: Pick<Store, 'histories'>,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Keeps the conversation's latest reference; writes to the store only when it changed. */
  async remember(conversationId: string, reference: Reference): Promise<void> {
    const json = JSON.stringify(reference);
    if (this.cache.get(conversationId) === json) return;
    await this.store.histories.append(key(conversationId), JSON.parse(json) as Json, this.ttlMs, this.now());
    this.cache.set(conversationId, json);
  }

  /** The latest reference of the conversation, from this process or the store; null when none is kept. */
  async latest(conversationId: string): Promise<Reference | null> {
    const cached = this.cache.get(conversationId);
    if (cached) return JSON.parse(cached) as Reference;
    const { watermark } = await this.store.histories.since(key(conversationId), END, this.now(), 1);
    if (watermark === 0) return null;
    const [entry] = (await this.store.histories.since(key(conversationId), watermark - 1, this.now(), 1)).entries;
    return entry ? (entry.item as unknown as Reference) : null;
  }
}

const key = (conversationId: string) => `reference:${conversationId}`;
