/**
 * The agent's summary: only the profile sections the intent calls for
 * (a billing dispute shows invoices, never deliveries).
 */
import type { Dialog, Step, SummarySection, SummarySpec } from '../content/schemas';
import { daysBetween, tenureMonths, usedPercent } from '../domain/facts';
import type { SummarySectionView } from './handoff-record';
import type { Profile } from '../domain/profile';
import type { ActiveDialog } from './state';
import type { Formatter } from './template';

const titles: Record<SummarySection, string> = {
  products: 'Products',
  devices: 'Devices',
  balance: 'Balance',
  last_payment: 'Last payment',
  invoices: 'Recent invoices',
  orders: 'Orders',
  contacts: 'Recent contacts',
  tickets: 'Open tickets',
  tenure: 'Tenure',
  value: 'Value',
  churn_risk: 'Churn risk',
  contract: 'Contract',
  entitlements: 'Entitlements',
  campaigns: 'Campaigns received',
  retention_offers: 'Retention offers',
  usage: 'Usage this cycle',
};

const closed = /^(closed|resolved|done|cancelled)$/i;

function lines(section: SummarySection, p: Profile, spec: SummarySpec, now: Date, fmt: Formatter): string[] {
  const money = (n: number) => fmt.money(n).text;
  switch (section) {
    case 'products':
      return p.products.map(
        (x) => `${x.name} (${x.kind})${x.monthlyPrice !== undefined ? `, ${money(x.monthlyPrice)}/month` : ''}`,
      );
    case 'devices':
      return p.devices.map((d) => `${d.model}${d.since ? `, since ${d.since}` : ''}`);
    case 'balance':
      return [`${money(p.billing.balance)}${p.billing.dueDate ? `, due ${p.billing.dueDate}` : ''}`];
    case 'last_payment':
      return p.billing.lastPayment ? [`${money(p.billing.lastPayment.amount)} on ${p.billing.lastPayment.date}`] : [];
    case 'invoices':
      return [...p.billing.invoices]
        .sort((a, b) => b.date.localeCompare(a.date))
        .slice(0, spec.invoices)
        .map((i) => `${i.date} ${i.id}: ${money(i.amount)} (${i.status})`);
    case 'orders':
      return p.orders.map(
        (o) =>
          `${o.id} ${o.item}: ${o.status}${o.carrier ? `, ${o.carrier}` : ''}${o.eta ? `, ETA ${o.eta}` : ''}${o.open ? '' : ' (closed)'}`,
      );
    case 'contacts':
      return p.contacts
        .filter((c) => spec.contacts_days === undefined || -daysBetween(now, c.date) <= spec.contacts_days)
        .filter((c) => !spec.contacts_topics || spec.contacts_topics.includes(c.topic))
        .sort((a, b) => b.date.localeCompare(a.date))
        .map((c) => `${c.date} ${c.channel}, ${c.topic}: ${c.summary}`);
    case 'tickets':
      return p.tickets.filter((t) => !closed.test(t.status)).map((t) => `${t.id} ${t.opened} ${t.topic} (${t.status}): ${t.summary}`);
    case 'tenure': {
      const months = tenureMonths(p, now);
      const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
      return [`Customer since ${p.customerSince} (${count(Math.floor(months / 12), 'year')} ${count(months % 12, 'month')})`];
    }
    case 'value':
      return [`Value ${p.scores.value}/100, potential ${p.scores.potential}/100`];
    case 'churn_risk':
      return [`${Math.round(p.scores.churnRisk * 100)}%${p.scores.churnRisk >= 0.7 ? ' (high)' : ''}`];
    case 'contract':
      return p.contract
        ? [
            `${p.contract.plan}${p.contract.endDate ? `, ends ${p.contract.endDate} (in ${daysBetween(now, p.contract.endDate)} days)` : ', no end date'}`,
          ]
        : [];
    case 'entitlements':
      return Object.entries(p.entitlements).map(
        ([k, v]) => `${k.replace(/_/g, ' ')}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`,
      );
    case 'campaigns':
      return [...p.campaigns]
        .sort((a, b) => b.sentAt.localeCompare(a.sentAt))
        .map((c) => `${c.sentAt} ${c.channel}: ${c.name} (${c.response ?? 'no answer yet'})`);
    case 'retention_offers':
      return p.retentionOffers.map((o) => o.description);
    case 'usage':
      return p.products
        .filter((x) => x.allowanceGb !== undefined)
        .map((x) =>
          x.allowanceGb === null
            ? `${x.name}: ${x.usedGb ?? 0} GB used (unlimited)`
            : `${x.name}: ${x.usedGb ?? 0} of ${x.allowanceGb} GB (${usedPercent({ ...x, allowanceGb: x.allowanceGb! })}%)${x.cycleEnd ? `, cycle ends ${x.cycleEnd}` : ''}`,
        );
  }
}

export function summarize(spec: SummarySpec, profile: Profile | null, now: Date, fmt: Formatter): SummarySectionView[] {
  if (!profile) return [];
  return spec.show
    .map((section) => ({ section, title: titles[section], lines: lines(section, profile, spec, now, fmt) }))
    .map((v) => (v.lines.length ? v : { ...v, lines: ['none'] }));
}

/** The `ask` slots of a dialog's steps, branches included, in order. */
function askedSlots(steps: Step[]): string[] {
  return steps.flatMap((step) => ('ask' in step ? [step.ask] : 'if' in step ? [...askedSlots(step.then), ...askedSlots(step.else)] : []));
}

/**
 * What the customer already answered in the flow that was interrupted (a new
 * address the CI system refused to save), so the agent does not ask again.
 */
export function collectedAnswers(active: ActiveDialog | null, dialog: Dialog | undefined): SummarySectionView[] {
  if (!active || !dialog) return [];
  const lines = [...new Set(askedSlots(dialog.steps))]
    .filter((slot) => active.values[slot] !== undefined && active.values[slot] !== null && active.values[slot] !== '')
    .map((slot) => {
      const v = active.values[slot];
      return `${slot.replace(/_/g, ' ')}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`;
    });
  return lines.length ? [{ section: 'answers', title: `Answers given in the bot (${active.dialog.replace(/_/g, ' ')})`, lines }] : [];
}
