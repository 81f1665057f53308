/**
 * The embedded agent queue: keeps waiting contacts per queue in memory,
 * highest priority first, then oldest first. `GET /api/queues` lists it for
 * local development; the agent desk builds on it.
 */
import type { Handoff } from '../../bot/engine/handoff';
import type { HandoffReceipt, HandoffTarget } from '../../bot/engine/ports';

/** A queue as the routing rules describe it. */
export interface QueueInfo {
  label: string;
  expected_wait_minutes?: number | undefined;
}

export interface QueueView {
  queue: string;
  label: string;
  waiting: Handoff[];
}

export class EmbeddedQueue implements HandoffTarget {
  private readonly waiting = new Map<string, Handoff[]>();

  constructor(
    /** The content's queues (read on every call: content may be reloaded). */
    private readonly queues: () => Record<string, QueueInfo>,
    private readonly maxPerQueue = 1000,
  ) {}

  async deliver(handoff: Handoff): Promise<HandoffReceipt> {
    const list = this.waiting.get(handoff.queue) ?? [];
    // A conversation waits once; a second handoff replaces the first.
    const kept = list.filter((h) => h.conversationId !== handoff.conversationId);
    kept.push(handoff);
    kept.sort((a, b) => b.priority - a.priority || a.createdAt.localeCompare(b.createdAt));
    if (kept.length > this.maxPerQueue) kept.length = this.maxPerQueue;
    this.waiting.set(handoff.queue, kept);
    const position = kept.findIndex((h) => h.id === handoff.id) + 1;
    const minutes = this.queues()[handoff.queue]?.expected_wait_minutes;
    return {
      queue: handoff.queue,
      position,
      ...(minutes !== undefined ? { expectedWaitSeconds: minutes * 60 } : {}),
    };
  }

  /** Every queue of the content, with who is waiting. */
  list(): QueueView[] {
    return Object.entries(this.queues()).map(([queue, info]) => ({
      queue,
      label: info.label,
      waiting: [...(this.waiting.get(queue) ?? [])],
    }));
  }

  /** An agent takes the next contact of a queue. */
  take(queue: string): Handoff | null {
    return this.waiting.get(queue)?.shift() ?? null;
  }
}
