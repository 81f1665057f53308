/**
 * The agent desk on the store: what `bot/desk/desk.ts` promises, for every
 * instance at once. Contacts live in the ContactBook (records, the waiting
 * queue, what was written since the handoff); what the customer sees goes
 * through the outbound port; what the conversation remembers goes through
 * the engine (`takeover`), so the bot stays silent while an agent holds it
 * and answers again, without replaying anything, once handed back.
 */
import type { DueSweeper } from '../engine/due-sweeper';
import type { Clock } from '../engine/ports';
import type { Millis } from '../engine/store';
import type { OutboundMessage, OutboundResult } from '../engine/outbound';
import { redact } from '../engine/redact';
import { StaleWriteError, type ContactRecord, type WaitingContact } from '../engine/store';
import type { TakeoverChange } from '../engine/takeover';
import type { Reply } from '../engine/turn';
import type { Channel } from '../engine/state';
import type { Logger } from '../log';
import { summaryOf, withSince, type ContactBook, type QueueInfo } from './contacts';
import { Offers } from './offers';
import type { Agent, ContactSummary, Desk, DeskContact, DeskEvent, DeskMessage, DeskNote, DeskRefusal, DeskResult, QueueList, TransferTarget } from './desk';

/** The longest message an agent may send, in characters. */
const MAX_AGENT_TEXT = 4000;

export interface DeskServiceOptions {
  book: ContactBook;
  /** Writes into the customer's conversation (Direct Line, Bot Framework). */
  outbound: { send(conversationId: string, message: OutboundMessage): Promise<OutboundResult | 'no_channel'> };
  /** The engine's side of a takeover: what the conversation remembers and what the bot says (Engine.takeover). */
  takeover(conversationId: string, channel: Channel, contactId: string, change: TakeoverChange): Promise<Reply[]>;
  /** The content's queues and disposition codes (read on every call: content may be reloaded). */
  queues: () => Record<string, QueueInfo>;
  dispositions: () => { code: string; label: string }[];
  /** An agent by id, for a transfer to one agent (the desk's sign-in knows them). */
  agentById?: (id: string) => Agent | null;
  /** How long an agent has to accept a contact offered to them before it waits in its queue again (default 60 s). */
  offerMs?: number;
  /** When an agent's desk session ends, null when not signed in (sessions.ts): an offer to them ends then. */
  signedInUntil?: (agentId: string, now: Millis) => Promise<Millis | null>;
  clock: Clock;
  /** Where a failed offer sweep is said. */
  log?: Logger;
}

type Found = { record: ContactRecord; version: number };
const refuse = (reason: DeskRefusal) => ({ ok: false as const, reason });
const ok = <T>(value: T) => ({ ok: true as const, value });

export class DeskService implements Desk {
  /** The agents who sign in (AGENTS_FILE): a transfer to an agent it does not find is `unknown_queue`. */
  agentById: (id: string) => Agent | null;
  private readonly offers: Offers;

