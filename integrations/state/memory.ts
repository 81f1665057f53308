/**
 * In-memory conversation state and per-conversation lock: the embedded
 * default for one instance. Bounded: idle conversations expire and the
 * least recently used go first when the cap is reached.
 */
import { LRUCache } from 'lru-cache';
import type { ConversationLock, StateStore } from '../../bot/engine/ports';
import type { ConversationState } from '../../bot/engine/state';

export class MemoryStateStore implements StateStore {
  private readonly cache: LRUCache<string, string>;

  constructor(opts: { max?: number; ttlMs?: number } = {}) {
    this.cache = new LRUCache({ max: opts.max ?? 10_000, ttl: opts.ttlMs ?? 60 * 60_000 });
  }

  async load(conversationId: string): Promise<ConversationState | null> {
    const raw = this.cache.get(conversationId);
    // Stored as JSON so a caller can never mutate what is stored.
    return raw ? (JSON.parse(raw) as ConversationState) : null;
  }

  async save(state: ConversationState): Promise<void> {
    this.cache.set(state.conversationId, JSON.stringify(state));
  }
}

/** Runs the turns of one conversation one after another; other conversations run freely. */
export class MemoryLock implements ConversationLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.tails.set(conversationId, next);
    try {
      return await next;
    } finally {
      if (this.tails.get(conversationId) === next) this.tails.delete(conversationId);
    }
  }
}
