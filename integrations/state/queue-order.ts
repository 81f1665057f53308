/** The order contacts wait in, the same in every backend. */
import type { WaitingContact } from '../../bot/engine/store';

/** Highest priority first, then the longest waiting, then the first enqueued. */
export function byQueueOrder(a: WaitingContact & { seq: number }, b: WaitingContact & { seq: number }): number {
  return b.priority - a.priority || a.enqueuedAt.localeCompare(b.enqueuedAt) || a.seq - b.seq;
}
