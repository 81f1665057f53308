/** The embedded back office's actions, with a fixed clock and fixture profiles. */
import { join } from 'node:path';
import { BackOfficeError, type Address } from '../../bot/engine/ports';
import { EmbeddedBackOffice } from '../../integrations/backoffice/embedded';
import { fixedClock, makeProfile, root } from '../support/harness';

const files = { outagesFile: join(root, 'integrations/demo/outages.yaml'), storesFile: join(root, 'integrations/demo/stores.yaml') };
const updates: { id: string; address: Address }[] = [];
const make = (now = fixedClock) =>
  EmbeddedBackOffice.load({
    ...files,
    clock: now,
    profiles: { updateAddress: async (id, address) => void updates.push({ id, address }) },
    idGen: () => 'BW-123456',
  });

const mission = makeProfile({
  id: 'X1',
  phones: ['+15550109876'],
  email: 'jane.doe@example.com',
  address: { line1: '1 Valencia St', city: 'San Francisco', postcode: '94110' },
  products: [{ id: 'm', kind: 'mobile', name: 'Mobile 10 GB', allowanceGb: 10, usedGb: 2 }],
  devices: [{ model: 'iPhone 13' }],
  entitlements: { free_upgrade: false, early_upgrade_fee: 99 },
  billing: { currency: 'USD', balance: 42.5, invoices: [] },
  orders: [
    { id: 'BW-482913', item: 'Router', status: 'shipped', carrier: 'UPS', eta: '2026-11-26', open: true },
    { id: 'BW-100001', item: 'Old phone', status: 'delivered', open: false },
  ],
  campaigns: [
    { id: 'A', name: 'Fibre 1 Gig upgrade', sentAt: '2026-10-01', channel: 'letter', offer: 'Faster fibre', response: null, keywords: ['fibre', 'gig'] },
    { id: 'B', name: 'Unlimited Plus', sentAt: '2026-11-10', channel: 'email', offer: 'Unlimited data', response: null, keywords: ['unlimited'] },
  ],
});
const ctx = (profile = mission, channel = 'chat') => ({ conversationId: 'c', channel, profile });

describe('embedded back office', () => {
  it('reports the outage at 94110 now, nothing elsewhere, nothing already fixed', async () => {
    const bo = await make();
    expect(await bo.run('outage.check', {}, ctx())).toMatchObject({ found: true, service: 'broadband', until: '2026-11-25T02:00:00.000Z' });
    expect(await bo.run('outage.check', { postcode: '94105' }, ctx())).toMatchObject({ found: false });
    expect(await bo.run('outage.check', { postcode: '94704' }, ctx())).toMatchObject({ found: false });
  });

  it('keeps the demo outage current when the demo runs a month later', async () => {
    const bo = await make({ now: () => new Date('2026-12-24T17:00:00Z') });
    expect(await bo.run('outage.check', {}, ctx())).toMatchObject({ found: true, until: '2026-12-25T02:00:00.000Z' });
  });

  it('finds the nearest store with its hours today in the store time zone', async () => {
    const bo = await make();
    const s = await bo.run('stores.nearest', { postcode: '95820' }, ctx(null as never));
    expect(s).toMatchObject({ name: 'Brightwave Sacramento', today: '10am to 6pm', open_now: false }); // 9am in California
    const noon = await make({ now: () => new Date('2026-11-24T20:00:00Z') });
    expect(await noon.run('stores.nearest', { postcode: '95814' }, ctx(null as never))).toMatchObject({ open_now: true });
    expect(s.hours).toBe('Mon–Fri 10am to 6pm, Sat 10am to 4pm, Sun closed');
    const late = await make({ now: () => new Date('2026-11-25T03:30:00Z') }); // 7:30pm in California
    expect(await late.run('stores.nearest', { postcode: '95814' }, ctx(null as never))).toMatchObject({ open_now: false });
    expect(await bo.run('stores.nearest', {}, ctx(null as never))).toMatchObject({ name: 'Brightwave Union Square' });
  });

  it('gives a payment link in chat and texts it on the phone', async () => {
    const bo = await make();
    const chat = await bo.run('payment.send_link', { channel: 'chat' }, ctx());
    expect(chat).toMatchObject({ sent_by: 'link', to: null, amount: 42.5 });
    const voice = await bo.run('payment.send_link', { channel: 'voice', amount: '20' }, ctx(mission, 'voice'));
    expect(voice).toMatchObject({ sent_by: 'sms', to: '•••• 9876', amount: 20 });
    expect(voice.url).not.toBe(chat.url);
  });

  it('sends a password reset to a masked email', async () => {
    expect(await (await make()).run('password.send_reset', {}, ctx())).toEqual({ email: 'j•••@example.com' });
  });

  it('updates the address in the CI profile and refuses a bad ZIP code', async () => {
    const bo = await make();
    await bo.run('address.update', { line1: '9 Elm St', city: 'Oakland', postcode: '94607' }, ctx());
    expect(updates.at(-1)).toEqual({ id: 'X1', address: { line1: '9 Elm St', city: 'Oakland', postcode: '94607' } });
    await expect(bo.run('address.update', { line1: '9 Elm St', city: 'Oakland', postcode: '9460' }, ctx())).rejects.toBeInstanceOf(BackOfficeError);
  });

  it('quotes an upgrade: the entitlement decides the fee', async () => {
    const bo = await make();
    expect(await bo.run('upgrade.quote', {}, ctx())).toMatchObject({ entitled: false, fee: 99, current_model: 'iPhone 13' });
    const entitled = makeProfile({ ...mission, entitlements: { free_upgrade: true } });
    expect(await bo.run('upgrade.quote', {}, ctx(entitled))).toMatchObject({ entitled: true, fee: 0 });
    expect(await bo.run('upgrade.place', { model: 'iPhone 17' }, ctx())).toEqual({ order_id: 'BW-123456', eta: '2026-11-27', model: 'iPhone 17' });
  });

  it('finds orders by number however it is written, only the customer\'s own', async () => {
    const bo = await make();
    for (const n of ['BW-482913', 'bw 482913', '482913'])
      expect(await bo.run('orders.find', { order_number: n }, ctx())).toMatchObject({ found: true, item: 'Router', carrier: 'UPS' });
    expect(await bo.run('orders.find', {}, ctx())).toMatchObject({ found: true, id: 'BW-482913', open_count: 1 });
    expect(await bo.run('orders.find', { order_number: 'BW-999999' }, ctx())).toMatchObject({ found: false });
  });

  it('matches the campaign a customer mentions, else the latest', async () => {
    const bo = await make();
    expect(await bo.run('campaigns.match', { text: 'I got a letter about fibre' }, ctx())).toMatchObject({ id: 'A', count: 2 });
    expect(await bo.run('campaigns.match', { text: 'what is this' }, ctx())).toMatchObject({ id: 'B' });
  });

  it('refuses unknown actions and account actions without a customer', async () => {
    const bo = await make();
    await expect(bo.run('orders.cancel', {}, ctx())).rejects.toThrow('unknown action "orders.cancel"');
    await expect(bo.run('password.send_reset', {}, ctx(null as never))).rejects.toBeInstanceOf(BackOfficeError);
  });
});
