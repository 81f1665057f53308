/**
 * What one message may cost, decided at the edge before a turn starts: a
 * visitor who pastes a book is answered like anyone else, and cannot make
 * the classifier, the state or the transcript carry it for everyone.
 */

/** The longest message text a turn sees by default, in characters (MESSAGE_MAX_CHARS); longer ones are cut. */
export const MAX_MESSAGE_CHARS = 1000;

/** The message as the engine sees it: at most `max` characters (MAX_MESSAGE_CHARS). */
export function cutMessage(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** A token bucket: `burst` messages at once, then `perMinute`. Kept on the conversation it limits. */
export interface Bucket {
  tokens: number;
  at: number;
}

export interface MessageRate {
  burst: number;
  perMinute: number;
}

/** MESSAGE_RATE_BURST and MESSAGE_RATE_PER_MINUTE by default. */
export const DEFAULT_MESSAGE_RATE: MessageRate = { burst: 20, perMinute: 30 };

/** Takes one message from the bucket (creating it full) at `nowMs` of the injected clock; false when the conversation must wait. */
export function takeMessage(holder: { bucket?: Bucket }, nowMs: number, rate: MessageRate = DEFAULT_MESSAGE_RATE): boolean {
  const b = (holder.bucket ??= { tokens: rate.burst, at: nowMs });
  b.tokens = Math.min(rate.burst, b.tokens + ((nowMs - b.at) / 60_000) * rate.perMinute);
  b.at = nowMs;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}
