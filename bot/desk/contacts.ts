/**
 * The contacts handed to people, durable on the store: the handoff target
 * (a record per contact, its place in the `waiting` queue), the contact log
 * (what was written since the handoff, an append-only history per contact),
 * and the live events every instance's desk hears on the store's bus. The
 * desk (service.ts) works on it; `GET /api/queues` lists it.
 */
import type { Handoff } from '../engine/handoff-record';
import type { TranscriptEntry } from '../engine/state';
import type { Clock, ContactLog, ContactMessage, ContactView, FollowUpReceipt, HandoffReceipt, HandoffTarget } from '../engine/ports';
import { contactLinesKey, type ContactRecord, type Json, type OutcomeEvent, type Store } from '../engine/store';
import type { ContactSummary, DeskEvent, DeskMessage } from './desk';

/** A queue as the routing content describes it. */
export interface QueueInfo {
  label: string;
  expected_wait_minutes?: number | undefined;
}

/** A waiting contact as `/api/queues` lists it: the card, and what the customer wrote since the handoff. */
export type ListedContact = Handoff & { sinceHandoff: ContactMessage[] };

export interface QueueView {
  queue: string;
  label: string;
  waiting: ListedContact[];
}

/** What goes on the bus: the event, and whom it concerns (agents of these queues, these agents). */
export interface DeskEnvelope {
  event: DeskEvent;
  queues: string[];
  agents: string[];
}

export const DESK_TOPIC = 'desk';
/**
 * What was written since a handoff lives as long as its contact: `store.purge` removes the lines with
 * the record once it ended (CONTACT_RETENTION_DAYS), so this only bounds lines a record never had.
 */
const MESSAGE_TTL_MS = 10 * 365 * 24 * 3600_000;
/** The most lines of one contact the desk reads. */
const MAX_MESSAGES = 500;

export interface ContactBookOptions {
  store: Store;
  /** The content's queues (read on every call: content may be reloaded). */
  queues: () => Record<string, QueueInfo>;
  clock: Clock;
  /** Whether anyone who serves the queue is at the desk now (presence.ts), for chats; undefined: not known. */
  staffed?: (queue: string) => Promise<boolean | undefined>;
}

export class ContactBook implements HandoffTarget, ContactLog {
  constructor(private readonly opts: ContactBookOptions) {}

  get store(): Store {
    return this.opts.store;
  }

  async deliver(handoff: Handoff): Promise<HandoffReceipt> {
    const record: ContactRecord = {
      id: handoff.id,
      conversationId: handoff.conversationId,
      channel: handoff.channel,
      status: 'waiting',
      queue: handoff.queue,
      priority: handoff.priority,
      enqueuedAt: handoff.createdAt,
      agent: null,
      notes: [],
      handoff,
      disposition: null,
      updatedAt: handoff.createdAt,
    };
    await this.store.contacts.save(record, 0);
    await this.store.waiting.enqueue(handoff);
    await this.announce(record);
    const minutes = this.opts.queues()[handoff.queue]?.expected_wait_minutes;
    // Calls are put through by the phone system (Enqueue, Dial, TaskRouter): who answers them is not the desk's to say.
    const staffed = handoff.channel === 'voice' ? undefined : await this.opts.staffed?.(handoff.queue);
    return {
      queue: handoff.queue,
      position: await this.position(record),
      ...(minutes !== undefined ? { expectedWaitSeconds: minutes * 60 } : {}),
      ...(staffed === false ? { staffed } : {}),
    };
  }

  async append(contactId: string, message: ContactMessage): Promise<FollowUpReceipt> {
    const found = await this.store.contacts.load(contactId);
    if (!found || found.record.status === 'ended' || found.record.status === 'abandoned') return { status: 'lost' };
    const record = found.record;
    await this.addMessage(record, { from: 'customer', text: message.text, at: message.at });
    const count = (await this.messages(contactId)).filter((m) => m.from === 'customer').length;
    if (record.status === 'with_agent') return { status: 'with_agent', count };
    return { status: 'waiting', count, position: await this.position(record) };
  }

  async contact(contactId: string): Promise<ContactView | null> {
    const found = await this.store.contacts.load(contactId);
    if (!found) return null;
    const { record } = found;
    const since = await this.messages(contactId);
    return {
      contactId,
      conversationId: record.conversationId,
      queue: record.queue,
      status: record.status,
      handoff: withSince(record.handoff, since),
      sinceHandoff: customerLines(since),
    };
  }

  subscribe(listener: (contactId: string, message: ContactMessage) => void): () => void {
    return this.listen(({ event }) => {
      if (event.kind === 'message' && event.message.from === 'customer')
        listener(event.contactId, { from: 'customer', text: event.message.text, at: event.message.at });
    });
  }

  async left(contactId: string, at: string): Promise<void> {
    const found = await this.store.contacts.load(contactId);
    if (!found || found.record.status !== 'waiting') return;
    if (!(await this.store.waiting.remove(contactId))) return;
    const record: ContactRecord = { ...found.record, status: 'abandoned', updatedAt: at };
    await this.store.contacts.save(record, found.version);
    await this.outcome(record, 'abandoned', {});
    await this.announce(record);
  }

  async heldByPerson(contactId: string): Promise<boolean> {
    return (await this.store.contacts.load(contactId))?.record.status === 'with_agent';
  }

