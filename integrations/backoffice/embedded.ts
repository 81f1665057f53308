/**
 * The embedded back office: the actions the demo's dialogs call
 * (`call: outage.check`), answered from two content files (known outages,
 * stores) and the CI profile. A production deployment implements the same
 * BackOffice port against its own systems (order management, billing, identity).
 *
 * Arguments arrive as strings the engine rendered ('' = absent); every result
 * is a flat record, and dates in it are ISO strings the engine formats.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { readYaml } from '../../bot/content/yaml-file';
import { BackOfficeError, type ActionContext, type Address, type BackOffice, type Clock, type ProfileUpdates } from '../../bot/engine/ports';
import { daysBetween } from '../../bot/domain/facts';
import type { Profile } from '../../bot/domain/profile';
import { actionCatalogue, actionRegistry, type ActionName } from './actions';
import { hoursPattern, isOpen, localTime, readableHours, weekSummary } from './stores';
import { applyRetentionOffer, chargeFee, creditCharge } from './account-actions';
import { findOrder, matchCampaign, type Result } from './profile-lookups';
import { addDays, addLocalDays, isTimeZone, isoInZone, localDate } from './time-zone';

const zip = z.string().regex(/^\d{5}$/, 'a 5-digit ZIP code, e.g. "94110"');
const timestamp = z.string().datetime({ offset: true, message: 'a timestamp with its offset, e.g. 2026-11-24T18:00:00-08:00' });
const timeZone = z.string().refine(isTimeZone, 'an IANA time zone, e.g. America/Los_Angeles');
/** "3 hours ago", "in 9 hours": a demo outage that is happening whatever the time. */
const relativeTime = /^(?:(\d{1,3}) hours? ago|in (\d{1,3}) hours?)$/;
const when = z
  .string()
  .refine(
    (s) => relativeTime.test(s) || timestamp.safeParse(s).success,
    'a timestamp with its offset (2026-11-24T18:00:00-08:00), or relative to now ("3 hours ago", "in 9 hours")',
  );
/** Hours from now of a relative time; null for a timestamp. */
const hoursFromNow = (s: string): number | null => {
  const m = relativeTime.exec(s);
  return m ? (m[1] ? -Number(m[1]) : Number(m[2])) : null;
};
/** until after started, where both are known without a clock. */
const ordered = (o: { started: string; until: string }): boolean => {
  const [a, b] = [hoursFromNow(o.started), hoursFromNow(o.until)];
  if (a !== null && b !== null) return b > a;
  return a !== null || b !== null || Date.parse(o.until) > Date.parse(o.started);
};

const outagesSchema = z
  .object({
    /** The day the timestamps were written for; absent = never shifted. */
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, e.g. 2026-11-24').optional(),
    outages: z.array(
      z
        .object({
          id: z.string().min(1),
          postcodes: z.array(zip).min(1),
          service: z.string().min(1),
          description: z.string().min(1),
          started: when,
          until: when,
        })
        .strict()
        .refine(ordered, { message: 'until must be after started', path: ['until'] }),
    ),
  })
  .strict();

const hours = z
  .string()
  .regex(hoursPattern, 'opening hours as "09:00-20:00" or closed')
  .refine((s) => s === 'closed' || s.slice(0, 5) < s.slice(6), 'the closing time must be after the opening time');
const storesSchema = z
  .object({
    /** The stores' time zone; absent = the back office's `timeZone`. */
    time_zone: timeZone.optional(),
    support_hours: z.string().min(1).optional(),
    stores: z
      .array(
        z
          .object({
            name: z.string().min(1),
            flagship: z.boolean().default(false),
            address: z.string().min(1),
            city: z.string().min(1),
            postcode: zip,
            phone: z.string().min(1),
            hours: z.object({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours }).strict(),
          })
          .strict(),
      )
      .min(1)
      .refine((list) => list.filter((s) => s.flagship).length <= 1, 'at most one store can be the flagship'),
  })
  .strict();

type Outages = z.infer<typeof outagesSchema>;
type Stores = z.infer<typeof storesSchema>;

export interface EmbeddedBackOfficeOptions {
  outagesFile: string;
  storesFile: string;
  clock: Clock;
  /** Where `address.update` writes; without it that action fails (and the dialog hands off). */
  profiles?: ProfileUpdates;
  /** Default `https://pay.brightwave.example`. */
  paymentUrlBase?: string;
  /** The contact center's time zone: what "today" is. Default `America/Los_Angeles`. */
  timeZone?: string;
  /** A whole reference such as `BW-482913` (orders, credits, charges); default a prefix and six random digits. */
  idGen?: () => string;
}

const HOUR = 3_600_000;

/** Devices an upgrade may offer; the first of the customer's brand that differs from the current one. */
const catalogue = ['iPhone 17', 'iPhone 17 Pro', 'Samsung Galaxy S25', 'Google Pixel 10'];

