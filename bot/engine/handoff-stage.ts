/**
 * The decide-to-hand-off stage: pick the queue and priority, build the one
 * handoff object with the intent-specific summary and next best actions,
 * deliver it, and tell the customer what happens next.
 */
import { agentLabel, type Intent, type OfferContext } from '../content/schemas';
import type { TurnContext } from './context';
import type { Handoff } from './handoff-record';
import type { Facts } from '../domain/facts';
import { nextBestActions, situationOf } from './offers';
import { route, type Route } from './routing';
import { collectedAnswers, summarize } from './summary';

export interface HandoffRequest {
  /** The intent the customer asked for; null when the bot understood nothing. */
  intent: Intent | null;
  /** Why, in the agent's words. */
  reason: string;
  /** What the customer hears first (the intent's or the dialog's line); `{queue_label}` names the queue routed to. */
  say?: string;
  /** How the conversation got here, for where offers may appear; worked out from the state when absent. */
  context?: OfferContext;
  /** A queue decided before routing (failed verification); the routing rules are skipped. */
  queue?: string;
}

/** How the conversation came to a person, when the caller did not say. */
function contextOf(ctx: TurnContext, req: HandoffRequest): OfferContext {
  if (req.context) return req.context;
  const { escape, understanding } = ctx.content.assistant;
  if (req.intent?.intent === escape.intent) return 'escape';
  if (ctx.state.silences >= understanding.silences_before_handoff) return 'no_input';
  if (!req.intent) return ctx.state.misses >= understanding.misses_before_handoff ? 'not_understood' : 'error';
  return 'request';
}

/** The intent whose queue and summary apply: "talk to a person" takes the current topic's. */
function effectiveIntent(ctx: TurnContext, intent: Intent | null): Intent | null {
  if (intent?.queue_from_topic && ctx.state.topic && ctx.state.topic !== intent.intent) {
    const topic = ctx.content.intents.get(ctx.state.topic);
    if (topic?.queue) return topic;
  }
  return intent;
}

/**
 * The one routing decision: the intent whose queue applies, the facts, and
 * the queue and priority the rules pick. A handoff uses it, and so does a
 * channel that must put the customer through before the turn ends.
 */
export function routeFor(ctx: TurnContext, intent: Intent | null, fixedQueue?: string): { basis: Intent | null; facts: Facts; where: Route } {
  const basis = effectiveIntent(ctx, intent);
  const intentQueue = basis?.queue ?? ctx.content.assistant.fallback.queue;
  const facts = ctx.ruleFacts({ intent: basis?.intent ?? null });
  return { basis, facts, where: route(ctx.content.routing, intentQueue, facts, fixedQueue) };
}

/** What the card says instead of the profile's sections while the CI system fails. */
const PROFILE_UNAVAILABLE = {
  section: 'profile_unavailable',
  title: 'Customer profile unavailable',
  lines: ['The CI system did not answer, so no account details, segment or history are shown. Confirm who the customer is before discussing the account.'],
};

/** The customer id known without the CI system: found earlier, or vouched for by the channel (signed in). */
function knownCustomerId(ctx: TurnContext): string | null {
  const { customerId, identity } = ctx.state;
  if (customerId) return customerId;
  return identity?.kind === 'customerId' && identity.authenticated ? identity.value : null;
}

export async function handOff(ctx: TurnContext, req: HandoffRequest): Promise<void> {
  const { content, state } = ctx;
  const { basis, facts, where } = routeFor(ctx, req.intent, req.queue);
  const situation = situationOf(state, basis?.intent ?? null, contextOf(ctx, req));
  const seg = ctx.segment;
  const p = ctx.profile;
  const unavailable = !p && ctx.profileUnavailable;
  const handoff: Handoff = {
    id: ctx.services.newId(),
    conversationId: state.conversationId,
    channel: state.channel,
    createdAt: ctx.now.toISOString(),
    customer: {
      id: p?.id ?? (unavailable ? knownCustomerId(ctx) : null),
      name: p ? `${p.firstName} ${p.lastName}` : null,
      segment: seg.segment,
      strategy: seg.strategy,
      intensity: seg.intensity,
      verified: state.verified,
      ...(unavailable ? { profileUnavailable: true } : {}),
    },
    intent: req.intent
      ? { name: req.intent.intent, label: agentLabel(req.intent), confidence: state.confidence }
      : null,
    words: [...state.words],
    botActions: [...state.actions],
    summary: [
      ...(unavailable ? [PROFILE_UNAVAILABLE] : []),
      ...collectedAnswers(state.dialog, state.dialog ? content.dialogs.get(state.dialog.dialog) : undefined),
      ...summarize(basis?.summary ?? content.assistant.fallback.summary, p, ctx.now, ctx.format),
    ],
    nextBestActions: nextBestActions(content.offers, facts, ctx.format, situation).map(({ offer, kind, prompt }) => ({
      offer,
      kind,
      prompt,
    })),
    queue: where.queue,
    queueLabel: where.queueLabel,
    priority: where.priority,
    reason: req.reason,
    transcript: [...state.transcript],
  };

  let receipt;
  try {
    receipt = await ctx.services.handoffs.deliver(handoff);
  } catch (err) {
    ctx.services.log.error('handoff.failed', {
      conversationId: state.conversationId,
      queue: where.queue,
      error: (err as Error).name,
    });
    ctx.say('handoff_failed');
    state.dialog = null;
    state.verifying = null;
    return;
  }
  const minutes = receipt.expectedWaitSeconds !== undefined ? Math.max(1, Math.round(receipt.expectedWaitSeconds / 60)) : where.expectedWaitMinutes;
  // The queue routed to, never the intent's own: a platinum billing dispute hears "Premium Service".
  const vars = { queue_label: where.queueLabel, wait: minutes === null ? null : `${minutes} minute${minutes === 1 ? '' : 's'}` };
  if (req.say) ctx.push(ctx.toReply(req.say, undefined, vars));
  // Nobody serving the queue is at work: no wait is promised.
  if (receipt.staffed === false) ctx.say('handoff_unstaffed', vars);
  else if (req.say && minutes !== null) ctx.say('handoff_wait', vars);
  else if (!req.say) ctx.say(minutes === null ? 'handoff_no_wait' : 'handoff', vars);
  state.handedOff = { queue: receipt.queue, at: ctx.now.toISOString(), handoffId: handoff.id };
  state.dialog = null;
  state.verifying = null;
  state.clarifying = null;
  ctx.output.handoff = { handoff, receipt };
  ctx.services.log.info('handoff', {
    conversationId: state.conversationId,
    intent: handoff.intent?.name ?? null,
    queue: handoff.queue,
    priority: handoff.priority,
    segment: seg.segment,
  });
}
