/**
 * Who is at the desk now: an agent whose desk page holds its live event
 * stream (/api/desk/events) is present, in the store's keyed records,
 * renewed with every heartbeat and forgotten soon after their last stream
 * closes. Every instance sharing the store reads the same answer. At a
 * handoff the contact book asks whether anyone serving the queue is present,
 * so the bot never promises a five-minute wait to a queue nobody works.
 */
import type { KeyedRecords } from '../engine/store';

const KEY = 'desk-present:';

export class DeskPresence {
  /** Open streams per agent on this instance: a second tab closing does not make its agent absent. */
  private readonly streams = new Map<string, number>();

  constructor(
    private readonly records: KeyedRecords,
    private readonly now: () => Date,
    /** How long a mark lasts without a heartbeat: a few heartbeats, so one late beat changes nothing. */
    readonly ttlMs = 60_000,
  ) {}

  /** A stream of the agent opened. */
  async opened(agentId: string): Promise<void> {
    this.streams.set(agentId, (this.streams.get(agentId) ?? 0) + 1);
    await this.here(agentId);
  }

  /** The agent is still there (a heartbeat of an open stream). */
  async here(agentId: string): Promise<void> {
    await this.records.put(KEY + agentId, true, this.ttlMs, this.now().getTime());
  }

  /** A stream of the agent closed: absent at once when it was their last here. */
  async closed(agentId: string): Promise<void> {
    const left = (this.streams.get(agentId) ?? 1) - 1;
    if (left > 0) {
      this.streams.set(agentId, left);
      return;
    }
    this.streams.delete(agentId);
    await this.records.delete(KEY + agentId);
  }

  /** Whether any of these agents is present. */
  async anyPresent(agentIds: string[]): Promise<boolean> {
    const now = this.now().getTime();
    for (const id of agentIds) if ((await this.records.get(KEY + id, now)) !== null) return true;
    return false;
  }
}
