/** The embedded back office's actions, on the demo outage and store files, with a fixed clock and fixture profiles. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackOfficeError, type Address, type Clock } from '../../bot/engine/ports';
import { profileSchema, type Profile } from '../../bot/domain/profile';
import { EmbeddedBackOffice, type EmbeddedBackOfficeOptions } from '../../integrations/backoffice/embedded';

const root = join(__dirname, '..', '..');
const outagesFile = join(root, 'integrations/demo/outages.yaml');
const storesFile = join(root, 'integrations/demo/stores.yaml');
/** Tuesday 2026-11-24, 9:00 in California. */
const at = (iso = '2026-11-24T17:00:00Z'): Clock => ({ now: () => new Date(iso) });

let updates: { id: string; address: Address }[] = [];
beforeEach(() => {
  updates = [];
});
const make = (clock = at(), more: Partial<EmbeddedBackOfficeOptions> = {}) =>
  EmbeddedBackOffice.load({
    outagesFile,
    storesFile,
    clock,
    profiles: { updateAddress: async (id, address) => void updates.push({ id, address }) },
    idGen: () => 'BW-123456',
    ...more,
  });

const profile = (over: Record<string, unknown> & { id: string }): Profile =>
  profileSchema.parse({
    firstName: 'Jane',
    lastName: 'Doe',
    phones: ['+14155550142'],
    address: { line1: '1 Valencia Street', city: 'San Francisco', region: 'CA', postcode: '94110' },
    customerSince: '2019-05-01',
    scores: { value: 60, potential: 40, churnRisk: 0.2 },
    billing: { currency: 'USD', balance: 42.5 },
    ...over,
  });

const jane = profile({
  id: 'X1',
  email: 'jane.doe@example.com',
  contract: { plan: 'Mobile 10 GB', endDate: '2027-03-10' },
  products: [
    { id: 'bb', kind: 'broadband', name: 'Fibre 500' },
    { id: 'm', kind: 'mobile', name: 'Mobile 10 GB', allowanceGb: 10, usedGb: 2 },
  ],
  devices: [
    { model: 'Fibre router', productId: 'bb' },
    { model: 'iPhone 13', productId: 'm' },
  ],
  entitlements: { free_upgrade: false, early_upgrade_fee: 99 },
  orders: [
    { id: 'BW-482913', item: 'Router', status: 'shipped', carrier: 'UPS', eta: '2026-11-26', trackingUrl: 'https://track.example.com/ups/1Z', open: true },
    { id: 'BW-100001', item: 'Old phone', status: 'delivered', open: false },
  ],
  campaigns: [
    { id: 'A', name: 'Fibre 1 Gig upgrade', sentAt: '2026-10-01', channel: 'letter', offer: 'Faster fibre', response: null, keywords: ['fibre', 'gig'] },
    { id: 'B', name: 'Unlimited Plus', sentAt: '2026-11-10', channel: 'email', offer: 'Unlimited data', response: 'declined', keywords: ['unlimited'] },
  ],
});
const sam = profile({
  id: 'X2',
  phones: ['(916) 555-0199'],
  address: { line1: '9 K Street', city: 'Sacramento', postcode: '95814' },
  products: [{ id: 'm', kind: 'mobile', name: 'Mobile 5 GB' }],
  devices: [{ model: 'Samsung Galaxy S21' }],
  entitlements: { free_upgrade: true },
  orders: [
    { id: 'BW-550001', item: 'eSIM kit', status: 'processing', open: true },
    { id: 'BW-550002', item: 'Samsung Galaxy S25', status: 'processing', open: true },
  ],
});
const ctx = (p: Profile | null = jane, channel = 'chat') => ({ conversationId: 'c1', channel, profile: p });