  async typing(contactId: string): Promise<void> {
    const record = (await this.store.contacts.load(contactId))?.record;
    // Only to the agent who holds it: the queue's agents have no chat open to show it in.
    if (record?.status === 'with_agent' && record.agent)
      await this.store.bus.publish(DESK_TOPIC, toJson({ event: { kind: 'typing', contactId, from: 'customer' }, queues: [], agents: [record.agent.id] }));
  }

  async rate(contactId: string, score: number, at: string): Promise<void> {
    const found = await this.store.contacts.load(contactId);
    if (!found) return;
    await this.outcome({ ...found.record, updatedAt: at }, 'survey', { score, disposition: found.record.disposition });
  }

  /** Every queue of the content, with who is waiting (for `GET /api/queues`). */
  async list(): Promise<QueueView[]> {
    return Promise.all(
      Object.entries(this.opts.queues()).map(async ([queue, info]) => ({
        queue,
        label: info.label,
        waiting: await Promise.all(
          (await this.store.waiting.list(queue)).map(async (w) => {
            const since = await this.messages(w.id);
            return { ...withSince(w.handoff, since), sinceHandoff: customerLines(since) };
          }),
        ),
      })),
    );
  }

  /** What was written since the handoff (customer, agents, system), oldest first. */
  async messages(contactId: string): Promise<DeskMessage[]> {
    const { entries } = await this.store.histories.since(contactLinesKey(contactId), 0, this.now(), MAX_MESSAGES);
    return entries.map((e) => e.item as unknown as DeskMessage);
  }

  /** Appends a line to the contact and tells the desks that concern it. */
  async addMessage(record: ContactRecord, message: DeskMessage): Promise<void> {
    await this.store.histories.append(contactLinesKey(record.id), toJson(message), MESSAGE_TTL_MS, this.now());
    await this.publish({ kind: 'message', contactId: record.id, message }, record);
  }

  /** Tells the desks of the contact's queues (and its agent) that it changed. */
  async announce(record: ContactRecord, alsoQueues: string[] = [], alsoAgents: string[] = []): Promise<void> {
    await this.publish({ kind: 'contact', contact: summaryOf(record) }, record, alsoQueues, alsoAgents);
  }

  async publish(event: DeskEvent, record: ContactRecord, alsoQueues: string[] = [], alsoAgents: string[] = []): Promise<void> {
    const envelope: DeskEnvelope = {
      event,
      queues: [...new Set([record.queue, ...alsoQueues])],
      agents: [...new Set([...(record.agent ? [record.agent.id] : []), ...alsoAgents])],
    };
    await this.store.bus.publish(DESK_TOPIC, toJson(envelope));
  }

  listen(listener: (envelope: DeskEnvelope) => void): () => void {
    return this.store.bus.subscribe(DESK_TOPIC, (message) => listener(message as unknown as DeskEnvelope));
  }

  /** Records an outcome of the contact for the figures. */
  async outcome(record: ContactRecord, kind: string, detail: OutcomeEvent['detail']): Promise<void> {
    await this.store.events.append({
      at: record.updatedAt,
      conversationId: record.conversationId,
      channel: record.channel,
      kind,
      intent: record.handoff.intent?.name ?? null,
      detail: { contactId: record.id, queue: record.queue, agentId: record.agent?.id ?? null, ...detail },
    });
  }

  /** 1 = next in line; undefined once it left the queue. */
  private async position(record: ContactRecord): Promise<number | undefined> {
    const at = (await this.store.waiting.list(record.queue)).findIndex((w) => w.id === record.id);
    return at >= 0 ? at + 1 : undefined;
  }

  private now(): number {
    return this.opts.clock.now().getTime();
  }
}

/** The line of a queue list for a record. */
export function summaryOf(record: ContactRecord): ContactSummary {
  return {
    contactId: record.id,
    conversationId: record.conversationId,
    channel: record.channel,
    queue: record.queue,
    priority: record.priority,
    status: record.status,
    enqueuedAt: record.enqueuedAt,
    segment: record.handoff.customer.segment,
    intentLabel: record.handoff.intent?.label ?? null,
    customerName: record.handoff.customer.name,
    agent: record.status === 'with_agent' ? record.agent : null,
    offer: record.status === 'with_agent' && record.offer ? { fromName: record.offer.from.name, note: record.offer.note, at: record.offer.at } : null,
  };
}

/** The card with its transcript carried on to now: the bot's part, then what came after the handoff. */
export function withSince(handoff: Handoff, since: DeskMessage[]): Handoff {
  const after = since.flatMap((m): TranscriptEntry[] => {
    if (m.from === 'system') return [];
    return [{ from: m.from, ...(m.from === 'agent' && m.name ? { name: m.name } : {}), text: m.text, at: m.at }];
  });
  return { ...handoff, transcript: [...handoff.transcript, ...after] };
}

function customerLines(since: DeskMessage[]): ContactMessage[] {
  return since.flatMap((m) => (m.from === 'customer' ? [{ from: 'customer' as const, text: m.text, at: m.at }] : []));
}

/** Plain data as the store's JSON (interfaces have no index signature for the compiler). */
function toJson(value: object): Json {
  return value as unknown as Json;
}
