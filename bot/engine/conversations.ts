/**
 * What a channel needs from the engine, and nothing more: run a turn, put a
 * customer through from outside a turn, learn how a conversation ended, and
 * the few things of the content a channel renders with, as plain data.
 * Channels stand on this port, never on `Engine` or its content, so a
 * channel can be tested against a fake and the engine can change freely.
 */
import { MAX_SPEECH_HINTS } from '../content/schemas';
import type { Brain } from './context';
import type { ConversationEnd, Engine } from './engine';
import type { Escalation } from './escalation';
import type { TurnHooks, TurnInput, TurnOutput } from './turn';

/** What a channel renders with, read from the content in force now (it changes on reload). */
export interface ChannelContent {
  /** BCP 47 language of the assistant ("en-US"). */
  language: string;
  /** The assistant's name, as the customer sees it. */
  botName: string;
  /** Phrases that help a speech recogniser (the intents' `speech_hints:`). */
  speechHints: readonly string[];
  /** A customer-facing line of `rules/assistant.yaml` messages; '' when there is none. */
  line(name: string): string;
}

/** The channel-facing port of the engine. */
export interface Conversations {
  /** Runs one turn. Never throws for the customer's sake. `hooks.answering`: the bot will answer (show typing). */
  turn(input: TurnInput, hooks?: TurnHooks): Promise<TurnOutput>;
  /** Where to put a customer through right now, without waiting for the turn in progress. */
  routeNow(conversationId: string, channel: TurnInput['channel'], reason: string): Promise<Escalation>;
  /** Hands a conversation to a person from outside a turn, after the turn in progress. */
  escalate(conversationId: string, channel: TurnInput['channel'], reason: string, turnInProgress?: Promise<TurnOutput>): Promise<void>;
  /** How a conversation ended, for a channel that learns the customer has gone. */
  howItEnded(conversationId: string): Promise<ConversationEnd>;
  /** The customer has gone (closed the chat, hung up): a contact still waiting for a person is abandoned. */
  left(conversationId: string): Promise<void>;
  /** The content a channel renders with, as it is now. */
  content(): ChannelContent;
  /** The customer is typing: the person who holds the conversation is told (never stored); otherwise nothing. */
  customerTyping(conversationId: string): Promise<void>;
  /** The conversation has a stored state (its customer wrote and it has not expired), whichever instance ran it. */
  known(conversationId: string): Promise<boolean>;
}

/**
 * Speech hints: the intents' own `speech_hints:`, each once, in file order (the content check keeps them
 * to MAX_SPEECH_HINTS). Never examples: they hold typos on purpose, which no recogniser writes.
 */
export function speechHints(intents: Iterable<{ speech_hints: readonly string[] }>): string[] {
  const out = new Set<string>();
  for (const i of intents) for (const h of i.speech_hints) out.add(h);
  return [...out].slice(0, MAX_SPEECH_HINTS);
}

/** Worked out once per content, not on every turn. */
const channelContent = new WeakMap<Brain['content'], ChannelContent>();

function channelContentOf(content: Brain['content']): ChannelContent {
  let c = channelContent.get(content);
  if (!c) {
    const messages = content.assistant.messages;
    c = {
      language: content.assistant.language,
      botName: content.assistant.name,
      speechHints: speechHints(content.intents.values()),
      line: (name) => messages[name] ?? '',
    };
    channelContent.set(content, c);
  }
  return c;
}

/** The engine seen through the channel port. */
export function conversationsOf(engine: Engine): Conversations {
  return {
    turn: (input, hooks) => engine.turn(input, hooks),
    routeNow: (id, channel, reason) => engine.routeNow(id, channel, reason),
    escalate: (id, channel, reason, running) => engine.escalate(id, channel, reason, running),
    howItEnded: (id) => engine.howItEnded(id),
    left: (id) => engine.left(id),
    content: () => channelContentOf(engine.current.content),
    customerTyping: (id) => engine.customerTyping(id),
    known: async (id) => (await engine.peek(id)) !== null,
  };
}
