/**
 * What the rules can see: a flat record of facts derived from the CI profile
 * and the conversation. Rule files name these facts; docs/content.md lists them.
 * Content validation and the engine both read the names from here.
 */
import type { Product, Profile } from './profile';

/** One fact's value: rules compare it, texts show it. */
export type FactValue = string | number | boolean | null | readonly string[];
/** The facts of one turn, by name. */
export type Facts = Readonly<Record<string, FactValue | undefined>>;

const DAY = 86_400_000;

/** Whole days from `from` to the date `to` (negative when `to` is past). */
export function daysBetween(from: Date, to: string): number {
  const end = Date.parse(to.length === 10 ? `${to}T00:00:00Z` : to);
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  return Math.round((end - start) / DAY);
}

/** Whole months a customer has been with us. */
export function tenureMonths(profile: Profile, now: Date): number {
  return Math.max(0, Math.floor(-daysBetween(now, profile.customerSince) / 30.44));
}

/** Share of a product's data allowance used this cycle, in whole percent. */
export function usedPercent(product: Product & { allowanceGb: number }): number {
  return Math.round(((product.usedGb ?? 0) / product.allowanceGb) * 100);
}

/** The customer's facts, from the profile alone. */
export function profileFacts(profile: Profile | null, now: Date): Record<string, FactValue> {
  if (!profile) return { identified: false, product_kinds: [] };
  const f: Record<string, FactValue> = {
    identified: true,
    first_name: profile.firstName,
    last_name: profile.lastName,
    name: `${profile.firstName} ${profile.lastName}`,
    email: profile.email ?? null,
    value: profile.scores.value,
    potential: profile.scores.potential,
    churn_risk: profile.scores.churnRisk,
    tenure_months: tenureMonths(profile, now),
    customer_since: profile.customerSince,
    postcode: profile.address.postcode,
    address: [profile.address.line1, profile.address.line2, profile.address.city, profile.address.postcode]
      .filter(Boolean)
      .join(', '),
    product_kinds: [...new Set(profile.products.map((p) => p.kind))],
    balance: profile.billing.balance,
    due_date: profile.billing.dueDate ?? null,
    overdue: profile.billing.balance > 0 && profile.billing.dueDate !== undefined && daysBetween(now, profile.billing.dueDate) < 0,
    last_payment_amount: profile.billing.lastPayment?.amount ?? null,
    last_payment_date: profile.billing.lastPayment?.date ?? null,
    open_orders: profile.orders.filter((o) => o.open).length,
    plan: profile.contract?.plan ?? null,
    contract_end: profile.contract?.endDate ?? null,
    contract_days_left: profile.contract?.endDate ? daysBetween(now, profile.contract.endDate) : null,
    device: profile.devices[0]?.model ?? null,
    retention_offer_count: profile.retentionOffers.length,
    retention_offer: profile.retentionOffers.map((o) => o.description).join('; ') || null,
  };
  for (const [k, v] of Object.entries(profile.entitlements)) f[`entitlements.${k}`] = v;

  const metered = profile.products.filter((p) => typeof p.allowanceGb === 'number' && p.allowanceGb > 0);
  const usage = metered
    .map((p) => ({ p, pct: usedPercent(p as Product & { allowanceGb: number }) }))
    .sort((a, b) => b.pct - a.pct)[0];
  f.data_used_pct = usage ? usage.pct : null;
  f.data_used_gb = usage ? (usage.p.usedGb ?? 0) : null;
  f.data_allowance_gb = usage ? (usage.p.allowanceGb as number) : null;
  f.data_plan = usage ? usage.p.name : null;
  f.data_cycle_end = usage?.p.cycleEnd ?? null;

  const unanswered = profile.campaigns
    .filter((c) => c.response === null)
    .sort((a, b) => b.sentAt.localeCompare(a.sentAt))[0];
  f.campaign_days_ago = unanswered ? -daysBetween(now, unanswered.sentAt) : null;
  f.campaign_name = unanswered?.name ?? null;
  f.campaign_offer = unanswered?.offer ?? null;
  f.campaign_channel = unanswered?.channel ?? null;
  return f;
}

/** Facts the conversation adds to the profile's (see TurnContext.facts). */
export const conversationFacts = ['segment', 'strategy', 'intensity', 'verified', 'channel', 'topic', 'options', 'intent'] as const;

/** Values the engine gives a dialog from the message that started it. */
export const startValues = ['utterance', 'order_number', 'postcode_mentioned'] as const;

/** Every fact name rules and texts may use; `entitlements.<name>` is open-ended. */
export function knownFactNames(): Set<string> {
  const sample = profileFacts(
    {
      id: 'x', firstName: 'x', lastName: 'x', phones: ['x'], address: { line1: 'x', city: 'x', postcode: 'x' }, customerSince: '2020-01-01',
      scores: { value: 1, potential: 1, churnRisk: 0 }, products: [], devices: [], entitlements: {}, billing: { currency: 'USD', balance: 0, invoices: [] },
      orders: [], contacts: [], tickets: [], campaigns: [], retentionOffers: [],
    },
    new Date(),
  );
  return new Set([...Object.keys(sample), ...conversationFacts]);
}
