/**
 * A person at the agent desk holds the conversation: what changes in it
 * from outside a turn (the agent joins, writes, passes it on, hands it back,
 * ends it) and the one satisfaction question after the end. The desk calls
 * `Engine.takeover`; what the bot says goes to the customer through the
 * outbound port, and every line lands in the transcript once.
 */
import type { TurnContext } from './context';
import { redact } from './redact';
import { MAX_ENTRY_CHARS } from './state';

/** What an agent did to a conversation they hold. */
export type TakeoverChange =
  /** Accepted from a queue, or handed to them directly: the customer is told who joined. */
  | { kind: 'joined'; agentName: string; queueLabel: string }
  /** Put back in a queue: the customer is told where. */
  | { kind: 'transferred'; agentName: string; queueLabel: string }
  /** A message the agent wrote (already delivered): kept in the transcript. */
  | { kind: 'agent_said'; agentName: string; text: string }
  /** The bot answers again from the next message; nothing of the human stretch is replayed. */
  | { kind: 'back_to_bot'; agentName: string }
  /** The agent ended the contact: the bot asks the satisfaction question. */
  | { kind: 'ended'; agentName: string };

/** Applies a change to a conversation handed off as `contactId`; replies are what the bot says now. */
export function applyTakeover(ctx: TurnContext, contactId: string, change: TakeoverChange): void {
  const { state } = ctx;
  switch (change.kind) {
    case 'joined':
      ctx.say('agent_joined', { agent_name: change.agentName, queue_label: change.queueLabel });
      return;
    case 'transferred':
      ctx.say('agent_transferred', { agent_name: change.agentName, queue_label: change.queueLabel });
      return;
    case 'agent_said':
      state.transcript.push({ from: 'agent', name: change.agentName, text: redact(change.text.slice(0, MAX_ENTRY_CHARS)), at: ctx.now.toISOString() });
      return;
    case 'back_to_bot':
      state.handedOff = null;
      state.misses = 0;
      ctx.did(`${change.agentName} handed the conversation back to the bot`);
      ctx.say('back_to_bot', { agent_name: change.agentName });
      return;
    case 'ended':
      state.handedOff = null;
      state.misses = 0;
      state.survey = { contactId, askedAt: ctx.now.toISOString() };
      ctx.say('survey_question', { agent_name: change.agentName });
      return;
  }
}
