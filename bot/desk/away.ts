/**
 * A customer who closed the page while waiting for a person. Web Chat sends
 * nothing when a tab closes (nor does an instance killed with kill -9), and a
 * reload must not count as leaving, so: a conversation's stream holds a
 * short lease in the store (a note renewed while the stream lives, on
 * whichever instance holds it), and opening a stream or polling puts an
 * entry in the store's outbox (topic `<channel>.away`). The sweep of any instance takes
 * the entry and, once no stream holds the lease and the customer has not
 * come back (no stream, poll or message) for WEBCHAT_ABANDON_MINUTES, records
 * them as left (a contact still waiting is abandoned and leaves the queue).
 * State is in the store, so a customer who reconnects to another instance
 * counts as back, and a holder that died stops counting once its lease
 * (WEBCHAT_STREAM_LEASE_SECONDS) lapses. Channels only report
 * (bot/engine/customer-streams.ts).
 */
import type { Conversations } from '../engine/conversations';
import type { CustomerStreams, WatchedChannel } from '../engine/customer-streams';
import { DueSweeper, dueAgain, finished, type DueOutcome } from '../engine/due-sweeper';
import type { Clock } from '../engine/ports';
import type { Store } from '../engine/store';
import type { Logger } from '../log';

/** How long one sweep holds an entry it took (another instance takes it after). */
const LEASE_MS = 60_000;
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

export interface AwayOptions {
  store: Pick<Store, 'records' | 'outbox'>;
  conversations: Pick<Conversations, 'howItEnded' | 'left'>;
  /** How long a customer may be gone before a waiting contact is abandoned (WEBCHAT_ABANDON_MINUTES). */
  abandonMs: number;
  /** How long a stream's note says "here" unless renewed (WEBCHAT_STREAM_LEASE_SECONDS); renewed every third of it. */
  streamLeaseMs: number;
  /** How long a note is kept (the history's lifetime). */
  keepMs: number;
  clock: Clock;
  log: Logger;
}

/** The desk's watch on customers who may go without a word, for every channel that asks. */
export class AwayWatch implements CustomerStreams {
  constructor(private readonly opts: AwayOptions) {}

  watch(channel: string, lastWritten: (id: string) => Promise<number>): WatchedChannel {
    return new ChannelAway(channel, lastWritten, this.opts);
  }
}

/** One channel's notes (`<channel>:stream:<id>`, `<channel>:poll:<id>`) and its sweep. */
class ChannelAway implements WatchedChannel {
  readonly renewMs: number;
  /** Looks at the conversations whose entries are due, on every instance (the channel starts and stops it). */
  private readonly sweeper: DueSweeper;
  private readonly polledAt = new Map<string, number>();
  /** Reports (stream opened, renewed, closed; polls) still being written: `stop()` waits for them. */
  private readonly reporting = new Set<Promise<void>>();
  private readonly topic: string;

  constructor(
    private readonly channel: string,
    private readonly lastWritten: (id: string) => Promise<number>,
    private readonly opts: AwayOptions,
  ) {
    // Well within the lease: two renewals may fail before a live stream stops counting.
    this.renewMs = Math.floor(opts.streamLeaseMs / 3);
    this.topic = `${channel}.away`;
    this.sweeper = new DueSweeper({
      outbox: opts.store.outbox,
      topic: this.topic,
      leaseMs: LEASE_MS,
      now: () => this.ms(),
      handle: (entry, now) => this.check(entry.id, now),
      // Often enough that a customer gone for the time leaves within a quarter of it more.
      intervalMs: Math.min(60_000, opts.abandonMs / 4),
      perRound: SWEEP_MAX,
      failed: (err) => opts.log.warn(`${channel}.away_sweep_failed`, { error: (err as Error).name }),
      recovered: (rounds) => opts.log.info(`${channel}.away_sweep_recovered`, { failedRounds: rounds }),
      counted: (count) => opts.log.info(`${channel}.customers_left`, { count }),
    });
  }

  /** A stream opened (on this instance): it holds the lease, and the sweep will look at the conversation. */
  opened(id: string, stream: string): Promise<void> {
    return this.track(async () => {
      const now = this.ms();
      await this.note(this.streamKey(id), { stream, open: true, at: now, until: now + this.opts.streamLeaseMs });
      await this.opts.store.outbox.add(this.topic, id, '', now);
    });
  }

