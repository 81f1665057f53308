/** Next best actions: the offers whose rules hold, minus sales where the customer's problem comes first. */
import type { OfferRules } from '../content/schemas';
import { holds, type Facts } from './conditions';
import type { NextBestAction } from './handoff';
import { render, type Formatter } from './template';

export interface MatchedOffer extends NextBestAction {
  /** What the bot may say itself, when the content gives it. */
  bot?: string;
}

export function nextBestActions(rules: OfferRules, facts: Facts, fmt: Formatter): MatchedOffer[] {
  const intent = typeof facts.intent === 'string' ? facts.intent : null;
  const noSales = intent !== null && rules.no_sales_on.includes(intent);
  return rules.offers
    .filter((o) => !(noSales && o.kind === 'sales'))
    .filter((o) => holds(o.when, facts))
    .map((o) => ({
      offer: o.offer,
      kind: o.kind,
      prompt: render(o.agent, facts, fmt).text,
      ...(o.bot ? { bot: o.bot } : {}),
    }));
}
