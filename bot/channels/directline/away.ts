/**
 * A web chat customer who closed the page while waiting for a person. Web
 * Chat sends nothing when a tab closes (nor does an instance killed with
 * kill -9), and a reload must not count as leaving, so: a conversation's
 * stream holds a short lease in the store (a note renewed while the stream
 * lives, on whichever instance holds it), and opening a stream puts an entry
 * in the store's outbox (topic `directline.away`). The sweep of any instance
 * takes the entry and, once no stream holds the lease and the customer has
 * not come back (no stream, poll or message) for WEBCHAT_ABANDON_MINUTES,
 * records them as left (a contact still waiting is abandoned and leaves the
 * queue). State is in the store, so a customer who reconnects to another
 * instance counts as back, and a holder that died stops counting once its
 * lease lapses.
 */
import { DueSweeper, dueAgain, finished, type DueOutcome } from '../../engine/due-sweeper';
import type { Conversations } from '../../engine/conversations';
import type { Store } from '../../engine/store';
import type { Logger } from '../../log';

export const AWAY_TOPIC = 'directline.away';
/** How long one sweep holds an entry it took (another instance takes it after). */
const LEASE_MS = 60_000;
/** How long a stream's note says "here" unless renewed: a killed holder's note lapses within it. */
export const STREAM_LEASE_MS = 45_000;
/** How often the instance holding a stream renews its note (well within the lease). */
export const STREAM_RENEW_MS = 15_000;
/** Entries one sweep looks at, at most (in batches of 100). */
const SWEEP_MAX = 1000;
/** How often a conversation's polls are noted, at most (a polling client asks every second). */
const POLL_NOTE_MS = 30_000;

/** Where the conversation's stream is, as every instance sees it. */
interface StreamNote {
  /** The newest stream of the conversation (its id), on whichever instance. */
  stream?: string;
  open: boolean;
  /** When it opened, was last renewed or closed, or the last poll (ms). */
  at: number;
  /** While open: when the lease lapses unless renewed. */
  until?: number;
}

/** Whether a stream holds the conversation now: open, and its lease not lapsed (a note without one lapses after a lease). */
const holds = (note: StreamNote | null, now: number): boolean => !!note?.open && (note.until ?? note.at + STREAM_LEASE_MS) > now;

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
  /** Looks at the conversations whose entries are due, on every instance: the channel starts it, and stops it with the server. */
  readonly sweeper: DueSweeper;
  private readonly polled = new Map<string, number>();

  constructor(private readonly opts: AwayOptions) {
    this.sweeper = new DueSweeper({
      outbox: opts.store.outbox,
      topic: AWAY_TOPIC,
      leaseMs: LEASE_MS,
      now: () => this.ms(),
      handle: (entry, now) => this.check(entry.id, now),
      // Often enough that a customer gone for the time leaves within a quarter of it more.
      intervalMs: Math.min(60_000, opts.abandonMs / 4),
      perRound: SWEEP_MAX,
      failed: (err) => opts.log.warn('directline.away_sweep_failed', { error: (err as Error).name }),
      counted: (count) => opts.log.info('directline.customers_left', { count }),
    });
  }

  /** A stream of the conversation opened (on this instance): it holds the lease, and the sweep will look at the conversation. */
  async opened(id: string, stream: string): Promise<void> {
    const now = this.ms();
    await this.note(streamKey(id), { stream, open: true, at: now, until: now + STREAM_LEASE_MS });
    await this.opts.store.outbox.add(AWAY_TOPIC, id, '', now);
  }

  /** The stream is still open: its lease runs on (the heartbeat, every STREAM_RENEW_MS). */
  async renewed(id: string, stream: string): Promise<void> {
    const now = this.ms();
    await this.note(streamKey(id), { stream, open: true, at: now, until: now + STREAM_LEASE_MS });
  }

  /** A stream closed: noted, unless a newer stream (on any instance) holds the conversation now. */
  async closed(id: string, stream: string): Promise<void> {
    const now = this.ms();
    const note = (await this.opts.store.records.get(streamKey(id), now)) as StreamNote | null;
    if (holds(note, now) && note?.stream !== undefined && note.stream !== stream) return;
    await this.note(streamKey(id), { stream, open: false, at: now });
    // The opening's entry is normally still there; should it be gone, one again if the customer waits for a person.
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

  /** Records as left every customer gone for the time; returns how many. Every instance runs it (`sweeper`, on a timer). */
  async sweep(): Promise<number> {
    return this.sweeper.sweep();
  }

  /** Looks at one conversation the sweep took: looks again later, lets it go, or records the customer as left (counted). */
  private async check(id: string, now: number): Promise<DueOutcome> {
    const { records } = this.opts.store;
    const stream = (await records.get(streamKey(id), now)) as StreamNote | null;
    // A stream holds it (here or on another instance): looked at again once its lease and the time could be up.
    if (stream && holds(stream, now)) return dueAgain((stream.until ?? now) + this.opts.abandonMs);
    const poll = (await records.get(pollKey(id), now)) as StreamNote | null;
    const seen = Math.max(stream?.at ?? 0, poll?.at ?? 0, await this.opts.lastWritten(id));
    if (now - seen < this.opts.abandonMs) return dueAgain(seen + this.opts.abandonMs);
    const waiting = (await this.opts.conversations.howItEnded(`directline:${id}`)) === 'handed_off';
    if (waiting) await this.opts.conversations.left(`directline:${id}`);
    return finished(waiting);
  }

  private async note(key: string, value: StreamNote): Promise<void> {
    await this.opts.store.records.put(key, { ...value }, this.opts.keepMs, value.at);
  }

  private ms(): number {
    return this.opts.now().getTime();
  }
}
