/**
 * How many times one may try to sign in at the desk, so that guessing is slow
 * and knowing an agent's id is not enough to lock them out (OWASP's
 * authentication cheat sheet; Azure AD's smart lockout keeps familiar and
 * unfamiliar locations apart the same way). Per window of 15 minutes:
 *
 * - per agent id *and* client address, strictly (5): guessing one agent's
 *   password from one place stops soon, and locks only that place;
 * - per agent id from addresses it never signed in from, a much higher
 *   ceiling (100): a guess spread over many addresses stops too, yet an
 *   address the agent signed in from before (familiar, for 30 days) is not
 *   held by it: the real agent still signs in at their own desk;
 * - per client address across ids (20): one place trying many ids. Agents
 *   signing in from where they signed in before are not counted, so a team
 *   behind one office address is not held by its own sign-ins.
 *
 * Every attempt counts, before the password is checked and whether or not
 * the id exists, and every limit answers alike: nothing says which one held,
 * or whether the id is an agent's. Counted in the store's records, so every
 * instance sharing the store counts as one.
 */
import { createHash } from 'node:crypto';
import type { KeyedRecords, Millis } from '../engine/store';

export interface SignInLimitOptions {
  /** Attempts per agent id from one address (default 5). */
  perPair?: number;
  /** Attempts per agent id from addresses it has not signed in from (default 100). */
  perAgent?: number;
  /** Attempts per address across agent ids (default 20). */
  perAddress?: number;
  /** The window (default 15 minutes). */
  windowMs?: number;
  /** How long an address stays familiar after the agent's last sign-in from it (default 30 days). */
  familiarMs?: number;
}

/** Which limit held an attempt (for the log only: the answer is the same). */
export type Limited = 'pair' | 'agent' | 'address';

/** Store keys carry a digest, not the address. */
const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('base64url');

export class SignInLimits {
  readonly windowMs: number;

  constructor(
    private readonly records: KeyedRecords,
    private readonly opts: SignInLimitOptions = {},
  ) {
    this.windowMs = opts.windowMs ?? 15 * 60_000;
  }

  /** Counts an attempt of `agentId` from `address`; null when it may go on, else the limit it is over. */
  async take(agentId: string, address: string, now: Millis): Promise<Limited | null> {
    const familiar = (await this.records.get(this.familiarKey(agentId, address), now)) !== null;
    const [pair, agent, place] = await Promise.all([
      this.records.count(this.pairKey(agentId, address), this.windowMs, now),
      // From a familiar address only its own limit applies: attempts from elsewhere do not hold it.
      familiar ? Promise.resolve(0) : this.records.count(`desk-sign-in:agent:${digest(agentId)}`, this.windowMs, now),
      familiar ? Promise.resolve(0) : this.records.count(`desk-sign-in:address:${digest(address)}`, this.windowMs, now),
    ]);
    if (pair > (this.opts.perPair ?? 5)) return 'pair';
    if (place > (this.opts.perAddress ?? 20)) return 'address';
    if (agent > (this.opts.perAgent ?? 100)) return 'agent';
    return null;
  }

  /** Signed in: this address is familiar for the agent, and its own count starts again. */
  async signedIn(agentId: string, address: string, now: Millis): Promise<void> {
    await this.records.put(this.familiarKey(agentId, address), true, this.opts.familiarMs ?? 30 * 24 * 3600_000, now);
    await this.records.delete(this.pairKey(agentId, address));
  }

  private pairKey(agentId: string, address: string): string {
    return `desk-sign-in:pair:${digest(agentId, address)}`;
  }

  private familiarKey(agentId: string, address: string): string {
    return `desk-sign-in:familiar:${digest(agentId, address)}`;
  }
}