export class EmbeddedBackOffice implements BackOffice {
  /** The actions a dialog may call, for the content validator. */
  static readonly actionNames: readonly ActionName[] = actionRegistry.map((a) => a.name);
  /** Each action's name and the argument keys it accepts: `npm run validate` checks both. */
  static readonly catalogue = actionCatalogue;
  readonly actions = EmbeddedBackOffice.actionNames;
  private readonly timeZone: string;

  private constructor(
    private readonly opts: EmbeddedBackOfficeOptions,
    private readonly outages: Outages,
    private readonly stores: Stores,
  ) {
    this.timeZone = opts.timeZone ?? 'America/Los_Angeles';
    if (!isTimeZone(this.timeZone)) throw new Error(`EmbeddedBackOffice: timeZone "${this.timeZone}" is not an IANA time zone (e.g. America/Los_Angeles)`);
  }

  /** Reads and validates both files; a broken file throws a ContentError naming file, line and field. */
  static async load(opts: EmbeddedBackOfficeOptions): Promise<EmbeddedBackOffice> {
    return new EmbeddedBackOffice(opts, readYaml(opts.outagesFile, outagesSchema), readYaml(opts.storesFile, storesSchema));
  }

  async run(action: string, args: Record<string, unknown>, ctx: ActionContext): Promise<Result> {
    const arg = (k: string): string | null => {
      const v = args[k];
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
    };
    switch (action) {
      case 'outage.check':
        return this.outageCheck(arg('postcode') ?? ctx.profile?.address.postcode ?? null);
      case 'stores.nearest':
        return this.nearestStore(arg('postcode') ?? ctx.profile?.address.postcode ?? null, arg('text'));
      case 'payment.send_link': {
        const p = need(ctx, action);
        const amount = arg('amount') === null ? p.billing.balance : parseAmount(arg('amount')!);
        if (!(amount > 0)) throw new BackOfficeError('payment.send_link: nothing to pay', 'the dialog should check the balance before sending a link');
        const sms = (arg('channel') ?? ctx.channel) === 'voice';
        return {
          url: `${this.opts.paymentUrlBase ?? 'https://pay.brightwave.example'}/p/${randomBytes(16).toString('base64url')}`,
          sent_by: sms ? 'sms' : 'link',
          to: sms ? `•••• ${p.phones[0]!.replace(/\D/g, '').slice(-4)}` : null,
          amount,
        };
      }
      case 'password.send_reset': {
        const p = need(ctx, action);
        if (!p.email) throw new BackOfficeError('password.send_reset: no email address on file', 'the dialog should check for an email first');
        const at = p.email.lastIndexOf('@');
        return { email: `${p.email.charAt(0)}•••${p.email.slice(at)}` };
      }
      case 'address.update':
        return this.updateAddress(need(ctx, action), arg('line1'), arg('city'), arg('postcode'), arg('region'));
      case 'upgrade.quote':
        return this.quote(need(ctx, action));
      case 'upgrade.place': {
        need(ctx, action);
        if (!arg('model')) throw new BackOfficeError('upgrade.place: no model to order', 'pass the quoted model: { model: "{quote.model}" }');
        return { order_id: this.newId('BW'), eta: addDays(this.today(), 3) };
      }
      case 'orders.find':
        return findOrder(need(ctx, action), arg('order_number'));
      case 'campaigns.match':
        return matchCampaign(need(ctx, action), arg('text') ?? '');
      case 'charge.credit':
        return creditCharge(need(ctx, action), arg('invoice'), arg('amount'), arg('reason'), this.newId('CR'));
      case 'fee.charge':
        need(ctx, action);
        return chargeFee(arg('amount'), arg('reason'), this.newId('CH'));
      case 'retention.apply':
        return applyRetentionOffer(need(ctx, action), arg('offer'));
      default:
        throw new BackOfficeError(`unknown action "${action}"`, `known actions: ${this.actions.join(', ')}`);
    }
  }

  /** An order, credit or charge reference: `idGen`'s, or the prefix and six random digits. */
  private newId(prefix: string): string {
    return this.opts.idGen?.() ?? `${prefix}-${randomInt(100000, 1000000)}`;
  }

  /** Today's date (YYYY-MM-DD) in the contact center's time zone. */
  private today(): string {
    return localDate(this.opts.clock.now().getTime(), this.timeZone);
  }

  private outageCheck(raw: string | null): Result {
    const postcode = raw ? normalZip(raw) : null;
    const none = { found: false, postcode: postcode ?? raw, service: null, description: null, until: null };
    if (!postcode) return none;
    const asOf = this.outages.as_of;
    // Whole days from as_of to today's date where the contact center is.
    const shift = asOf ? daysBetween(new Date(`${asOf}T00:00:00Z`), this.today()) : 0;
    const now = this.opts.clock.now().getTime();
    const at = (s: string): number => {
      const h = hoursFromNow(s);
      // Relative: a fix time on the whole hour reads naturally ("by 6:00 AM").
      if (h !== null) return h > 0 ? Math.ceil((now + h * HOUR) / HOUR) * HOUR : now + h * HOUR;
      return addLocalDays(Date.parse(s), shift, this.timeZone);
    };
    for (const o of this.outages.outages) {
      if (!o.postcodes.includes(postcode)) continue;
      const started = at(o.started);
      const until = at(o.until);
      if (started <= now && now < until)
        return { found: true, postcode, service: o.service, description: o.description, until: isoInZone(until, this.timeZone) };
    }
    return none;
  }

