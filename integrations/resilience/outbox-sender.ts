/**
 * The sending half of the store's outbox (bot/engine/outbox.ts) for one
 * topic: takes what is due (with a lease, so two instances never send one
 * message at once), tries it, and marks it done or due again later with
 * exponential backoff; gives up after `maxAttempts` with an error in the log.
 * Runs after the turns that queued the messages, on any instance, also after
 * a restart. The handoff webhook and TaskRouter task creation stand on it.
 */
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private again = false;

  constructor(private readonly opts: OutboxSenderOptions) {}

  /** Starts looking for due messages (those left by an earlier run too). */
  start(): this {
    this.stopped = false;
    this.timer ??= setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    this.kick();
    return this;
  }

  /** Stops and waits for the tries under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Sends everything due now (waiting for a round under way first); resolves when those tries ended. */
  async flush(): Promise<void> {
    await this.running;
    await this.round();
  }

  /** Something was queued: send it now rather than at the next poll (never while stopped). */
  kick(): void {
    if (this.stopped) return;
    // A message queued during a round is sent right after it.
    if (this.running) this.again = true;
    else void this.round();
  }

  private round(): Promise<void> {
    const round: Promise<void> = this.sendDue().finally(() => {
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

  private async sendDue(): Promise<void> {
    try {
      const due = await this.opts.outbox.take(this.opts.topic, this.opts.clock.now().getTime(), this.opts.leaseMs, 20);
      await Promise.all(due.map((entry) => this.sendOne(entry)));
    } catch (err) {
      this.opts.log.warn(`${this.opts.name}.outbox_failed`, { error: (err as Error).name });
    }
  }

  private async sendOne(entry: OutboxEntry): Promise<void> {
    const { outbox, log, topic, name } = this.opts;
    const fields = { [this.opts.idField]: entry.id, attempt: entry.attempt };
    const failure = await this.opts.send(entry).catch((err: unknown) => (err as Error).name || 'Error');
    if (failure === null) {
      await outbox.done(topic, entry.id);
      log.info(`${name}.delivered`, fields);
      return;
    }
    if (entry.attempt >= (this.opts.maxAttempts ?? 20)) {
      await outbox.done(topic, entry.id);
      log.error(`${name}.gave_up`, { ...fields, failure, hint: this.opts.hint });
      return;
    }
    const delayMs = Math.min((this.opts.retryBaseMs ?? 2000) * 2 ** (entry.attempt - 1), this.opts.maxDelayMs ?? 600_000);
    await outbox.retryAt(topic, entry.id, entry.attempt, this.opts.clock.now().getTime() + delayMs);
    log.warn(`${name}.retry`, { ...fields, failure, delayMs });
  }
}