describe('outage.check', () => {
  it('reports the broadband outage at 94110 until 6pm local, nothing at other ZIP codes', async () => {
    const bo = await make();
    expect(await bo.run('outage.check', { postcode: '' }, ctx())).toEqual({
      found: true,
      postcode: '94110',
      service: 'broadband',
      description: 'A fibre cabinet fault is affecting broadband on several streets',
      until: '2026-11-24T18:00:00-08:00',
    });
    expect(await bo.run('outage.check', { postcode: '94105' }, ctx())).toEqual({ found: false, postcode: '94105', service: null, description: null, until: null });
    expect(await bo.run('outage.check', { postcode: '95814' }, ctx(null))).toMatchObject({ found: true, service: 'mobile' });
  });

  it('does not report an outage already fixed, nor one not started yet, nor without a ZIP code', async () => {
    const bo = await make();
    expect(await bo.run('outage.check', { postcode: '94704' }, ctx())).toMatchObject({ found: false });
    expect(await bo.run('outage.check', { postcode: '93405' }, ctx())).toMatchObject({ found: false });
    expect(await bo.run('outage.check', {}, ctx(null))).toMatchObject({ found: false, postcode: null });
  });

  it('the demo outage ("3 hours ago" to "in 9 hours") is happening at any time of day, fixed on the whole hour', async () => {
    // 8:05pm in California, the evening a new user tried it (it used to end at 6pm).
    const evening = await make(at('2026-11-24T04:05:00Z'));
    expect(await evening.run('outage.check', {}, ctx())).toMatchObject({ found: true, until: '2026-11-24T06:00:00-08:00' });
    const night = await make(at('2026-11-25T11:30:00Z'));
    expect(await night.run('outage.check', {}, ctx())).toMatchObject({ found: true, until: '2026-11-25T13:00:00-08:00' });
  });

  it('moves timestamped outages to today: a month later, late in the Californian afternoon, and across daylight saving', async () => {
    const later = await make(at('2026-12-24T17:00:00Z'));
    expect(await later.run('outage.check', { postcode: '95814' }, ctx())).toMatchObject({ found: true, until: '2026-12-25T05:00:00-08:00' });
    // 5:30pm in California is already the next day in UTC: still today's outage.
    const evening = await make(at('2026-11-25T01:30:00Z'));
    expect(await evening.run('outage.check', { postcode: '95814' }, ctx())).toMatchObject({ found: true, until: '2026-11-25T05:00:00-08:00' });
    const summer = await make(at('2027-06-15T17:00:00Z'));
    expect(await summer.run('outage.check', { postcode: '95814' }, ctx())).toMatchObject({ found: true, until: '2027-06-16T05:00:00-07:00' });
    expect(await summer.run('outage.check', { postcode: '94704' }, ctx())).toMatchObject({ found: false });
  });
});

describe('stores.nearest', () => {
  it('finds the store with the closest ZIP code, its week and today in California', async () => {
    const bo = await make(); // Tuesday 9am in California
    expect(await bo.run('stores.nearest', { postcode: '95820' }, ctx(null))).toEqual({
      name: 'Brightwave Sacramento',
      city: 'Sacramento',
      in_named_city: false,
      address: '1101 K Street, Sacramento 95814',
      phone: '(916) 555-0144',
      hours: 'Mon–Fri 10am to 6pm, Sat 10am to 4pm, Sun closed',
      today: '10am to 6pm',
      open_now: false,
      support_hours: 'Mon–Fri 8am to 9pm, Sat–Sun 9am to 6pm (Pacific time)',
    });
    expect(await bo.run('stores.nearest', { postcode: '94105' }, ctx(null))).toMatchObject({ name: 'Brightwave Union Square', open_now: true });
    expect(await bo.run('stores.nearest', { postcode: '' }, ctx())).toMatchObject({ name: 'Brightwave Mission' }); // Jane's ZIP
    expect(await bo.run('stores.nearest', {}, ctx(null))).toMatchObject({ name: 'Brightwave Union Square' }); // the flagship
  });

  it('answers for the city the customer named, not for the ZIP code on file', async () => {
    const bo = await make();
    expect(await bo.run('stores.nearest', { postcode: '94110', text: 'is the San Jose store open on Sunday?' }, ctx(null))).toMatchObject({
      name: 'Brightwave San Jose',
      in_named_city: true,
    });
    // Two stores in the city: the one nearest the ZIP code.
    expect(await bo.run('stores.nearest', { postcode: '94110', text: 'your San Francisco store' }, ctx(null))).toMatchObject({ name: 'Brightwave Mission' });
    expect(await bo.run('stores.nearest', { postcode: '94110', text: 'a store near Fresno' }, ctx(null))).toMatchObject({ name: 'Brightwave Mission', in_named_city: false });
  });

  it('reads the day and time in the store time zone, not in UTC', async () => {
    // Sunday 6pm in California is Monday 2am in UTC: the Mission store is closed on Sundays.
    const sunday = await make(at('2026-11-30T02:00:00Z'));
    expect(await sunday.run('stores.nearest', { postcode: '94110' }, ctx(null))).toMatchObject({ today: 'closed', open_now: false });
    const noon = await make(at('2026-11-24T20:00:00Z'));
    expect(await noon.run('stores.nearest', { postcode: '95814' }, ctx(null))).toMatchObject({ open_now: true });
    const evening = await make(at('2026-11-25T03:30:00Z')); // Tuesday 7:30pm
    expect(await evening.run('stores.nearest', { postcode: '95814' }, ctx(null))).toMatchObject({ today: '10am to 6pm', open_now: false });
  });
});