  constructor(private readonly opts: DeskServiceOptions) {
    this.agentById = opts.agentById ?? (() => null);
    this.offers = new Offers({
      book: opts.book,
      clock: opts.clock,
      offerMs: opts.offerMs ?? 60_000,
      label: (queue) => this.label(queue),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.signedInUntil ? { signedInUntil: opts.signedInUntil } : {}),
    });
  }

  async queues(agent: Agent): Promise<QueueList[]> {
    const known = this.opts.queues();
    return Promise.all(
      agent.queues
        .filter((q) => known[q])
        .map(async (queue) => ({ queue, label: known[queue]!.label, waiting: (await this.store.waiting.list(queue)).map(waitingSummary) })),
    );
  }

  async mine(agent: Agent): Promise<ContactSummary[]> {
    const held = await this.store.contacts.heldBy(agent.id);
    // An offer past its time that no sweep ended yet goes back to its queue here.
    const lapsed: string[] = [];
    for (const r of held) if (r.offer && (await this.offers.lapseIfDue(r.id))) lapsed.push(r.id);
    return held.filter((r) => !lapsed.includes(r.id)).map(summaryOf);
  }

  async contact(agent: Agent, contactId: string): Promise<DeskResult<DeskContact>> {
    const found = await this.visible(agent, contactId);
    return found.ok ? ok(await this.view(found.value.record)) : found;
  }

  async accept(agent: Agent, contactId: string): Promise<DeskResult<DeskContact>> {
    const found = await this.visible(agent, contactId);
    if (!found.ok) return found;
    const { record, version } = found.value;
    if (record.status === 'with_agent' && record.agent?.id === agent.id && record.offer) return this.acceptOffer(agent, record, version);
    if (record.status === 'with_agent') return record.agent?.id === agent.id ? ok(await this.view(record)) : refuse('taken');
    if (record.status !== 'waiting') return refuse('gone');
    // The queue's claim is atomic on every backend: of two agents accepting at once, one gets it.
    if (!(await this.store.waiting.claim(contactId))) {
      // The winner may not have saved yet: a contact still `waiting` here was taken all the same.
      const now = (await this.store.contacts.load(contactId))?.record.status;
      return refuse(now === 'waiting' || now === 'with_agent' ? 'taken' : 'gone');
    }
    const taken: ContactRecord = { ...record, status: 'with_agent', agent: { id: agent.id, name: agent.name }, updatedAt: this.now() };
    try {
      await this.store.contacts.save(taken, version);
    } catch (err) {
      if (err instanceof StaleWriteError) return refuse('taken');
      throw err;
    }
    await this.book.outcome(taken, 'accepted', {});
    await this.book.announce(taken);
    await this.tell(taken, { kind: 'joined', agentName: agent.name, queueLabel: this.label(taken.queue) });
    return ok(await this.view(taken));
  }

  async send(agent: Agent, contactId: string, text: string): Promise<DeskResult<DeskMessage>> {
    const held = await this.held(agent, contactId);
    if (!held.ok) return held;
    const { record } = held.value;
    const said = text.trim().slice(0, MAX_AGENT_TEXT);
    const message: DeskMessage = { from: 'agent', name: agent.name, text: redact(said), at: this.now() };
    if (!said) return ok(message);
    const sent = await this.opts.outbound.send(record.conversationId, { text: said, from: { kind: 'agent', name: agent.name } });
    if (sent !== 'delivered') return refuse('gone');
    await this.book.addMessage(record, message);
    await this.opts.takeover(record.conversationId, record.channel, record.id, { kind: 'agent_said', agentName: agent.name, text: said });
    return ok(message);
  }

  async typing(agent: Agent, contactId: string): Promise<void> {
    const held = await this.held(agent, contactId);
    if (!held.ok) return;
    await this.opts.outbound.send(held.value.record.conversationId, { text: '', from: { kind: 'agent', name: agent.name }, typing: true });
  }

  async transfer(agent: Agent, contactId: string, to: TransferTarget, note: string): Promise<DeskResult<ContactSummary>> {
    const held = await this.held(agent, contactId);
    if (!held.ok) return held;
    const { record, version } = held.value;
    const at = this.now();
    const notes = [...record.notes, ...(note.trim() ? [{ at, agentName: agent.name, text: redact(note.trim()) }] : [])];
    let moved: ContactRecord;
    let change: TakeoverChange;
    if ('queue' in to) {
      if (!this.opts.queues()[to.queue]) return refuse('unknown_queue');
      moved = { ...record, status: 'waiting', queue: to.queue, enqueuedAt: at, notes, updatedAt: at };
      change = { kind: 'transferred', agentName: agent.name, queueLabel: this.label(to.queue) };
    } else {
      const target = this.agentById(to.agentId);
      // The desk's answer to this names a queue or an agent.
      if (!target || target.id === agent.id) return refuse('unknown_queue');
      // Offered, not imposed: reserved for the target, who accepts or declines (like a Flex reservation).
      const offer = { from: { id: agent.id, name: agent.name }, note: note.trim() ? redact(note.trim()) : null, at };
      moved = { ...record, agent: { id: target.id, name: target.name }, notes, offer, updatedAt: at };
      change = { kind: 'transferred', agentName: agent.name, queueLabel: this.label(teamOf(target, record.queue)) };
    }
    if (!(await this.saved(moved, version))) return refuse('not_yours');
    if (moved.status === 'waiting') await this.store.waiting.enqueue({ ...record.handoff, queue: moved.queue, queueLabel: this.label(moved.queue), createdAt: at });
    await this.book.outcome(moved, 'transferred', { from: record.queue, fromAgentId: agent.id, toAgentId: moved.status === 'with_agent' ? moved.agent!.id : null });
    await this.book.announce(moved, [record.queue], [agent.id]);
    await this.tell(moved, change);
    // Its deadline, in the store: it lapses on time on any instance, also after a restart.
    await this.offers.offered(moved);
    return ok(summaryOf(moved));
  }

  async decline(agent: Agent, contactId: string, reason: string): Promise<DeskResult<ContactSummary>> {
    const found = await this.visible(agent, contactId);
    if (!found.ok) return found;
    const { record, version } = found.value;
    if (record.status === 'ended' || record.status === 'abandoned') return refuse('gone');
    if (record.status !== 'with_agent' || record.agent?.id !== agent.id || !record.offer) return refuse('not_yours');
    const why = reason.trim() ? `Declined the transfer: ${reason.trim()}` : 'Declined the transfer';
    return this.offers.decline(record, version, agent.name, why, 'declined');
  }

  /** Every contact offered to the agent goes back to its queue at once (they signed out). */
  async signedOut(agent: Agent): Promise<void> {
    await this.offers.signedOut(agent);
  }

  /** Ends the offers that are due (lapsed, or their agent's session ended), on every instance. */
  get offerSweep(): DueSweeper {
    return this.offers.sweeper;
  }

  /** The offered agent takes the contact; the customer is told who joined. */
  private async acceptOffer(agent: Agent, record: ContactRecord, version: number): Promise<DeskResult<DeskContact>> {
    const taken: ContactRecord = { ...record, offer: null, updatedAt: this.now() };
    // A decline or a lapse saved first: the contact waits in its queue again.
    if (!(await this.saved(taken, version))) return refuse('taken');
    await this.book.outcome(taken, 'accepted', { offeredBy: record.offer?.from.id ?? null });
    await this.book.announce(taken);
    await this.tell(taken, { kind: 'joined', agentName: agent.name, queueLabel: this.label(teamOf(agent, record.queue)) });
    return ok(await this.view(taken));
  }

  async note(agent: Agent, contactId: string, text: string): Promise<DeskResult<DeskNote>> {
    const held = await this.held(agent, contactId);
    if (!held.ok) return held;
    const { record, version } = held.value;
    const note: DeskNote = { at: this.now(), agentName: agent.name, text: redact(text.trim()) };
    if (!(await this.saved({ ...record, notes: [...record.notes, note], updatedAt: note.at }, version))) return refuse('not_yours');
    return ok(note);
  }

  async backToBot(agent: Agent, contactId: string): Promise<DeskResult<ContactSummary>> {
    return this.close(agent, contactId, null, { kind: 'back_to_bot', agentName: agent.name });
  }

  async end(agent: Agent, contactId: string, disposition: string): Promise<DeskResult<ContactSummary>> {
    if (!this.dispositions().some((d) => d.code === disposition)) return refuse('unknown_disposition');
    return this.close(agent, contactId, disposition, { kind: 'ended', agentName: agent.name });
  }

  dispositions(): { code: string; label: string }[] {
    return this.opts.dispositions();
  }

  subscribe(agent: Agent, listener: (event: DeskEvent) => void): () => void {
    return this.book.listen(({ event, queues, agents }) => {
      if (agents.includes(agent.id) || queues.some((q) => agent.queues.includes(q))) listener(event);
    });
  }

  /** Ends the agent's part: back to the bot (no disposition) or ended with one; the bot speaks next. */
  private async close(agent: Agent, contactId: string, disposition: string | null, change: TakeoverChange): Promise<DeskResult<ContactSummary>> {
    const held = await this.held(agent, contactId);
    if (!held.ok) return held;
    const { record, version } = held.value;
    const closed: ContactRecord = { ...record, status: 'ended', disposition, updatedAt: this.now() };
    if (!(await this.saved(closed, version))) return refuse('not_yours');
    await this.book.outcome(closed, disposition === null ? 'back_to_bot' : 'ended', disposition === null ? {} : { disposition });
    await this.book.announce(closed);
    await this.tell(closed, change);
    return ok(summaryOf(closed));
  }

  /** Lets the engine remember the change; what the bot says goes to the customer and onto the contact. */
  private async tell(record: ContactRecord, change: TakeoverChange): Promise<void> {
    const replies = await this.opts.takeover(record.conversationId, record.channel, record.id, change);
    for (const reply of replies) {
      await this.opts.outbound.send(record.conversationId, { text: reply.text, from: { kind: 'bot' } });
      await this.book.addMessage(record, { from: 'bot', text: reply.text, at: this.now() });
    }
  }

  /** The contact, if this agent may see it: in a queue they serve, or held by them. */
  private async visible(agent: Agent, contactId: string): Promise<DeskResult<Found>> {
    const found = await this.store.contacts.load(contactId);
    if (!found) return refuse('gone');
    const { record } = found;
    const mine = record.status === 'with_agent' && record.agent?.id === agent.id;
    return mine || agent.queues.includes(record.queue) ? ok(found) : refuse('forbidden');
  }

  /** The contact, if this agent holds it now. */
  private async held(agent: Agent, contactId: string): Promise<DeskResult<Found>> {
    const found = await this.visible(agent, contactId);
    if (!found.ok) return found;
    const { record } = found.value;
    if (record.status === 'ended' || record.status === 'abandoned') return refuse('gone');
    if (record.status !== 'with_agent' || record.agent?.id !== agent.id) return refuse('not_yours');
    return record.offer ? refuse('not_accepted') : found;
  }

  /** Saves a change; false when someone changed the contact since it was read. */
  private async saved(record: ContactRecord, version: number): Promise<boolean> {
    try {
      await this.store.contacts.save(record, version);
      return true;
    } catch (err) {
      if (err instanceof StaleWriteError) return false;
      throw err;
    }
  }

  private async view(record: ContactRecord): Promise<DeskContact> {
    const since = await this.book.messages(record.id);
    return { ...summaryOf(record), handoff: withSince(record.handoff, since), sinceHandoff: since, notes: record.notes };
  }

  private label(queue: string): string {
    return this.opts.queues()[queue]?.label ?? queue;
  }

  private get book(): ContactBook {
    return this.opts.book;
  }

  private get store() {
    return this.opts.book.store;
  }

  private now(): string {
    return this.opts.clock.now().toISOString();
  }
}

/** The team an agent joins a contact as: its queue if they serve it, else their first. */
function teamOf(agent: Agent, queue: string): string {
  return agent.queues.includes(queue) ? queue : (agent.queues[0] ?? queue);
}

/** A waiting contact as a queue list shows it. */
function waitingSummary(w: WaitingContact): ContactSummary {
  return {
    contactId: w.id,
    conversationId: w.handoff.conversationId,
    channel: w.handoff.channel,
    queue: w.queue,
    priority: w.priority,
    status: 'waiting',
    enqueuedAt: w.enqueuedAt,
    segment: w.handoff.customer.segment,
    intentLabel: w.handoff.intent?.label ?? null,
    customerName: w.handoff.customer.name,
    agent: null,
  };
}
