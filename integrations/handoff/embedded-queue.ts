/**
 * The embedded agent queue: keeps waiting contacts per queue in memory,
 * highest priority first, then oldest first, and what each customer writes
 * after the handoff (ContactLog), so the agent who takes the contact reads
 * it. `GET /api/queues` lists it for local development; the agent desk
 * builds on it.
 */
import type { Handoff } from '../../bot/engine/handoff-record';
import type { ContactLog, ContactMessage, ContactView, FollowUpReceipt, HandoffReceipt, HandoffTarget } from '../../bot/engine/ports';

/** A queue as the routing rules describe it. */
export interface QueueInfo {
  label: string;
  expected_wait_minutes?: number | undefined;
}

/** A waiting contact: the card, and what the customer wrote since the handoff. */
export type WaitingContact = Handoff & { sinceHandoff: ContactMessage[] };

export interface QueueView {
  queue: string;
  label: string;
  waiting: WaitingContact[];
}

interface Entry {
  handoff: Handoff;
  sinceHandoff: ContactMessage[];
  status: ContactView['status'];
}

export class EmbeddedQueue implements HandoffTarget, ContactLog {
  /** Contact ids per queue, in the order agents take them. */
  private readonly waiting = new Map<string, string[]>();
  /** Every contact by id, waiting or with an agent, oldest first (bounded). */
  private readonly contacts = new Map<string, Entry>();
  /** The contact id of each conversation handed off. */
  private readonly byConversation = new Map<string, string>();
  private readonly listeners = new Set<(contactId: string, message: ContactMessage) => void>();

  constructor(
    /** The content's queues (read on every call: content may be reloaded). */
    private readonly queues: () => Record<string, QueueInfo>,
    private readonly maxPerQueue = 1000,
    /** Messages kept per contact after the handoff: one customer cannot fill the memory. */
    private readonly maxFollowUps = 200,
    private readonly maxContacts = 20_000,
  ) {}

  async deliver(handoff: Handoff): Promise<HandoffReceipt> {
    // A conversation waits once; a second handoff replaces the first and keeps what came after it.
    const earlierId = this.byConversation.get(handoff.conversationId);
    const earlier = earlierId ? this.contacts.get(earlierId) : undefined;
    if (earlierId) this.forget(earlierId);
    this.contacts.set(handoff.id, { handoff: { ...handoff, transcript: [...handoff.transcript] }, sinceHandoff: earlier?.sinceHandoff ?? [], status: 'waiting' });
    this.byConversation.set(handoff.conversationId, handoff.id);
    const ids = [...(this.waiting.get(handoff.queue) ?? []), handoff.id];
    const card = (id: string) => this.contacts.get(id)!.handoff;
    ids.sort((a, b) => card(b).priority - card(a).priority || card(a).createdAt.localeCompare(card(b).createdAt));
    for (const dropped of ids.splice(this.maxPerQueue)) this.forget(dropped);
    this.waiting.set(handoff.queue, ids);
    for (const [id] of this.contacts) {
      if (this.contacts.size <= this.maxContacts) break;
      this.forget(id);
    }
    const minutes = this.queues()[handoff.queue]?.expected_wait_minutes;
    return {
      queue: handoff.queue,
      position: ids.indexOf(handoff.id) + 1,
      ...(minutes !== undefined ? { expectedWaitSeconds: minutes * 60 } : {}),
    };
  }

  /** Every queue of the content, with who is waiting. */
  list(): QueueView[] {
    return Object.entries(this.queues()).map(([queue, info]) => ({
      queue,
      label: info.label,
      waiting: (this.waiting.get(queue) ?? []).map((id) => this.card(this.contacts.get(id)!)),
    }));
  }

  /** An agent takes the next contact of a queue; what the customer writes later still reaches it. */
  take(queue: string): WaitingContact | null {
    const id = this.waiting.get(queue)?.shift();
    const entry = id ? this.contacts.get(id) : undefined;
    if (!entry) return null;
    entry.status = 'with_agent';
    return this.card(entry);
  }

  async append(contactId: string, message: ContactMessage): Promise<FollowUpReceipt> {
    const entry = this.contacts.get(contactId);
    if (!entry) return { status: 'lost' };
    entry.sinceHandoff.push(message);
    entry.handoff.transcript.push(message);
    // Beyond the cap the oldest go: the agent reads the latest.
    if (entry.sinceHandoff.length > this.maxFollowUps) entry.sinceHandoff.shift();
    for (const listener of this.listeners) {
      try {
        listener(contactId, message);
      } catch {
        // A broken listener (a desk gone away) must not lose the customer's message.
      }
    }
    const count = entry.sinceHandoff.length;
    if (entry.status === 'with_agent') return { status: 'with_agent', count };
    return { status: 'waiting', count, position: (this.waiting.get(entry.handoff.queue) ?? []).indexOf(contactId) + 1 };
  }

  async contact(contactId: string): Promise<ContactView | null> {
    const entry = this.contacts.get(contactId);
    if (!entry) return null;
    const { handoff, status } = entry;
    return { contactId, conversationId: handoff.conversationId, queue: handoff.queue, status, handoff: this.card(entry), sinceHandoff: [...entry.sinceHandoff] };
  }

  subscribe(listener: (contactId: string, message: ContactMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private card(entry: Entry): WaitingContact {
    return { ...entry.handoff, transcript: [...entry.handoff.transcript], sinceHandoff: [...entry.sinceHandoff] };
  }

  private forget(contactId: string): void {
    const entry = this.contacts.get(contactId);
    if (!entry) return;
    this.contacts.delete(contactId);
    if (this.byConversation.get(entry.handoff.conversationId) === contactId) this.byConversation.delete(entry.handoff.conversationId);
    const ids = this.waiting.get(entry.handoff.queue);
    const at = ids?.indexOf(contactId) ?? -1;
    if (at >= 0) ids!.splice(at, 1);
  }
}
