/**
 * Next best actions: an offer is relevant or it is not shown. An offer
 * appears only where its rule says it may (`where`: intents, contexts,
 * outcomes it never follows), when its facts hold, and never a sale on an
 * intent where the customer's problem comes first (`no_sales_on`).
 */
import type { OfferContext, OfferRules } from '../content/schemas';
import type { Facts } from '../domain/facts';
import { holds } from './conditions';
import type { NextBestAction } from './handoff-record';
import type { ConversationState } from './state';
import { render, type Formatter } from './template';

export interface MatchedOffer extends NextBestAction {
  /** What the bot may say itself, when the content gives it. */
  bot?: string;
}

/** Where an offer would appear: on which intent, how the conversation got there, and what it went through. */
export interface OfferSituation {
  /** The intent handed off, or the self-service flow just finished; null when nothing was understood. */
  intent: string | null;
  context: OfferContext;
  /** The outcomes (`end:` names) of the flows this conversation went through. */
  outcomes: readonly string[];
}

/** The situation of a conversation at this point. */
export function situationOf(state: ConversationState, intent: string | null, context: OfferContext): OfferSituation {
  return { intent, context, outcomes: state.outcomes.map((o) => o.outcome) };
}

export function nextBestActions(rules: OfferRules, facts: Facts, fmt: Formatter, where: OfferSituation): MatchedOffer[] {
  const { intent, context, outcomes } = where;
  const noSales = intent !== null && rules.no_sales_on.includes(intent);
  return rules.offers
    .filter((o) => !(noSales && o.kind === 'sales'))
    .filter((o) => intent !== null && o.where.intents.includes(intent))
    .filter((o) => o.where.contexts.includes(context))
    .filter((o) => !o.where.not_after.some((outcome) => outcomes.includes(outcome)))
    .filter((o) => holds(o.when, { ...facts, intent }))
    .map((o) => ({
      offer: o.offer,
      kind: o.kind,
      prompt: render(o.agent, facts, fmt).text,
      ...(o.bot ? { bot: o.bot } : {}),
    }));
}