describe('payment.send_link', () => {
  it('shows a link in chat and texts it on a call, to the masked phone on file', async () => {
    const bo = await make(undefined, { paymentUrlBase: 'https://pay.test' });
    const chat = await bo.run('payment.send_link', { channel: 'chat', amount: '' }, ctx());
    expect(chat).toMatchObject({ sent_by: 'link', to: null, amount: 42.5 });
    expect(chat.url).toMatch(/^https:\/\/pay\.test\/p\/[\w-]{16,}$/);
    const voice = await bo.run('payment.send_link', { channel: 'voice', amount: '$20.00' }, ctx(jane, 'voice'));
    expect(voice).toMatchObject({ sent_by: 'sms', to: '•••• 0142', amount: 20 });
    expect(voice.url).not.toBe(chat.url);
  });

  it('needs a customer and an amount to pay', async () => {
    const bo = await make();
    await expect(bo.run('payment.send_link', { channel: 'chat' }, ctx(null))).rejects.toBeInstanceOf(BackOfficeError);
    await expect(bo.run('payment.send_link', { channel: 'chat', amount: 'lots' }, ctx())).rejects.toBeInstanceOf(BackOfficeError);
    await expect(bo.run('payment.send_link', { channel: 'chat', amount: '0' }, ctx())).rejects.toBeInstanceOf(BackOfficeError);
  });
});

describe('password.send_reset', () => {
  it('names the email on file, masked; no email is a failure', async () => {
    const bo = await make();
    expect(await bo.run('password.send_reset', {}, ctx())).toEqual({ email: 'j•••@example.com' });
    await expect(bo.run('password.send_reset', {}, ctx(sam))).rejects.toBeInstanceOf(BackOfficeError);
  });
});

describe('address.update', () => {
  it('writes the new address to the CI profile and reads it back in one line', async () => {
    const bo = await make();
    const done = await bo.run('address.update', { line1: '9 Elm Street', city: 'Oakland', postcode: '94607', region: '' }, ctx());
    expect(done).toEqual({ done: true, address: '9 Elm Street, Oakland 94607' });
    expect(updates).toEqual([{ id: 'X1', address: { line1: '9 Elm Street', city: 'Oakland', postcode: '94607' } }]);
  });

  it('refuses a bad ZIP code or an empty street without writing anything', async () => {
    const bo = await make();
    await expect(bo.run('address.update', { line1: '9 Elm Street', city: 'Oakland', postcode: '9460' }, ctx())).rejects.toBeInstanceOf(BackOfficeError);
    await expect(bo.run('address.update', { line1: ' ', city: 'Oakland', postcode: '94607' }, ctx())).rejects.toBeInstanceOf(BackOfficeError);
    expect(updates).toEqual([]);
  });

  it('fails rather than pretend when nothing can store the change', async () => {
    const bo = await make(undefined, { profiles: undefined });
    await expect(bo.run('address.update', { line1: '9 Elm Street', city: 'Oakland', postcode: '94607' }, ctx())).rejects.toBeInstanceOf(BackOfficeError);
  });
});

