/**
 * What happened in a conversation, for the figures: each saved turn is
 * compared with the state it started from and what changed becomes outcome
 * events in `store.events` (kinds in store.ts). Ids, names and counts only:
 * never what the customer said.
 */
import type { ConversationState } from './state';
import type { OutcomeEvent } from './store';
import type { TurnOutput } from './turn';

/** The parts of a state that outcomes are read from, taken before a turn. */
export interface OutcomeMarks {
  turns: number;
  handoffId: string | null;
  outcomes: number;
  misses: number;
  verifyFailures: number;
  offers: number;
}

export function marks(state: ConversationState): OutcomeMarks {
  return {
    turns: state.turns,
    handoffId: state.handedOff?.handoffId ?? null,
    outcomes: state.outcomes.length,
    misses: state.misses,
    verifyFailures: state.verifyFailures,
    offers: state.offersMade.length,
  };
}

/** The events a turn (or a handoff from outside a turn) produced: from `before` to `state` as saved. */
export function outcomeEvents(before: OutcomeMarks, state: ConversationState, output: Pick<TurnOutput, 'handoff'> | null, at: string): OutcomeEvent[] {
  const event = (kind: string, intent: string | null, detail: OutcomeEvent['detail'] = {}): OutcomeEvent => ({
    at,
    conversationId: state.conversationId,
    channel: state.channel,
    kind,
    intent,
    detail,
  });
  const events: OutcomeEvent[] = [];
  if (before.turns === 0 && state.turns > 0) events.push(event('started', null));
  for (const o of state.outcomes.slice(before.outcomes)) events.push(event('completed_in_bot', o.intent, { outcome: o.outcome }));
  if (state.misses > before.misses) events.push(event('not_understood', null, { in_a_row: state.misses }));
  if (state.verifyFailures > before.verifyFailures) events.push(event('verification_failed', state.topic, { failures: state.verifyFailures }));
  for (const o of state.offersMade.slice(before.offers)) events.push(event('offer', o.intent, { offer: o.offer, by: 'bot' }));
  const handed = state.handedOff;
  if (handed && handed.handoffId !== before.handoffId) {
    const handoff = output?.handoff?.handoff;
    events.push(
      event('handed_off', handoff ? (handoff.intent?.name ?? null) : state.topic, {
        queue: handed.queue,
        handoff: handed.handoffId,
        priority: handoff?.priority ?? null,
        understood: handoff ? handoff.intent !== null : null,
      }),
    );
  }
  return events;
}