  /** A city named in `text` ("the San Jose store") wins over the ZIP code; the nearest store in it, or the nearest of all. */
  private nearestStore(raw: string | null, text: string | null): Result {
    const said = ` ${(text ?? '').toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ')} `;
    const named = this.stores.stores.filter((s) => said.includes(` ${s.city.toLowerCase()} `));
    const list = named.length ? named : this.stores.stores;
    const target = raw ? normalZip(raw) : null;
    const distance = (s: Stores['stores'][number]) => Math.abs(Number(s.postcode) - Number(target));
    const store =
      target === null
        ? (list.find((s) => s.flagship) ?? list[0]!)
        : list.reduce((best, s) => (distance(s) < distance(best) ? s : best));
    const { day, minutes } = localTime(this.opts.clock.now(), this.stores.time_zone ?? this.timeZone);
    return {
      name: store.name,
      city: store.city,
      in_named_city: named.length > 0,
      address: `${store.address}, ${store.city} ${store.postcode}`,
      phone: store.phone,
      hours: weekSummary(store.hours),
      today: readableHours(store.hours[day]),
      open_now: isOpen(store.hours[day], minutes),
      support_hours: this.stores.support_hours ?? null,
    };
  }

  private async updateAddress(p: Profile, line1: string | null, city: string | null, postcode: string | null, region: string | null): Promise<Result> {
    // Messages name the problem, never the customer's data: they end up in logs.
    if (!line1) throw new BackOfficeError('address.update: no street address', 'ask for line1 before calling');
    if (!city) throw new BackOfficeError('address.update: no city', 'ask for city before calling');
    if (!postcode || !/^\d{5}$/.test(postcode)) throw new BackOfficeError('address.update: the ZIP code is not 5 digits', 'ask with a postcode slot');
    if (!this.opts.profiles)
      throw new BackOfficeError('address.update: no ProfileUpdates configured', 'pass `profiles` to EmbeddedBackOffice, or the customer is told a change that was never saved');
    const address: Address = { line1, city, postcode, ...(region ? { region } : {}) };
    try {
      await this.opts.profiles.updateAddress(p.id, address);
    } catch (err) {
      if (err instanceof BackOfficeError) throw err;
      throw new BackOfficeError(`address.update: the CI profile refused the change (${(err as Error).name})`, 'check the CI source that stores profiles');
    }
    return { done: true, address: `${line1}, ${city}${region ? `, ${region}` : ''} ${postcode}` };
  }

  private quote(p: Profile): Result {
    const mobile = p.products.filter((x) => x.kind === 'mobile');
    const device = p.devices.find((d) => mobile.some((m) => m.id === d.productId)) ?? p.devices[0];
    if (!device || mobile.length === 0) throw new BackOfficeError('upgrade.quote: no mobile line with a device', 'the dialog should check for a phone first');
    const entitled = p.entitlements.free_upgrade === true;
    const brand = (m: string) => m.split(/\s+/)[0]!.toLowerCase();
    const others = catalogue.filter((m) => m.toLowerCase() !== device.model.toLowerCase());
    const model = others.find((m) => brand(m) === brand(device.model)) ?? others[0]!;
    let fee = 0;
    const set = p.entitlements.early_upgrade_fee;
    if (!entitled) fee = typeof set === 'number' ? set : 15 * monthsBetween(this.today(), p.contract?.endDate);
    return { entitled, current_model: device.model, model, fee };
  }
}

function need(ctx: ActionContext, action: string): Profile {
  if (!ctx.profile) throw new BackOfficeError(`${action} needs a known customer`, 'the dialog should verify the customer first');
  return ctx.profile;
}

/** "94110", "94110-1234" → "94110"; anything else → null. */
function normalZip(s: string): string | null {
  return /^\d{5}(-\d{4})?$/.test(s) ? s.slice(0, 5) : null;
}

/** "140", "$140.00", "1,234.5" → a number; anything else is a content mistake. */
function parseAmount(s: string): number {
  const n = Number(s.replace(/^\$|,/g, ''));
  if (!Number.isFinite(n)) throw new BackOfficeError('payment.send_link: the amount is not a number', 'pass a plain number, e.g. amount: "{balance}"');
  return Math.round(n * 100) / 100;
}

/** Whole months from `from` to `to` (YYYY-MM-DD), never below 0; 0 when `to` is unknown. */
function monthsBetween(from: string, to: string | undefined): number {
  if (!to) return 0;
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.slice(0, 10).split('-').map(Number) as [number, number, number];
  return Math.max(0, (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0));
}