describe('upgrade.quote and upgrade.place', () => {
  it('quotes the early-upgrade fee from the entitlement when not entitled', async () => {
    const bo = await make();
    expect(await bo.run('upgrade.quote', {}, ctx())).toEqual({ entitled: false, current_model: 'iPhone 13', model: 'iPhone 17', fee: 99 });
  });

  it('charges nothing when entitled, and suggests a phone of the same brand', async () => {
    const bo = await make();
    expect(await bo.run('upgrade.quote', {}, ctx(sam))).toEqual({ entitled: true, current_model: 'Samsung Galaxy S21', model: 'Samsung Galaxy S25', fee: 0 });
  });

  it('without a fee entitlement charges 15 per whole month left on the contract', async () => {
    const bo = await make();
    const noFee = profile({ ...jane, entitlements: {} });
    expect(await bo.run('upgrade.quote', {}, ctx(noFee))).toMatchObject({ fee: 45 }); // Nov 24 → Mar 10: 3 whole months
    const ended = profile({ ...jane, entitlements: {}, contract: { plan: 'x', endDate: '2026-10-01' } });
    expect(await bo.run('upgrade.quote', {}, ctx(ended))).toMatchObject({ fee: 0 });
  });

  it('needs a mobile line with a device', async () => {
    const bo = await make();
    const noMobile = profile({ id: 'X3', products: [{ id: 'bb', kind: 'broadband', name: 'Fibre 500' }], devices: [{ model: 'Fibre router' }] });
    await expect(bo.run('upgrade.quote', {}, ctx(noMobile))).rejects.toBeInstanceOf(BackOfficeError);
  });

  it('places the order, arriving three days from today', async () => {
    expect(await (await make()).run('upgrade.place', { model: 'iPhone 17' }, ctx())).toEqual({ order_id: 'BW-123456', eta: '2026-11-27' });
    const random = await make(undefined, { idGen: undefined });
    expect((await random.run('upgrade.place', { model: 'iPhone 17' }, ctx())).order_id).toMatch(/^BW-\d{6}$/);
  });
});

describe('orders.find', () => {
  it('finds an order by its number however it is written', async () => {
    const bo = await make();
    for (const n of ['BW-482913', 'bw 482913', 'bw-482913', '482913', '#482913'])
      expect(await bo.run('orders.find', { order_number: n }, ctx())).toEqual({
        found: true,
        open_count: 1,
        id: 'BW-482913',
        item: 'Router',
        status: 'shipped',
        carrier: 'UPS',
        eta: '2026-11-26',
        tracking_url: 'https://track.example.com/ups/1Z',
      });
  });

  it('without a number takes the single open order, and none when there are several', async () => {
    const bo = await make();
    expect(await bo.run('orders.find', { order_number: '' }, ctx())).toMatchObject({ found: true, id: 'BW-482913', open_count: 1 });
    expect(await bo.run('orders.find', {}, ctx(sam))).toMatchObject({ found: false, open_count: 2, id: null, carrier: null });
  });

  it("does not find another customer's order", async () => {
    const bo = await make();
    expect(await bo.run('orders.find', { order_number: 'BW-550002' }, ctx())).toMatchObject({ found: false, id: null });
    expect(await bo.run('orders.find', { order_number: 'bw 550002' }, ctx(sam))).toMatchObject({ found: true, item: 'Samsung Galaxy S25' });
  });
});

describe('campaigns.match', () => {
  it('picks the campaign the customer mentions, else the most recent', async () => {
    const bo = await make();
    expect(await bo.run('campaigns.match', { text: 'I got a letter about Fibre, what is it?' }, ctx())).toEqual({
      count: 2,
      id: 'A',
      name: 'Fibre 1 Gig upgrade',
      offer: 'Faster fibre',
      sent_at: '2026-10-01',
      channel: 'letter',
      response: null,
    });
    expect(await bo.run('campaigns.match', { text: 'what is this email about' }, ctx())).toMatchObject({ id: 'B', response: 'declined' });
    expect(await bo.run('campaigns.match', {}, ctx())).toMatchObject({ id: 'B' });
  });

  it('says so when the customer was sent nothing', async () => {
    expect(await (await make()).run('campaigns.match', { text: 'the letter' }, ctx(sam))).toEqual({
      count: 0,
      id: null,
      name: null,
      offer: null,
      sent_at: null,
      channel: null,
      response: null,
    });
  });
});

