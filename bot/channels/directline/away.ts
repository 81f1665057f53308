/**
 * A web chat customer who closed the page while waiting for a person. Web
 * Chat sends nothing when a tab closes, and a reload must not count as
 * leaving, so: when the stream of a handed-off conversation closes, the
 * store's outbox gets an entry (topic `directline.away`); the sweep of any
 * instance takes it and, once the customer has not come back (no stream,
 * poll or message) for WEBCHAT_ABANDON_MINUTES, records them as left (a
 * contact still waiting is abandoned and leaves the queue). State is in the
 * store, so a customer who reconnects to another instance counts as back.
 */
import type { Conversations } from '../../engine/conversations';
import type { Store } from '../../engine/store';
import type { Logger } from '../../log';

export const AWAY_TOPIC = 'directline.away';
/** How long one sweep holds an entry it took (another instance takes it after). */
const LEASE_MS = 60_000;
/** How often a conversation's polls are noted, at most (a polling client asks every second). */
const POLL_NOTE_MS = 30_000;

/** Where the conversation's stream is, as every instance sees it. */
interface StreamNote {
  open: boolean;
  /** When it opened or closed, or the last poll (ms). */
  at: number;
}

export interface AwayOptions {
  store: Pick<Store, 'records' | 'outbox'>;
  conversations: Conversations;
  /** How long a customer may be gone before a waiting contact is abandoned. */
  abandonMs: number;
  /** How long a note is kept (the history's lifetime). */
  keepMs: number;
  /** When the customer last wrote (ms, 0 for never): read from the history. */
  lastWritten: (id: string) => Promise<number>;
  now: () => Date;
  log: Logger;
}

const streamKey = (id: string) => `directline:stream:${id}`;
const pollKey = (id: string) => `directline:poll:${id}`;

export class AwayWatch {
  private readonly polled = new Map<string, number>();

  constructor(private readonly opts: AwayOptions) {}

  /** A stream of the conversation opened (on this instance). */
  async opened(id: string): Promise<void> {
    await this.note(streamKey(id), { open: true, at: this.ms() });
  }

  /** A stream closed: if the conversation was handed off, the sweep looks at it once the time is up. */
  async closed(id: string): Promise<void> {
    const now = this.ms();
    await this.note(streamKey(id), { open: false, at: now });
    if ((await this.opts.conversations.howItEnded(`directline:${id}`)) !== 'handed_off') return;
    await this.opts.store.outbox.add(AWAY_TOPIC, id, '', now);
  }

  /** The client polled (no stream): noted now and then, so a polling customer is not gone. */
  async polledNow(id: string): Promise<void> {
    const now = this.ms();
    if (now - (this.polled.get(id) ?? 0) < POLL_NOTE_MS) return;
    if (this.polled.size > 10_000) this.polled.clear();
    this.polled.set(id, now);
    await this.note(pollKey(id), { open: false, at: now });
  }

  /** Records as left every customer gone for the time; returns how many. Runs on every instance, on a timer. */
  async sweep(): Promise<number> {
    const now = this.ms();
    const { outbox, records } = this.opts.store;
    let left = 0;
    for (const entry of await outbox.take(AWAY_TOPIC, now, LEASE_MS, 100)) {
      const stream = (await records.get(streamKey(entry.id), now)) as StreamNote | null;
      // Back with a stream: a later close makes a new entry.
      if (stream?.open) {
        await outbox.done(AWAY_TOPIC, entry.id);
        continue;
      }
      const poll = (await records.get(pollKey(entry.id), now)) as StreamNote | null;
      const seen = Math.max(stream?.at ?? 0, poll?.at ?? 0, await this.opts.lastWritten(entry.id));
      if (now - seen < this.opts.abandonMs) {
        await outbox.retryAt(AWAY_TOPIC, entry.id, entry.attempt, seen + this.opts.abandonMs);
        continue;
      }
      await this.opts.conversations.left(`directline:${entry.id}`);
      await outbox.done(AWAY_TOPIC, entry.id);
      left += 1;
    }
    if (left) this.opts.log.info('directline.customers_left', { count: left });
    return left;
  }

  private async note(key: string, value: StreamNote): Promise<void> {
    await this.opts.store.records.put(key, { ...value }, this.opts.keepMs, value.at);
  }

  private ms(): number {
    return this.opts.now().getTime();
  }
}
