/**
 * The signed handoff webhook: every handoff object is POSTed as JSON to
 * HANDOFF_WEBHOOK_URL, signed with HANDOFF_WEBHOOK_SECRET
 * (`X-Frontline-Signature: sha256=<hex HMAC-SHA256 of the raw body>`).
 *
 * `deliver` only writes the handoff to the store's outbox and returns: the
 * customer's turn never waits for the receiver. A sender in the background
 * posts what is due, with a timeout, and on a failure tries again later
 * (exponential backoff), also after a restart or on another instance. The
 * receiver may see a message twice (at least once): `X-Frontline-Delivery`
 * carries the handoff id to dedupe on.
 */
import { createHmac } from 'node:crypto';
import type { Handoff } from '../../bot/engine/handoff-record';
import type { Outbox, OutboxEntry } from '../../bot/engine/outbox';
import { OutboxSender } from '../resilience/outbox-sender';
import type { Clock, HandoffReceipt, HandoffTarget } from '../../bot/engine/ports';
import type { Logger } from '../../bot/log';

/** The outbox topic of this receiver. */
export const WEBHOOK_TOPIC = 'handoff-webhook';

export interface WebhookSettings {
  url: string;
  secret: string;
  /** Give up on one try after this long (the try is then retried). */
  timeoutMs: number;
}

export interface WebhookOptions extends WebhookSettings {
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  /** The wait before the second try; it doubles after each failure, up to `maxDelayMs` (default 2 s, 10 min). */
  retryBaseMs?: number;
  maxDelayMs?: number;
  /** Tries before a message is given up, with an error in the log (default 20: about two hours). */
  maxAttempts?: number;
  /** How often the sender looks for due messages (default 1 s). */
  pollMs?: number;
  fetch?: typeof fetch;
}

/** `sha256=<hex>`: the signature of a raw body, as the receiver recomputes it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class HandoffWebhook implements HandoffTarget {
  private readonly sender: OutboxSender;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: WebhookOptions) {
    this.fetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.sender = new OutboxSender({
      ...opts,
      topic: WEBHOOK_TOPIC,
      name: 'handoff_webhook',
      idField: 'handoffId',
      // The lease outlasts a try's timeout: no other sender takes a message while it is on its way.
      leaseMs: opts.timeoutMs + 30_000,
      send: (entry) => this.post(entry),
      hint: 'check HANDOFF_WEBHOOK_URL and that the receiver answers 2xx',
    });
  }

  /** Queues the handoff for the receiver; sending happens after the turn. */
  async deliver(handoff: Handoff): Promise<HandoffReceipt> {
    await this.opts.outbox.add(WEBHOOK_TOPIC, handoff.id, JSON.stringify(handoff), this.opts.clock.now().getTime());
    this.sender.kick();
    return { queue: handoff.queue };
  }

  // No `update`: a late call's handoff went through `deliver` already, with the whole story.

  /** Starts looking for due messages (those left by an earlier run too). */
  start(): this {
    this.sender.start();
    return this;
  }

  /** Stops the sender and waits for the tries under way. */
  stop(): Promise<void> {
    return this.sender.stop();
  }

  /** Sends everything due now (waiting for a round under way first); resolves when those tries ended. */
  flush(): Promise<void> {
    return this.sender.flush();
  }

  /** One try: null when the receiver took it (2xx), else why not (a status, `timeout`, or an error name). */
  private async post(entry: OutboxEntry): Promise<string | null> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    try {
      const res = await this.fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Frontline-Signature': signature(this.opts.secret, entry.body),
          'X-Frontline-Delivery': entry.id,
          'X-Frontline-Attempt': String(entry.attempt),
        },
        body: entry.body,
        signal: controller.signal,
      });
      // The answer's body is not read (nor logged): free the connection.
      await res.body?.cancel().catch(() => undefined);
      return res.ok ? null : `status ${res.status}`;
    } catch (err) {
      return controller.signal.aborted ? 'timeout' : (err as Error).name;
    } finally {
      clearTimeout(timer);
    }
  }
}
