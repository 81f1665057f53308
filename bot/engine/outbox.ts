/**
 * The outbox: messages to outside systems (the handoff webhook) written to
 * the store first and sent afterwards, so a slow or failing receiver never
 * holds up a customer and a restart loses nothing. Entries are grouped by
 * topic (one per receiver); each backend of the Store implements it and
 * passes `test/integrations/store-contract-outbox.test.ts`.
 *
 * Delivery is at least once: a sender that dies after the receiver took a
 * message but before `done` sends it again. Receivers dedupe on the id.
 */
import type { Millis } from './store';

/** One message waiting to leave: the exact body, so every try sends (and signs) the same bytes. */
export interface OutboxEntry {
  id: string;
  body: string;
  /** Tries so far, this one included (1 on the first). */
  attempt: number;
  /** When it was added. */
  createdAt: Millis;
}

export interface Outbox {
  /** Adds a message due at `now`; false (and nothing changes) when the id is there already. */
  add(topic: string, id: string, body: string, now: Millis): Promise<boolean>;
  /**
   * Takes up to `limit` messages due at `now`, the longest due first, and
   * hides each for `leaseMs` while it is being sent: two senders (instances)
   * never take one at once, and a sender that dies frees it when the lease
   * runs out. Every take counts a try.
   */
  take(topic: string, now: Millis, leaseMs: number, limit: number): Promise<OutboxEntry[]>;
  /** Sent (or given up): removes it; false when it was gone. */
  done(topic: string, id: string): Promise<boolean>;
  /**
   * Not sent: due again at `dueAt`. Only the holder of try `attempt` may say
   * so (false, and nothing changes, once another sender took it again).
   */
  retryAt(topic: string, id: string, attempt: number, dueAt: Millis): Promise<boolean>;
  /** How many messages wait in a topic, due or not. */
  size(topic: string): Promise<number>;
}