  /** The stream is still open: its lease runs on. */
  renewed(id: string, stream: string): Promise<void> {
    return this.track(async () => {
      const now = this.ms();
      await this.note(this.streamKey(id), { stream, open: true, at: now, until: now + this.opts.streamLeaseMs });
    });
  }

  /** A stream closed: noted, unless a newer stream (on any instance) holds the conversation now. */
  closed(id: string, stream: string): Promise<void> {
    return this.track(() => this.noteClosed(id, stream));
  }

  private async noteClosed(id: string, stream: string): Promise<void> {
    const now = this.ms();
    const note = (await this.opts.store.records.get(this.streamKey(id), now)) as StreamNote | null;
    if (this.holds(note, now) && note?.stream !== undefined && note.stream !== stream) return;
    await this.note(this.streamKey(id), { stream, open: false, at: now });
    // The opening's entry is normally still there; should it be gone, one again if the customer waits for a person.
    if ((await this.opts.conversations.howItEnded(`${this.channel}:${id}`)) !== 'handed_off') return;
    await this.opts.store.outbox.add(this.topic, id, '', now);
  }

  /**
   * The client polled (no stream): noted now and then, so a polling customer is not gone; and the sweep
   * looks at the conversation, so one who stops polling leaves too (a client that never opens a stream
   * was never looked at, and waited in the queue for ever).
   */
  polled(id: string): Promise<void> {
    const now = this.ms();
    if (now - (this.polledAt.get(id) ?? 0) < POLL_NOTE_MS) return Promise.resolve();
    if (this.polledAt.size > 10_000) this.polledAt.clear();
    this.polledAt.set(id, now);
    return this.track(async () => {
      await this.note(`${this.channel}:poll:${id}`, { open: false, at: now });
      await this.opts.store.outbox.add(this.topic, id, '', now);
    });
  }

  /** Records as left every customer gone for the time; returns how many. */
  sweep(): Promise<number> {
    return this.sweeper.sweep();
  }

  start(): void {
    this.sweeper.start();
  }

  /** Stops the sweep and waits for its round and for the reports being written: then the store may close. */
  async stop(): Promise<void> {
    await this.sweeper.stop();
    await Promise.allSettled([...this.reporting]);
  }

  /** Runs a report, kept in `reporting` until it settles. */
  private track(work: () => Promise<void>): Promise<void> {
    const report = work();
    this.reporting.add(report);
    const done = () => this.reporting.delete(report);
    report.then(done, done);
    return report;
  }

  /** Looks at one conversation the sweep took: looks again later, lets it go, or records the customer as left (counted). */
  private async check(id: string, now: number): Promise<DueOutcome> {
    const { records } = this.opts.store;
    const stream = (await records.get(this.streamKey(id), now)) as StreamNote | null;
    // A stream holds it (here or on another instance): looked at again once its lease and the time could be up.
    if (stream && this.holds(stream, now)) return dueAgain((stream.until ?? now) + this.opts.abandonMs);
    const poll = (await records.get(`${this.channel}:poll:${id}`, now)) as StreamNote | null;
    const seen = Math.max(stream?.at ?? 0, poll?.at ?? 0, await this.lastWritten(id));
    if (now - seen < this.opts.abandonMs) return dueAgain(seen + this.opts.abandonMs);
    const conversationId = `${this.channel}:${id}`;
    const waiting = (await this.opts.conversations.howItEnded(conversationId)) === 'handed_off';
    if (waiting) await this.opts.conversations.left(conversationId);
    return finished(waiting);
  }

  /** Whether a stream holds the conversation now: open, and its lease not lapsed (a note without one lapses after a lease). */
  private holds(note: StreamNote | null, now: number): boolean {
    return !!note?.open && (note.until ?? note.at + this.opts.streamLeaseMs) > now;
  }

  private streamKey(id: string): string {
    return `${this.channel}:stream:${id}`;
  }

  private async note(key: string, value: StreamNote): Promise<void> {
    await this.opts.store.records.put(key, { ...value }, this.opts.keepMs, value.at);
  }

  private ms(): number {
    return this.opts.clock.now().getTime();
  }
}
