/**
 * The agent desk's contract: what a signed-in agent can see and do with the
 * contacts the bot handed off. `bot/desk/service.ts` implements it on the
 * store (durable, shared by every instance) and the outbound port; the HTTP
 * routes and the page at `/agent` stand on this interface only, and so do
 * guided processes.
 *
 * Every method takes the acting agent: a contact outside the agent's queues
 * is `forbidden` (never shown), whatever id is guessed.
 */
import type { DueSweeper } from '../engine/due-sweeper';
import type { Handoff } from '../engine/handoff-record';
import type { Channel } from '../engine/state';

export type AgentRole = 'agent' | 'supervisor';

/** A person signed in at the desk (from AGENTS_FILE; never the password hash). */
export interface Agent {
  id: string;
  /** Shown to customers: "Dana from Billing has joined". */
  name: string;
  roles: AgentRole[];
  /** Queue names of the routing content this agent serves. */
  queues: string[];
}

/** Where a contact is in its life after the handoff. */
export type ContactStatus = 'waiting' | 'with_agent' | 'ended' | 'abandoned';

/** A line of the conversation after the handoff, as the desk shows it. */
export interface DeskMessage {
  from: 'customer' | 'agent' | 'bot' | 'system';
  /** The agent's display name for `agent`. */
  name?: string;
  /** Redacted like the transcript. */
  text: string;
  at: string;
}

/** A private note an agent leaves for the next (a transfer's reason). */
export interface DeskNote {
  at: string;
  agentName: string;
  text: string;
}

/** One line of a queue list: enough to choose whom to take. */
export interface ContactSummary {
  contactId: string;
  conversationId: string;
  channel: Channel;
  queue: string;
  priority: number;
  status: ContactStatus;
  /** When it entered its current queue (ISO): the desk shows the wait. */
  enqueuedAt: string;
  segment: string;
  intentLabel: string | null;
  customerName: string | null;
  /** The agent holding it, when `with_agent`. */
  agent: { id: string; name: string } | null;
  /** Transferred to `agent`, who has not accepted yet: who offered it, their note, when. */
  offer?: ContactOffer | null;
}

/** A contact one agent passed to another, waiting for their accept or decline. */
export interface ContactOffer {
  fromName: string;
  note: string | null;
  at: string;
}

/** The whole contact as the agent who opens it reads it. */
export interface DeskContact extends ContactSummary {
  /** The card: who, why, what the bot did, summary sections, next best actions, transcript. */
  handoff: Handoff;
  /** Everything written since the handoff (customer and agents), oldest first. */
  sinceHandoff: DeskMessage[];
  notes: DeskNote[];
}

export interface QueueList {
  queue: string;
  label: string;
  /** Waiting contacts, highest priority first, then the longest waiting. */
  waiting: ContactSummary[];
}

/** What the desk pushes live (Server-Sent Events) to every agent it concerns. */
export type DeskEvent =
  /** A contact arrived, moved, was taken, ended or left: re-read the lists. */
  | { kind: 'contact'; contact: ContactSummary }
  | { kind: 'message'; contactId: string; message: DeskMessage }
  | { kind: 'typing'; contactId: string; from: 'customer' | 'agent' };

export type DeskRefusal = 'forbidden' | 'gone' | 'taken' | 'not_yours' | 'not_accepted' | 'unknown_queue' | 'unknown_disposition';

export type DeskResult<T> = { ok: true; value: T } | { ok: false; reason: DeskRefusal };

/** Where a transfer sends a contact: another queue, or one agent. */
export type TransferTarget = { queue: string } | { agentId: string };

export interface Desk {
  /** The agent's queues with who waits in them. */
  queues(agent: Agent): Promise<QueueList[]>;
  /** The contacts this agent holds now. */
  mine(agent: Agent): Promise<ContactSummary[]>;
  contact(agent: Agent, contactId: string): Promise<DeskResult<DeskContact>>;
  /**
   * Takes a waiting contact, or one offered to this agent: one of two agents accepting at once wins,
   * the other gets `taken` (an offered contact is `taken` for everyone else). The customer is told who joined.
   */
  accept(agent: Agent, contactId: string): Promise<DeskResult<DeskContact>>;
  /** Writes to the customer as the agent (the bot stays silent while an agent holds the contact). */
  send(agent: Agent, contactId: string, text: string): Promise<DeskResult<DeskMessage>>;
  typing(agent: Agent, contactId: string): Promise<void>;
  /** Puts the contact back in a queue, or offers it to one agent (who accepts or declines), with the card and a private note. */
  transfer(agent: Agent, contactId: string, to: TransferTarget, note: string): Promise<DeskResult<ContactSummary>>;
  /** Declines a contact offered to this agent: it waits again in its queue at its old place, with a note. Optional until the service has it. */
  decline?(agent: Agent, contactId: string, reason: string): Promise<DeskResult<ContactSummary>>;
  /** The bot takes the conversation again, without replaying the human stretch. */
  backToBot(agent: Agent, contactId: string): Promise<DeskResult<ContactSummary>>;
  /** Ends the contact with a disposition code from the content; the bot then asks the satisfaction question. */
  end(agent: Agent, contactId: string, disposition: string): Promise<DeskResult<ContactSummary>>;
  /** The disposition codes an agent may choose (content). */
  dispositions(): { code: string; label: string }[];
  /** A private note on a contact the agent holds (what a guided process completed). Optional until the service has it. */
  note?(agent: Agent, contactId: string, text: string): Promise<DeskResult<DeskNote>>;
  /** The agent signed out: contacts offered to them wait in their queues again at once. Optional until the service has it. */
  signedOut?(agent: Agent): Promise<void>;
  /**
   * What ends the offers that are due (lapsed, or their agent's session ended): every second on this instance
   * between `start()` and `stop()` (the desk's routes run it), or once with `sweep()` (how many went back).
   */
  readonly offerSweep?: Pick<DueSweeper, 'start' | 'stop' | 'sweep'>;
  /** Live events for this agent's queues and contacts; the function returned stops them. */
  subscribe(agent: Agent, listener: (event: DeskEvent) => void): () => void;
}
