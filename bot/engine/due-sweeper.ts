/**
 * One consumer of a topic of the store's outbox (outbox.ts): takes the
 * entries that are due, with a lease (two instances never handle one entry
 * at once, and one that dies frees it when the lease runs out), hands each
 * to a handler, and marks it done or due again when the handler says. Once
 * started it looks every `intervalMs`, and at once when kicked; rounds never
 * overlap on one instance; `stop()` ends it for a shutdown. The outbox
 * senders (integrations/resilience/outbox-sender.ts), the desk's offer
 * deadlines (desk/offers.ts) and the desk's watch on gone web chat customers
 * (desk/away.ts) stand on it.
 */
import type { Outbox, OutboxEntry } from './outbox';
import type { Millis } from './store';

/**
 * What became of a due entry: finished with (removed; `counted` when it did
 * what the sweep counts: an offer ended, a customer left, a message sent),
 * or due again at `retryAt`.
 */
export type DueOutcome = { done: true; counted?: boolean } | { retryAt: Millis };

/** Finished with the entry (`counted`: it did what the sweep counts). */
export const finished = (counted = false): DueOutcome => ({ done: true, counted });
/** Due again at `at` (ms). */
export const dueAgain = (at: Millis): DueOutcome => ({ retryAt: at });

export interface DueSweeperOptions {
  outbox: Pick<Outbox, 'take' | 'done' | 'retryAt'>;
  topic: string;
  /** How long a taken entry is hidden from the other sweepers: longer than handling it can take. */
  leaseMs: number;
  /** The clock (ms). */
  now: () => Millis;
  /** Handles one due entry; `now` is when the round began. */
  handle: (entry: OutboxEntry, now: Millis) => Promise<DueOutcome>;
  /** How often a started sweeper looks for due entries. */
  intervalMs: number;
  /** Entries taken at once (default 100). */
  batch?: number;
  /** Entries one round looks at, at most: it takes batch after batch while they come full (default one batch). */
  perRound?: number;
  /** The entries of a batch are handled at once rather than one after another (a slow receiver must not hold the others up). */
  parallel?: boolean;
  /**
   * A round failed (the store, or a handler threw): told why, once for rounds failing in a row (a store that is
   * down fails every round); the entries not finished come back after their lease.
   */
  failed: (err: unknown) => void;
  /** A round went through after `rounds` failed ones in a row. */
  recovered?: (rounds: number) => void;
  /** A round counted `n` > 0 entries. */
  counted?: (n: number) => void;
}

export class DueSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  private again = false;
  /** Rounds failed in a row. */
  private failing = 0;

  constructor(private readonly opts: DueSweeperOptions) {}

  /** Looks for due entries every `intervalMs` from now on (the first look after one interval; `kick()` for one now). */
  start(): this {
    this.stopped = false;
    this.timer ??= setInterval(() => this.kick(), this.opts.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Stops looking and waits for the round under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Something was added: look now rather than at the next interval (never while stopped). */
  kick(): void {
    if (this.stopped) return;
    // An entry added during a round is looked at right after it.
    if (this.running) this.again = true;
    else void this.round();
  }

  /** Handles everything due now (after the round under way); resolves to how many entries it counted. */
  async sweep(): Promise<number> {
    // A round kicked as the one awaited ended may hold entries this one will not see (leased): wait for it too.
    while (this.running) await this.running;
    return this.round();
  }

  private round(): Promise<number> {
    const round: Promise<number> = this.due().finally(() => {
      if (this.running !== round) return;
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    this.running = round;
    return round;
  }

  private async due(): Promise<number> {
    const { outbox, topic, leaseMs } = this.opts;
    const batch = this.opts.batch ?? 100;
    const perRound = this.opts.perRound ?? batch;
    const now = this.opts.now();
    let counted = 0;
    try {
      for (let seen = 0; seen < perRound; ) {
        const entries = await outbox.take(topic, now, leaseMs, Math.min(batch, perRound - seen));
        const one = async (entry: OutboxEntry) => {
          if (await this.settle(entry, now)) counted += 1;
        };
        if (this.opts.parallel) {
          // Every entry's handling ends before the round does (stop() and sweep() wait for the round); then the first failure is the round's.
          const failure = (await Promise.allSettled(entries.map(one))).find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failure) throw failure.reason;
        } else for (const entry of entries) await one(entry);
        seen += entries.length;
        if (entries.length < batch) break;
      }
      if (this.failing > 0) this.opts.recovered?.(this.failing);
      this.failing = 0;
    } catch (err) {
      if (this.failing++ === 0) this.opts.failed(err);
    }
    if (counted) this.opts.counted?.(counted);
    return counted;
  }

  /** Handles one entry and records what became of it; true when it counted. */
  private async settle(entry: OutboxEntry, now: Millis): Promise<boolean> {
    const outcome = await this.opts.handle(entry, now);
    if ('retryAt' in outcome) {
      await this.opts.outbox.retryAt(this.opts.topic, entry.id, entry.attempt, outcome.retryAt);
      return false;
    }
    await this.opts.outbox.done(this.opts.topic, entry.id);
    return outcome.counted === true;
  }
}
