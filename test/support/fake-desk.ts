/**
 * A `Desk` in memory for the desk's HTTP tests that are about the web side
 * only (sign-in, sessions, CSRF, refusals): it keeps to the interface's
 * promises (queues by priority, only the agent's queues, one winner per
 * accept) without the engine behind it.
 */
import type { Agent, ContactSummary, Desk, DeskContact, DeskEvent, DeskResult, QueueList } from '../../bot/desk/desk';
import type { Handoff } from '../../bot/engine/handoff-record';

export function fakeHandoff(id: string, queue: string, over: Partial<Handoff> = {}): Handoff {
  return {
    id,
    conversationId: `directline:${id}`,
    channel: 'chat',
    createdAt: '2026-11-24T16:55:00.000Z',
    customer: { id: 'C1003', name: 'Sofia Rossi', segment: 'gold', strategy: 'retain', intensity: 'proactive', verified: true },
    intent: { name: 'billing_dispute', label: 'Billing dispute', confidence: 0.91 },
    words: ["I've been charged twice on my November bill"],
    botActions: ['Looked up the account'],
    summary: [{ section: 'invoices', title: 'Recent invoices', lines: ['INV-C1003-202611: $80.00 (disputed)'] }],
    nextBestActions: [{ offer: 'renewal', kind: 'retention', prompt: 'Contract ends in 30 days: offer a renewal' }],
    queue,
    queueLabel: queue,
    priority: 60,
    reason: 'Billing disputes go to a person',
    transcript: [{ from: 'customer', text: "I've been charged twice on my November bill", at: '2026-11-24T16:55:00.000Z' }],
    ...over,
  };
}

export class FakeDesk implements Desk {
  readonly contacts = new Map<string, DeskContact>();
  private readonly listeners = new Set<{ agent: Agent; listener: (e: DeskEvent) => void }>();

  add(handoff: Handoff): void {
    const contact: DeskContact = {
      contactId: handoff.id,
      conversationId: handoff.conversationId,
      channel: handoff.channel,
      queue: handoff.queue,
      priority: handoff.priority,
      status: 'waiting',
      enqueuedAt: handoff.createdAt,
      segment: handoff.customer.segment,
      intentLabel: handoff.intent?.label ?? null,
      customerName: handoff.customer.name,
      agent: null,
      handoff,
      sinceHandoff: [],
      notes: [],
    };
    this.contacts.set(handoff.id, contact);
    this.emit({ kind: 'contact', contact: this.summary(contact) });
  }

  private summary(c: DeskContact): ContactSummary {
    const { handoff: _h, sinceHandoff: _s, notes: _n, ...summary } = c;
    return summary;
  }

  private emit(event: DeskEvent): void {
    for (const { agent, listener } of this.listeners) {
      const contactId = event.kind === 'contact' ? event.contact.contactId : event.contactId;
      const c = this.contacts.get(contactId);
      if (c && agent.queues.includes(c.queue)) listener(event);
    }
  }

  private find(agent: Agent, id: string): DeskResult<DeskContact> {
    const c = this.contacts.get(id);
    if (!c || !agent.queues.includes(c.queue)) return { ok: false, reason: 'forbidden' };
    return { ok: true, value: c };
  }

  async queues(agent: Agent): Promise<QueueList[]> {
    return agent.queues.map((queue) => ({
      queue,
      label: queue,
      waiting: [...this.contacts.values()]
        .filter((c) => c.queue === queue && c.status === 'waiting')
        .sort((a, b) => b.priority - a.priority || a.enqueuedAt.localeCompare(b.enqueuedAt))
        .map((c) => this.summary(c)),
    }));
  }

  async mine(agent: Agent): Promise<ContactSummary[]> {
    return [...this.contacts.values()].filter((c) => c.agent?.id === agent.id && c.status === 'with_agent').map((c) => this.summary(c));
  }

  async contact(agent: Agent, id: string): Promise<DeskResult<DeskContact>> {
    return this.find(agent, id);
  }

  async accept(agent: Agent, id: string): Promise<DeskResult<DeskContact>> {
    const found = this.find(agent, id);
    if (!found.ok) return found;
    if (found.value.status !== 'waiting') return { ok: false, reason: 'taken' };
    found.value.status = 'with_agent';
    found.value.agent = { id: agent.id, name: agent.name };
    this.emit({ kind: 'contact', contact: this.summary(found.value) });
    return found;
  }

  private held(agent: Agent, id: string): DeskResult<DeskContact> {
    const found = this.find(agent, id);
    if (found.ok && found.value.agent?.id !== agent.id) return { ok: false, reason: 'not_yours' };
    return found;
  }

  async send(agent: Agent, id: string, text: string) {
    const found = this.held(agent, id);
    if (!found.ok) return found;
    const message = { from: 'agent' as const, name: agent.name, text, at: '2026-11-24T17:00:00.000Z' };
    found.value.sinceHandoff.push(message);
    this.emit({ kind: 'message', contactId: id, message });
    return { ok: true as const, value: message };
  }

  async typing(): Promise<void> {}

  async transfer(agent: Agent, id: string, to: { queue: string } | { agentId: string }, note: string) {
    const found = this.held(agent, id);
    if (!found.ok) return found;
    if (!('queue' in to)) return { ok: false as const, reason: 'unknown_queue' as const };
    Object.assign(found.value, { queue: to.queue, status: 'waiting', agent: null });
    found.value.notes.push({ at: '2026-11-24T17:00:00.000Z', agentName: agent.name, text: note });
    return { ok: true as const, value: this.summary(found.value) };
  }

  async backToBot(agent: Agent, id: string) {
    const found = this.held(agent, id);
    if (!found.ok) return found;
    found.value.status = 'ended';
    return { ok: true as const, value: this.summary(found.value) };
  }

  async end(agent: Agent, id: string, disposition: string) {
    const found = this.held(agent, id);
    if (!found.ok) return found;
    if (!this.dispositions().some((d) => d.code === disposition)) return { ok: false as const, reason: 'unknown_disposition' as const };
    found.value.status = 'ended';
    return { ok: true as const, value: this.summary(found.value) };
  }

  dispositions() {
    return [
      { code: 'resolved', label: 'Resolved' },
      { code: 'follow_up', label: 'Follow-up needed' },
    ];
  }

  subscribe(agent: Agent, listener: (event: DeskEvent) => void): () => void {
    const entry = { agent, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }
}
