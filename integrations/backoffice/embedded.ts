/**
 * The embedded back office: the actions the demo's dialogs call
 * (`call: outage.check`), answered from demo files and the CI profile.
 * A production deployment implements the same BackOffice port against its
 * own systems (order management, billing, identity).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { readYaml } from '../../bot/content/yaml-file';
import { BackOfficeError, type ActionContext, type BackOffice, type Clock, type ProfileUpdates } from '../../bot/engine/ports';
import type { Profile } from '../../bot/engine/profile';
import { days, hoursPattern, isOpen, localTime, readableHours, weekSummary } from './stores';

type Result = Record<string, string | number | boolean | null>;

const outagesSchema = z
  .object({
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    outages: z.array(
      z
        .object({
          id: z.string(),
          postcodes: z.array(z.string()).min(1),
          service: z.string(),
          description: z.string(),
          started: z.string().datetime({ offset: true }),
          until: z.string().datetime({ offset: true }),
        })
        .strict(),
    ),
  })
  .strict();

const hours = z.string().regex(hoursPattern, 'opening hours as "09:00-20:00" or closed');
const storesSchema = z
  .object({
    time_zone: z.string(),
    stores: z
      .array(
        z
          .object({
            name: z.string(),
            flagship: z.boolean().default(false),
            address: z.string(),
            city: z.string(),
            postcode: z.string().regex(/^\d{5}$/, 'a 5-digit ZIP code'),
            phone: z.string(),
            hours: z.object(Object.fromEntries(days.map((d) => [d, hours])) as Record<(typeof days)[number], typeof hours>).strict(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export interface EmbeddedBackOfficeOptions {
  outagesFile: string;
  storesFile: string;
  clock: Clock;
  profiles?: ProfileUpdates;
  paymentUrlBase?: string;
  timeZone?: string;
  idGen?: () => string;
}

const catalogue = ['iPhone 17', 'Samsung Galaxy S25', 'Google Pixel 10'];
const DAY = 86_400_000;

export class EmbeddedBackOffice implements BackOffice {
  /** The actions a dialog may call, for the content validator. */
  static readonly actionNames = [
    'outage.check',
    'stores.nearest',
    'payment.send_link',
    'password.send_reset',
    'address.update',
    'upgrade.quote',
    'upgrade.place',
    'orders.find',
    'campaigns.match',
  ] as const;
  readonly actions = EmbeddedBackOffice.actionNames;

  private constructor(
    private readonly opts: EmbeddedBackOfficeOptions,
    private readonly outages: z.infer<typeof outagesSchema>,
    private readonly stores: z.infer<typeof storesSchema>,
  ) {}

  static async load(opts: EmbeddedBackOfficeOptions): Promise<EmbeddedBackOffice> {
    return new EmbeddedBackOffice(opts, readYaml(opts.outagesFile, outagesSchema), readYaml(opts.storesFile, storesSchema));
  }

  async run(action: string, args: Record<string, unknown>, ctx: ActionContext): Promise<Result> {
    const arg = (k: string) => {
      const v = args[k];
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
    };
    switch (action) {
      case 'outage.check':
        return this.outageCheck(arg('postcode') ?? ctx.profile?.address.postcode ?? null);
      case 'stores.nearest':
        return this.nearestStore(arg('postcode') ?? ctx.profile?.address.postcode ?? null);
      case 'payment.send_link': {
        const p = need(ctx, action);
        const amount = arg('amount') !== null ? Number(arg('amount')) : p.billing.balance;
        const voice = (arg('channel') ?? ctx.channel) === 'voice';
        const token = randomBytes(12).toString('base64url');
        return {
          url: `${this.opts.paymentUrlBase ?? 'https://pay.brightwave.example'}/p/${token}`,
          sent_by: voice ? 'sms' : 'link',
          to: voice ? `•••• ${p.phones[0]!.slice(-4)}` : null,
          amount: Number.isFinite(amount) ? amount : p.billing.balance,
        };
      }
      case 'password.send_reset': {
        const p = need(ctx, action);
        if (!p.email) throw new BackOfficeError('no email address on file', 'the dialog should check for an email first');
        const [local, domain] = p.email.split('@') as [string, string];
        return { email: `${local.charAt(0)}•••@${domain}` };
      }
      case 'address.update': {
        const p = need(ctx, action);
        const line1 = arg('line1');
        const city = arg('city');
        const postcode = arg('postcode');
        if (!line1 || !city) throw new BackOfficeError('street and city are needed', 'ask for line1 and city');
        if (!postcode || !/^\d{5}$/.test(postcode)) throw new BackOfficeError('a 5-digit ZIP code is needed', 'ask for a postcode slot');
        const address = { line1, city, postcode, ...(arg('region') ? { region: arg('region')! } : {}) };
        await this.opts.profiles?.updateAddress(p.id, address);
        return { done: true, address: `${line1}, ${city} ${postcode}` };
      }
      case 'upgrade.quote':
        return this.quote(need(ctx, action));
      case 'upgrade.place': {
        need(ctx, action);
        const model = arg('model');
        if (!model) throw new BackOfficeError('no model to order', 'pass the quoted model');
        const eta = new Date(this.opts.clock.now().getTime() + 3 * DAY).toISOString().slice(0, 10);
        return { order_id: this.opts.idGen?.() ?? `BW-${randomInt(100000, 1000000)}`, eta, model };
      }
      case 'orders.find':
        return findOrder(need(ctx, action), arg('order_number'));
      case 'campaigns.match':
        return matchCampaign(need(ctx, action), arg('text') ?? '');
      default:
        throw new BackOfficeError(`unknown action "${action}"`, `known actions: ${this.actions.join(', ')}`);
    }
  }

  private shiftDays(): number {
    const asOf = this.outages.as_of;
    if (!asOf) return 0;
    const now = this.opts.clock.now();
    return Math.round((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - Date.parse(`${asOf}T00:00:00Z`)) / DAY);
  }

  private outageCheck(postcode: string | null): Result {
    const none = { found: false, postcode, service: null, description: null, until: null };
    if (!postcode) return none;
    const shift = this.shiftDays() * DAY;
    const now = this.opts.clock.now().getTime();
    const hit = this.outages.outages.find(
      (o) => o.postcodes.includes(postcode) && Date.parse(o.started) + shift <= now && now < Date.parse(o.until) + shift,
    );
    if (!hit) return none;
    return { found: true, postcode, service: hit.service, description: hit.description, until: new Date(Date.parse(hit.until) + shift).toISOString() };
  }

  private nearestStore(postcode: string | null): Result {
    const list = this.stores.stores;
    const target = postcode && /^\d{5}$/.test(postcode) ? Number(postcode) : null;
    const store =
      target === null
        ? (list.find((s) => s.flagship) ?? list[0]!)
        : [...list].sort((a, b) => Math.abs(Number(a.postcode) - target) - Math.abs(Number(b.postcode) - target))[0]!;
    const { day, minutes } = localTime(this.opts.clock.now(), this.stores.time_zone);
    return {
      name: store.name,
      address: `${store.address}, ${store.city} ${store.postcode}`,
      phone: store.phone,
      hours: weekSummary(store.hours),
      today: readableHours(store.hours[day]),
      open_now: isOpen(store.hours[day], minutes),
    };
  }

  private quote(p: Profile): Result {
    const device = p.devices[0];
    if (!device || !p.products.some((x) => x.kind === 'mobile'))
      throw new BackOfficeError('no mobile line with a device to upgrade', 'the customer has no phone with us');
    const entitled = p.entitlements.free_upgrade === true;
    const model = catalogue.find((m) => m !== device.model) ?? catalogue[0]!;
    let fee = 0;
    if (!entitled) {
      const set = p.entitlements.early_upgrade_fee;
      if (typeof set === 'number') fee = set;
      else if (p.contract?.endDate) {
        const months = Math.ceil((Date.parse(p.contract.endDate) - this.opts.clock.now().getTime()) / (30.44 * DAY));
        fee = Math.max(0, 15 * months);
      }
    }
    return { entitled, current_model: device.model, model, fee };
  }
}

function need(ctx: ActionContext, action: string): Profile {
  if (!ctx.profile) throw new BackOfficeError(`${action} needs a known customer`, 'the dialog should verify the customer first');
  return ctx.profile;
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

function findOrder(p: Profile, orderNumber: string | null): Result {
  const open = p.orders.filter((o) => o.open);
  let order = null;
  if (orderNumber) {
    const wanted = digitsOf(orderNumber);
    order = wanted ? (p.orders.find((o) => digitsOf(o.id) === wanted) ?? null) : null;
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

function matchCampaign(p: Profile, text: string): Result {
  const words = new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1));
  const score = (c: Profile['campaigns'][number]) =>
    [...c.keywords, ...c.name.toLowerCase().split(/\s+/)].reduce((n, k) => n + (k.toLowerCase().split(/\s+/).every((w) => words.has(w)) ? 1 : 0), 0);
  const byRecent = [...p.campaigns].sort((a, b) => b.sentAt.localeCompare(a.sentAt));
  const best = byRecent.map((c) => ({ c, s: score(c) })).sort((a, b) => b.s - a.s)[0];
  const c = best && best.s > 0 ? best.c : byRecent[0];
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
