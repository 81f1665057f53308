/**
 * What one message may cost, decided at the edge before a turn starts: a
 * visitor who pastes a book is answered like anyone else, and cannot make
 * the classifier, the state or the transcript carry it for everyone.
 */
import type { KeyedRecords } from '../engine/store';

/** The longest message text a turn sees by default, in characters (MESSAGE_MAX_CHARS); longer ones are cut. */
export const MAX_MESSAGE_CHARS = 1000;

/** The message as the engine sees it: at most `max` characters (MAX_MESSAGE_CHARS). */
export function cutMessage(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length > max ? text.slice(0, max) : text;
}

export interface MessageRate {
  burst: number;
  perMinute: number;
}

/** MESSAGE_RATE_BURST and MESSAGE_RATE_PER_MINUTE by default. */
export const DEFAULT_MESSAGE_RATE: MessageRate = { burst: 20, perMinute: 30 };

/** Where the message budgets are kept: the store's token buckets, shared by every instance. */
export type MessageBuckets = Pick<KeyedRecords, 'take'>;

/**
 * Takes one message of `who` (a conversation, a texting number) at `nowMs` of the injected clock: false when it
 * must wait. The bucket is in the store, so a client spreading its messages over several instances gets one rate.
 */
export function takeMessage(buckets: MessageBuckets, who: string, nowMs: number, rate: MessageRate = DEFAULT_MESSAGE_RATE): Promise<boolean> {
  // Whole milliseconds between two messages (30 a minute: one every 2000 ms).
  return buckets.take(`rate:${who}`, rate.burst, Math.ceil(60_000 / rate.perMinute), nowMs);
}
