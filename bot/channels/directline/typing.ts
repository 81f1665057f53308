/**
 * The bot's typing indicator in Web Chat, as Bot Framework's
 * ShowTypingMiddleware sends it: only when an answer keeps the customer
 * waiting (after `delayMs`), then again every `periodMs` while it is worked
 * out (Web Chat hides a typing indicator after five seconds). A quick answer
 * comes without one: no flicker for the customer, and no history entry,
 * stream frame or write for the store on most turns.
 */
import type { Logger } from '../../log';

/** Before the first typing activity (ShowTypingMiddleware's default). */
export const TYPING_DELAY_MS = 500;
/** Between two while the answer is still being worked out. */
export const TYPING_PERIOD_MS = 3000;

export class TypingIndicator {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    /** Sends one typing activity. */
    private readonly send: () => Promise<unknown>,
    private readonly log: Logger,
    private readonly delayMs: number = TYPING_DELAY_MS,
    private readonly periodMs = TYPING_PERIOD_MS,
  ) {}

  /** Shows typing if the answer is not there within the delay (with none, at once); a second call changes nothing. */
  start(): void {
    if (this.timer || this.stopped) return;
    if (this.delayMs === 0) this.show();
    this.schedule(this.delayMs || this.periodMs);
  }

  /** The answer is there (or the turn failed): no typing from here on. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private show(): void {
    this.send().catch((err: unknown) => this.log.warn('directline.typing_failed', { error: (err as Error).name }));
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      this.show();
      this.schedule(this.periodMs);
    }, ms);
    this.timer.unref();
  }
}
