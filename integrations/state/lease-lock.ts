/**
 * The conversation lock across instances: a lease in the store, renewed
 * while a long turn runs, released only by its holder. Turns of one
 * conversation on this instance queue in memory first, so only one of them
 * asks the store at a time.
 */
import type { Clock, ConversationLock } from '../../bot/engine/ports';
import type { Lease, Leases } from '../../bot/engine/store';
import { MemoryLock } from './memory';

export interface LeaseLockOptions {
  /** How long a lease lasts unless renewed: an instance that dies frees its conversations after this. */
  ttlMs: number;
  /** Pause between two tries while another instance holds the conversation. */
  retryMs: number;
  /** Tries before giving up. */
  maxTries: number;
}

/** Another instance held the conversation for longer than a turn may wait. */
export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
  readonly hint = 'another instance held this conversation for longer than its lease allows: is one stuck, or are clocks apart?';
}

const defaults: LeaseLockOptions = { ttlMs: 30_000, retryMs: 20, maxTries: 1000 };

export class LeaseLock implements ConversationLock {
  private readonly local = new MemoryLock();
  private readonly options: LeaseLockOptions;

  constructor(
    private readonly leases: Leases,
    private readonly clock: Clock,
    options: Partial<LeaseLockOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  async run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(conversationId, async () => {
      const lease = await this.acquire(conversationId);
      const { ttlMs } = this.options;
      // A lost renewal is not fatal here: the turn's save then meets a newer version and redoes.
      const renewal = setInterval(() => void this.leases.renew(lease, ttlMs, this.now()).catch(() => false), ttlMs / 3);
      renewal.unref();
      try {
        return await work();
      } finally {
        clearInterval(renewal);
        await this.leases.release(lease).catch(() => false);
      }
    });
  }

  private async acquire(conversationId: string): Promise<Lease> {
    for (let tries = 0; tries < this.options.maxTries; tries++) {
      const lease = await this.leases.acquire(conversationId, this.options.ttlMs, this.now());
      if (lease) return lease;
      await new Promise((resolve) => setTimeout(resolve, this.options.retryMs));
    }
    throw new LockTimeoutError(`conversation ${conversationId} stayed locked`);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
