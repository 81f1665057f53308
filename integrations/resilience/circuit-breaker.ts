/**
 * A small circuit breaker for an outside service. After `failures` failures
 * in a row it opens: calls fail at once with {@link CircuitOpenError} instead
 * of waiting for a service that is down. After `cooldownMs` one trial call
 * goes through (half open): success closes the breaker, failure opens it for
 * another cooldown. Time comes from `now`, so tests move it by hand.
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** The service, for errors and logs (`ci`, `taskrouter`, `sms`). */
  name: string;
  /** Failures in a row that open the breaker (default 5). */
  failures?: number;
  /** How long it stays open before a trial call (default 30 s). */
  cooldownMs?: number;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
  /** Told on every change of state, for the operator's log. */
  onChange?: (state: BreakerState, name: string) => void;
}

/** The breaker is open: the call was not made. */
export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor(
    readonly service: string,
    /** When a trial call will be let through, in ms from now. */
    readonly retryInMs: number,
  ) {
    super(`${service} is failing: calls are paused for another ${Math.ceil(retryInMs / 1000)} s`);
  }
}

export class CircuitBreaker {
  private inRow = 0;
  private openedAt: number | null = null;
  private trialRunning = false;
  private readonly limit: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: CircuitBreakerOptions) {
    this.limit = opts.failures ?? 5;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half_open' : 'open';
  }

  /**
   * Runs `work` unless the breaker is open. `counts` says which errors are the
   * service failing (default: all); others (a 404, a refused value) pass through
   * and count as an answer.
   */
  async run<T>(work: () => Promise<T>, counts: (err: unknown) => boolean = () => true): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half_open' && this.trialRunning))
      throw new CircuitOpenError(this.opts.name, Math.max(0, (this.openedAt ?? 0) + this.cooldownMs - this.now()));
    const trial = state === 'half_open';
    if (trial) {
      this.trialRunning = true;
      this.opts.onChange?.('half_open', this.opts.name);
    }
    try {
      const result = await work();
      this.succeeded();
      return result;
    } catch (err) {
      if (counts(err)) this.failed(trial);
      else this.succeeded();
      throw err;
    } finally {
      if (trial) this.trialRunning = false;
    }
  }

  private succeeded(): void {
    const wasOpen = this.openedAt !== null;
    this.inRow = 0;
    this.openedAt = null;
    if (wasOpen) this.opts.onChange?.('closed', this.opts.name);
  }

  private failed(trial: boolean): void {
    this.inRow += 1;
    if (trial || (this.openedAt === null && this.inRow >= this.limit)) {
      this.openedAt = this.now();
      this.opts.onChange?.('open', this.opts.name);
    }
  }
}
