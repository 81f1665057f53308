/**
 * Transfers offered to one agent (a Flex reservation): how an offer ends
 * when the agent does not accept it. Declined, unanswered within
 * DESK_OFFER_SECONDS, or its agent signed out (or their session ended), the
 * contact waits in its queue again at its old place and priority, with a
 * note why, and a `transfer_declined` outcome.
 *
 * The deadline is durable: each offer puts an entry in the store's outbox
 * (topic `desk.offer`), due when the offer lapses or the agent's session
 * ends, whichever comes first. Every instance sweeps the topic; the outbox's
 * lease gives each entry to one of them, so an offer lapses on time after a
 * restart, and on any instance, whether or not the named agent looks.
 */
import { DueSweeper, dueAgain, finished, type DueOutcome } from '../engine/due-sweeper';
import type { OutboxEntry } from '../engine/outbox';
import type { Clock } from '../engine/ports';
import { StaleWriteError, type ContactRecord, type Millis } from '../engine/store';
import type { Logger } from '../log';
import { summaryOf, type ContactBook } from './contacts';
import type { Agent, ContactSummary, DeskRefusal, DeskResult } from './desk';

export const OFFER_TOPIC = 'desk.offer';
/** How long one sweep holds an entry it took (another instance takes it after). */
const LEASE_MS = 30_000;
/** How often each instance looks for offers that are due (an offer lasts DESK_OFFER_SECONDS, at least 5 s). */
const OFFER_SWEEP_MS = 1000;

/** Why an offer ended without an accept (the outcome's `why`). */
export type OfferEnd = 'declined' | 'unanswered' | 'signed_out';

export interface OffersOptions {
  book: ContactBook;
  clock: Clock;
  /** How long an agent has to accept (DESK_OFFER_SECONDS). */
  offerMs: number;
  /** When the agent's desk session ends (ms), null when not signed in; undefined: sessions not known (always signed in). */
  signedInUntil?: (agentId: string, now: Millis) => Promise<Millis | null>;
  label: (queue: string) => string;
  /** Where a failed sweep is said. */
  log?: Logger;
}

const refuse = (reason: DeskRefusal) => ({ ok: false as const, reason });

export class Offers {
  /** Ends the offers that are due, on every instance: the desk's routes start it, and stop it with the server. */
  readonly sweeper: DueSweeper;

  constructor(private readonly opts: OffersOptions) {
    this.sweeper = new DueSweeper({
      outbox: opts.book.store.outbox,
      topic: OFFER_TOPIC,
      leaseMs: LEASE_MS,
      now: () => this.ms(),
      handle: (entry) => this.check(entry),
      intervalMs: OFFER_SWEEP_MS,
      failed: (err) => opts.log?.warn('desk.offer_sweep_failed', { error: (err as Error).name }),
      recovered: (rounds) => opts.log?.info('desk.offer_sweep_recovered', { failedRounds: rounds }),
    });
  }

  /** A contact was just offered: its deadline goes in the outbox. */
  async offered(record: ContactRecord): Promise<void> {
    if (!record.offer || !record.agent) return;
    const due = await this.dueAt(record, record.agent.id);
    await this.store.outbox.add(OFFER_TOPIC, entryId(record), record.id, typeof due === 'number' ? due : this.ms());
  }

  /** Back in its queue at once, with a note why. */
  async decline(record: ContactRecord, version: number, agentName: string, why: string, end: OfferEnd): Promise<DeskResult<ContactSummary>> {
    const at = this.now();
    const offered = record.agent!;
    const from = record.offer?.from ?? null;
    const back: ContactRecord = { ...record, status: 'waiting', agent: from, offer: null, notes: [...record.notes, { at, agentName, text: why }], updatedAt: at };
    try {
      await this.store.contacts.save(back, version);
    } catch (err) {
      if (err instanceof StaleWriteError) return refuse('not_yours');
      throw err;
    }
    const label = this.opts.label(record.queue);
    await this.store.waiting.enqueue({ ...record.handoff, queue: record.queue, queueLabel: label, priority: record.priority, createdAt: record.enqueuedAt });
    await this.book.outcome(back, 'transfer_declined', { agentId: offered.id, offeredBy: from?.id ?? null, why: end });
    await this.book.announce(back, [], [offered.id, ...(from ? [from.id] : [])]);
    return { ok: true, value: summaryOf(back) };
  }

  /** The agent signed out: every contact offered to them goes back to its queue. */
  async signedOut(agent: Agent): Promise<number> {
    let declined = 0;
    for (const record of await this.store.contacts.heldBy(agent.id)) if (await this.end(record.id, true)) declined += 1;
    return declined;
  }

  /** Ends the contact's offer if it lapsed or its agent is gone; true when it did. */
  async lapseIfDue(contactId: string): Promise<boolean> {
    return this.end(contactId, false);
  }

  /** One offer's entry is due: its offer is over, ends now, or is looked at again when it could end. */
  private async check(entry: OutboxEntry): Promise<DueOutcome> {
    const found = await this.store.contacts.load(entry.body);
    // Accepted, declined or offered again since: this entry's offer is over (a new one has its own).
    if (!found?.record.offer || !found.record.agent || entryId(found.record) !== entry.id) return finished();
    if (await this.end(entry.body, false)) return finished(true);
    const due = await this.dueAt(found.record, found.record.agent.id);
    // Not due yet (a later session): looked at again when it is. Due but not ended (the contact changed
    // meanwhile): looked at again once the lease is over, as an entry nobody settled.
    return dueAgain(typeof due === 'number' ? due : this.ms() + LEASE_MS);
  }

  private async end(contactId: string, signedOut: boolean): Promise<boolean> {
    const found = await this.store.contacts.load(contactId);
    const record = found?.record;
    if (!found || !record || record.status !== 'with_agent' || !record.offer || !record.agent) return false;
    const due = signedOut ? 'signed_out' : await this.dueAt(record, record.agent.id);
    if (typeof due === 'number') return false;
    const name = record.agent.name;
    const why = due === 'signed_out' ? 'Signed out before answering the transfer' : `Did not answer the transfer within ${Math.round(this.opts.offerMs / 1000)} s`;
    return (await this.decline(record, found.version, name, why, due)).ok;
  }

  /** When the offer must end (ms), or why it must end now. */
  private async dueAt(record: ContactRecord, agentId: string): Promise<Millis | OfferEnd> {
    const now = this.ms();
    const deadline = Date.parse(record.offer!.at) + this.opts.offerMs;
    const until = this.opts.signedInUntil ? await this.opts.signedInUntil(agentId, now) : Infinity;
    if (until === null || until <= now) return 'signed_out';
    if (deadline <= now) return 'unanswered';
    return Math.min(deadline, until);
  }

  private get book(): ContactBook {
    return this.opts.book;
  }

  private get store() {
    return this.opts.book.store;
  }

  private ms(): Millis {
    return this.opts.clock.now().getTime();
  }

  private now(): string {
    return this.opts.clock.now().toISOString();
  }
}

/** One entry per offer: a contact offered again gets a new one. */
function entryId(record: ContactRecord): string {
  return `${record.id}@${record.offer!.at}`;
}
