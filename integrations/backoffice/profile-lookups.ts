/** Back-office answers read from the CI profile: an order by number, the campaign a customer means. */
import type { Profile } from '../../bot/domain/profile';

/** What a back-office action answers: a flat record a dialog reads as `{as.key}`. */
export type Result = Record<string, string | number | boolean | null>;

export function findOrder(p: Profile, orderNumber: string | null): Result {
  const open = p.orders.filter((o) => o.open);
  const key = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const digits = (s: string) => s.replace(/\D/g, '');
  let order = null;
  if (orderNumber) {
    // "BW-482913", "bw 482913" and "482913" all name the same order.
    const wanted = digits(orderNumber);
    order = p.orders.find((o) => key(o.id) === key(orderNumber) || (wanted.length >= 4 && digits(o.id) === wanted)) ?? null;
  } else if (open.length === 1) order = open[0]!;
  return {
    found: order !== null,
    open_count: open.length,
    id: order?.id ?? null,
    item: order?.item ?? null,
    status: order?.status ?? null,
    carrier: order?.carrier ?? null,
    eta: order?.eta ?? null,
    tracking_url: order?.trackingUrl ?? null,
  };
}

const stopWords = new Set('a an the and or of for to in on at by with about from my your our me i you we it this that what is was got get sent'.split(' '));
/** Lower-case content words, a trailing plural "s" dropped: "Letters about Fibre" → letter, fibre. */
function words(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !stopWords.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

export function matchCampaign(p: Profile, text: string): Result {
  const said = new Set(words(text));
  // A keyword (all its words said) counts double; each word of the name once.
  const score = (c: Profile['campaigns'][number]) =>
    c.keywords.filter((k) => words(k).length > 0 && words(k).every((w) => said.has(w))).length * 2 + words(c.name).filter((w) => said.has(w)).length;
  const byRecent = [...p.campaigns].sort((a, b) => b.sentAt.localeCompare(a.sentAt));
  const best = byRecent.reduce<{ c: Profile['campaigns'][number] | undefined; s: number }>((acc, c) => (score(c) > acc.s ? { c, s: score(c) } : acc), { c: byRecent[0], s: 0 });
  const c = best.c;
  return {
    count: p.campaigns.length,
    id: c?.id ?? null,
    name: c?.name ?? null,
    offer: c?.offer ?? null,
    sent_at: c?.sentAt ?? null,
    channel: c?.channel ?? null,
    response: c?.response ?? null,
  };
}

// Time zones without a library: Intl gives the wall clock of an instant, and
// the offset follows from it.
