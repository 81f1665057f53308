/**
 * The channel-neutral turn model. Channel adapters (Direct Line, Bot
 * Framework, Twilio Voice) translate their native requests into a
 * {@link TurnInput} and render a {@link TurnOutput} back; the engine never
 * sees a channel SDK.
 */
import type { Handoff } from './handoff-record';
import type { Capabilities } from './capabilities';
import type { HandoffReceipt, IdentityHint } from './ports';
import type { Channel } from './state';

export interface TurnInput {
  conversationId: string;
  channel: Channel;
  /** What the channel can do; absent: what its registered declaration says. */
  capabilities?: Capabilities;
  /** Who the channel says is there: caller ID, a signed-in user, or nobody. */
  identity?: IdentityHint | null;
  /** What the customer typed or said. */
  text?: string;
  /** Keypad digits (voice). */
  digits?: string;
  /** The speech recogniser's confidence, 0–1, when `text` was spoken. */
  speechConfidence?: number;
  /**
   * `start`: the conversation opens (a call is answered, a chat window opens).
   * `no_input`: the customer said and pressed nothing (a phone gather timed out).
   */
  event?: 'start' | 'no_input';
}

/** What a channel is told while a turn runs. */
export interface TurnHooks {
  /**
   * The bot will answer this turn (no person at the desk holds the
   * conversation): called once, after the state is loaded and before the
   * work, so a channel can show its typing indicator.
   */
  answering?(): Promise<void>;
}

export interface Choice {
  /** What the engine receives back when it is picked. */
  value: string;
  /** What the customer sees or hears. */
  label: string;
}

export interface Reply {
  text: string;
  /** The spoken wording, when it differs from `text` ("45 dollars and 20 cents"). */
  speak?: string;
  choices?: Choice[];
  /** A link: a button in chat, an SMS offer on the phone. */
  link?: { url: string; label: string };
}

export interface TurnOutput {
  replies: Reply[];
  /** Set on the turn that hands the conversation to a person. */
  handoff?: { handoff: Handoff; receipt: HandoffReceipt };
  /** The bot is waiting for an answer of this kind (voice uses it to pick keypad hints). */
  expecting?: 'text' | 'digits' | 'choice';
  /** The conversation is over (voice hangs up). */
  ended?: boolean;
  /** How many turns the conversation has had, this one included. */
  turn?: number;
}