describe('the back office as a whole', () => {
  it('lists its actions and refuses unknown ones', async () => {
    const bo = await make();
    expect(bo.actions).toContain('campaigns.match');
    await expect(bo.run('orders.cancel', {}, ctx())).rejects.toThrow(BackOfficeError);
    await expect(bo.run('orders.cancel', {}, ctx())).rejects.toThrow('unknown action "orders.cancel"');
  });

  it('refuses a broken stores file with one line naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-bo-'));
    const broken = join(dir, 'stores.yaml');
    writeFileSync(broken, readFileSync(storesFile, 'utf8').replace("postcode: '94110'", "postcode: '9411'"));
    const err = await make(undefined, { storesFile: broken }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/stores\.yaml:\d+ stores\[1\]\.postcode: a 5-digit ZIP code/);
    expect(err?.message).not.toContain('\n');
  });

  it('refuses an outage that ends before it starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-bo-'));
    const broken = join(dir, 'outages.yaml');
    writeFileSync(broken, readFileSync(outagesFile, 'utf8').replace('until: 2026-11-25T05:00:00-08:00', 'until: 2026-11-24T00:30:00-08:00'));
    await expect(make(undefined, { outagesFile: broken })).rejects.toThrow(/outages\.yaml:\d+ outages\[1\]\.until: until must be after started/);
    writeFileSync(broken, readFileSync(outagesFile, 'utf8').replace('until: in 9 hours', 'until: 4 hours ago'));
    await expect(make(undefined, { outagesFile: broken })).rejects.toThrow(/outages\.yaml:\d+ outages\[0\]\.until: until must be after started/);
    writeFileSync(broken, readFileSync(outagesFile, 'utf8').replace('until: in 9 hours', 'until: tomorrow'));
    await expect(make(undefined, { outagesFile: broken })).rejects.toThrow(/outages\[0\]\.until: a timestamp with its offset .*"in 9 hours"/);
  });
});

describe("agents' account actions (guided processes)", () => {
  const ana = profile({
    id: 'X3',
    billing: { currency: 'USD', balance: 80, invoices: [{ id: 'INV-1', date: '2026-11-01', amount: 80, status: 'open' }] },
    retentionOffers: [{ id: 'RET-20OFF', description: '20% off for 12 months' }],
  });

  it('credits at most the invoice, on an invoice of the account', async () => {
    const bo = await make();
    expect(await bo.run('charge.credit', { invoice: 'INV-1', amount: '40', reason: 'charged_twice' }, ctx(ana))).toEqual({
      credit_id: 'BW-123456',
      invoice: 'INV-1',
      amount: 40,
      reason: 'charged_twice',
      balance: 40,
    });
    await expect(bo.run('charge.credit', { invoice: 'INV-1', amount: '80.01' }, ctx(ana))).rejects.toThrow('more than the invoice');
    await expect(bo.run('charge.credit', { invoice: 'INV-9', amount: '5' }, ctx(ana))).rejects.toThrow('no such invoice');
    await expect(bo.run('charge.credit', { invoice: 'INV-1', amount: '-5' }, ctx(ana))).rejects.toThrow(BackOfficeError);
  });

  it('takes a positive fee, and applies only an offer the customer qualifies for', async () => {
    const bo = await make();
    expect(await bo.run('fee.charge', { amount: '180', reason: 'Early upgrade' }, ctx(ana))).toEqual({ charge_id: 'BW-123456', amount: 180, reason: 'Early upgrade' });
    await expect(bo.run('fee.charge', { amount: '' }, ctx(ana))).rejects.toThrow('not a positive number');
    expect(await bo.run('retention.apply', { offer: 'RET-20OFF' }, ctx(ana))).toEqual({ offer: 'RET-20OFF', description: '20% off for 12 months' });
    await expect(bo.run('retention.apply', { offer: 'RET-TVFREE' }, ctx(ana))).rejects.toThrow('does not qualify');
  });
});
