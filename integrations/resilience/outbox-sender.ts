/**
 * The sending half of the store's outbox (bot/engine/outbox.ts) for one
 * topic: takes what is due (with a lease, so two instances never send one
 * message at once), tries it, and marks it done or due again later with
 * exponential backoff; gives up after `maxAttempts` with an error in the log.
 * Runs after the turns that queued the messages, on any instance, also after
 * a restart: a DueSweeper (bot/engine/due-sweeper.ts) of the topic. The
 * handoff webhook and TaskRouter task creation stand on it.
 */
import { DueSweeper, dueAgain, finished, type DueOutcome } from '../../bot/engine/due-sweeper';
import type { Outbox, OutboxEntry } from '../../bot/engine/outbox';
import type { Clock } from '../../bot/engine/ports';
import type { Logger } from '../../bot/log';

/** One try: null when the receiver took it, else why not (a status, `timeout`, an error name: never a message). */
export type SendTry = (entry: OutboxEntry) => Promise<string | null>;

export interface OutboxSenderOptions {
  outbox: Outbox;
  topic: string;
  clock: Clock;
  log: Logger;
  /** Log events are `<name>.delivered`, `.retry`, `.gave_up`, `.outbox_failed`, with the entry's id as `idField`. */
  name: string;
  idField: string;
  /** Longer than one try can take (its timeout): no other sender takes a message while it is on its way. */
  leaseMs: number;
  send: SendTry;
  /** Said with `gave_up`: what the operator should check. */
  hint: string;
  /** The wait before the second try; it doubles after each failure, up to `maxDelayMs` (default 2 s, 10 min). */
  retryBaseMs?: number;
  maxDelayMs?: number;
  /** Tries before a message is given up (default 20: about two hours). */
  maxAttempts?: number;
  /** How often to look for due messages (default 1 s). */
  pollMs?: number;
}

export class OutboxSender {
  private readonly sweeper: DueSweeper;

  constructor(private readonly opts: OutboxSenderOptions) {
    this.sweeper = new DueSweeper({
      outbox: opts.outbox,
      topic: opts.topic,
      leaseMs: opts.leaseMs,
      now: () => opts.clock.now().getTime(),
      handle: (entry) => this.sendOne(entry),
      intervalMs: opts.pollMs ?? 1000,
      batch: 20,
      // One slow receiver must not hold up the other messages.
      parallel: true,
      failed: (err) => opts.log.warn(`${opts.name}.outbox_failed`, { error: (err as Error).name }),
      recovered: (rounds) => opts.log.info(`${opts.name}.outbox_recovered`, { failedRounds: rounds }),
    });
  }

  /** Starts looking for due messages (those left by an earlier run too). */
  start(): this {
    this.sweeper.start().kick();
    return this;
  }

  /** Stops and waits for the tries under way. */
  async stop(): Promise<void> {
    await this.sweeper.stop();
  }

  /** Sends everything due now (waiting for a round under way first); resolves when those tries ended. */
  async flush(): Promise<void> {
    await this.sweeper.sweep();
  }

  /** Something was queued: send it now rather than at the next poll (never while stopped). */
  kick(): void {
    this.sweeper.kick();
  }

  private async sendOne(entry: OutboxEntry): Promise<DueOutcome> {
    const { log, name } = this.opts;
    const fields = { [this.opts.idField]: entry.id, attempt: entry.attempt };
    const failure = await this.opts.send(entry).catch((err: unknown) => (err as Error).name || 'Error');
    if (failure === null) {
      log.info(`${name}.delivered`, fields);
      return finished(true);
    }
    if (entry.attempt >= (this.opts.maxAttempts ?? 20)) {
      log.error(`${name}.gave_up`, { ...fields, failure, hint: this.opts.hint });
      return finished();
    }
    const delayMs = Math.min((this.opts.retryBaseMs ?? 2000) * 2 ** (entry.attempt - 1), this.opts.maxDelayMs ?? 600_000);
    log.warn(`${name}.retry`, { ...fields, failure, delayMs });
    return dueAgain(this.opts.clock.now().getTime() + delayMs);
  }
}
