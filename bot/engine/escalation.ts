/**
 * Where a customer goes when a channel must put them through before the
 * turn in progress ends (a phone turn past its deadline). Decided here, by
 * the same routing as every handoff, from what the stored conversation
 * already holds: no outside system is asked, since a slow one may be why
 * the turn is late. The full handoff follows when the turn ends.
 */
import type { Intent } from '../content/schemas';
import type { TurnContext } from './context';
import { routeFor } from './handoff-stage';

/** The routing decision a channel renders: queue, priority and the attributes a routing engine matches on. */
export interface Escalation {
  queue: string;
  queueLabel: string;
  priority: number;
  attributes: Record<string, unknown>;
}

/** The intent an escalation is about: the dialog in progress, else the conversation's topic. */
export function escalationIntent(ctx: TurnContext): Intent | null {
  return ctx.dialogIntent() ?? (ctx.state.topic ? (ctx.content.intents.get(ctx.state.topic) ?? null) : null);
}

export function escalation(ctx: TurnContext, reason: string): Escalation {
  const intent = escalationIntent(ctx);
  const { where } = routeFor(ctx, intent);
  return {
    queue: where.queue,
    queueLabel: where.queueLabel,
    priority: where.priority,
    // The same names as a full handoff's attributes (routingAttributes), so one workflow routes both.
    attributes: {
      type: 'frontline_handoff',
      conversation_id: ctx.state.conversationId,
      channel: ctx.state.channel,
      queue: where.queue,
      queue_label: where.queueLabel,
      priority: where.priority,
      verified: ctx.state.verified,
      intent: intent?.intent ?? null,
      reason,
      summary_pending: true,
    },
  };
}
