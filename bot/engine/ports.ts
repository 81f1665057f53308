/**
 * The interfaces the engine needs from the outside world. Integrations
 * implement them; `bot/compose.ts` is the one place that picks which.
 */
import type { Profile } from '../domain/profile';
import type { Handoff } from './handoff-record';

/** How a channel says who is on the other end, before anyone is asked. */
export type IdentityHint =
  | { kind: 'phone'; value: string }
  /** A user the web site signed in; `authenticated` when the site vouches for it. */
  | { kind: 'customerId'; value: string; authenticated: boolean };

/**
 * A source of CI profiles. Either lookup resolves to null when nobody matches. A profile handed out may be
 * shared with other callers: read it, never change it.
 */
export interface ProfileSource {
  byPhone(phone: string): Promise<Profile | null>;
  byCustomerId(id: string): Promise<Profile | null>;
}

/** Why a profile lookup failed, as opposed to finding nobody. */
export class ProfileSourceError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ProfileSourceError';
  }
}

/**
 * Back-office actions a dialog may call by name (`call: orders.track`). Each
 * returns a flat record the dialog can read; a failure throws and the
 * dialog hands off.
 */
export interface BackOffice {
  /** The action names this back office knows, for the content validator. */
  readonly actions: readonly string[];
  run(action: string, args: Record<string, unknown>, ctx: ActionContext): Promise<Record<string, unknown>>;
}

export interface ActionContext {
  conversationId: string;
  channel: string;
  profile: Profile | null;
}

/** Where a warm handoff goes: the embedded queue, TaskRouter, a webhook … */
export interface HandoffTarget {
  deliver(handoff: Handoff): Promise<HandoffReceipt>;
  /**
   * A contact the channel already put through (a call past its deadline)
   * now has its whole story: bring the target's copy up to date.
   */
  update?(handoff: Handoff): Promise<void>;
}

export interface HandoffReceipt {
  /** Where the contact waits now. */
  queue: string;
  /** 1 = next in line, when the target knows. */
  position?: number;
  /** Expected wait in seconds, when the target knows. */
  expectedWaitSeconds?: number;
  /** False when the target knows that nobody who serves the queue is at work now: no wait is promised. */
  staffed?: boolean;
  /** The target's own id for the contact (a TaskRouter task SID …). */
  reference?: string;
}

/** Something the customer wrote after the handoff, while waiting for a person. */
export interface ContactMessage {
  from: 'customer';
  /** Redacted like the transcript. */
  text: string;
  /** ISO timestamp. */
  at: string;
}

/** A handed-off contact as an agent desk reads it. The contact id is the handoff's id. */
export interface ContactView {
  contactId: string;
  conversationId: string;
  queue: string;
  /** `waiting` in its queue, taken `with_agent`, or over (`ended`, `abandoned`). */
  status: 'waiting' | 'with_agent' | 'ended' | 'abandoned';
  /** The card, its transcript including what came after the handoff. */
  handoff: Handoff;
  /** Only what the customer wrote since the handoff, oldest first. */
  sinceHandoff: ContactMessage[];
}

/** How a message after the handoff landed: on the contact (`count` so far), or nowhere (`lost`). */
export type FollowUpReceipt =
  | { status: 'waiting' | 'with_agent'; count: number; position?: number }
  | { status: 'lost' };

/**
 * The contacts handed to people, after the handoff: the engine appends what
 * the customer writes while waiting; an agent desk reads a contact and
 * listens for new messages to show them live.
 */
export interface ContactLog {
  append(contactId: string, message: ContactMessage): Promise<FollowUpReceipt>;
  contact(contactId: string): Promise<ContactView | null>;
  /** Calls `listener` for every message appended to any contact; the function returned stops it. */
  subscribe(listener: (contactId: string, message: ContactMessage) => void): () => void;
  /** The customer left (closed the chat, hung up): a contact still waiting leaves its queue as abandoned. */
  left?(contactId: string, at: string): Promise<void>;
  /** The customer's answer to the satisfaction question after an agent ended the contact (1–5). */
  rate?(contactId: string, score: number, at: string): Promise<void>;
  /** Whether a person holds the contact now (the bot says nothing while they do). */
  heldByPerson?(contactId: string): Promise<boolean>;
  /** The customer is typing: told live to the person who holds the contact, never stored. */
  typing?(contactId: string): Promise<void>;
}

/** Serialises the turns of one conversation. */
export interface ConversationLock {
  run<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A postal address, as the CI profile holds it. */
export interface Address {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postcode: string;
}

/** Writes back to the CI profile what self-service changed. */
export interface ProfileUpdates {
  updateAddress(customerId: string, address: Address): Promise<void>;
}

/** A back-office action failed or does not exist. The dialog hands off. */
export class BackOfficeError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'BackOfficeError';
  }
}

/**
 * Sends a text message to a customer's phone (links on a call, payment
 * links). Resolves `sent` once a carrier API accepted it, `kept` when it was
 * only kept (the demo outbox): the customer is told which.
 */
export interface SmsSender {
  send(to: string, body: string): Promise<'sent' | 'kept'>;
}
