/**
 * Warm handoffs: what the agent sees is intent-specific, misunderstandings
 * reach a person with the transcript, and a person is always one word away.
 */
import { demoHarness, signedIn, type Harness } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';
import { webCustomer } from '../support/web-customer';

let h: Harness;
beforeAll(async () => {
  h = await demoHarness();
});

describe('the agent summary fits the intent', () => {
  it('billing dispute: invoices, last payment, balance and billing contacts — no orders, no devices, no sales', async () => {
    const c = h.conversation({ identity: signedIn('C1003') });
    await c.start();
    const out = await c.say('I was charged twice on my November bill');
    const hd = out.handoff!.handoff;
    expect(hd.queue).toBe('billing');
    expect(hd.words).toEqual(['I was charged twice on my November bill']);
    expect(hd.summary.map((s) => s.section)).toEqual(['invoices', 'last_payment', 'balance', 'contacts']);
    const invoices = hd.summary.find((s) => s.section === 'invoices')!.lines;
    expect(invoices).toHaveLength(3);
    expect(invoices[0]).toBe('2026-11-01 INV-C1003-202611: $80.00 (disputed)');
    const contacts = hd.summary.find((s) => s.section === 'contacts')!.lines;
    expect(contacts.join()).toContain('billing_dispute');
    expect(contacts.join()).not.toContain('track_order'); // not a billing topic, and too old
    expect(JSON.stringify(hd.summary)).not.toMatch(/BW-|iPhone/);
    expect(hd.nextBestActions.filter((a) => a.kind === 'sales')).toEqual([]);
  });

  it('tech support: services, device, tickets — no billing, no sales offers', async () => {
    // C1007: no known outage where he lives (at Maya's, the outage would explain it and no one is queued).
    const c = h.conversation({ identity: signedIn('C1007') });
    await c.start();
    const out = await c.say('my wifi keeps disconnecting all the time');
    const hd = out.handoff!.handoff;
    expect(hd.queue).toBe('tech_support');
    expect(hd.summary.map((s) => s.section)).toEqual(['products', 'devices', 'tickets']);
    expect(JSON.stringify(hd.summary)).not.toMatch(/INV-|balance|\$145/i);
    expect(hd.summary.find((s) => s.section === 'tickets')!.lines[0]).toContain('TCK-7203');
    expect(hd.nextBestActions).toEqual([]);
  });

  it('cancel: tenure, value, churn risk, contract, products and the retention offer the customer qualifies for', async () => {
    const c = h.conversation({ identity: signedIn('C1003') });
    await c.start();
    const out = await c.say("I'm switching to another provider, cancel my contract");
    const hd = out.handoff!.handoff;
    expect(hd.queue).toBe('retention');
    expect(hd.priority).toBe(88); // value 78 + high churn 10
    expect(hd.summary.map((s) => s.section)).toEqual(['tenure', 'value', 'churn_risk', 'contract', 'products', 'retention_offers']);
    expect(hd.summary.find((s) => s.section === 'churn_risk')!.lines).toEqual(['81% (high)']);
    const retention = hd.nextBestActions.find((a) => a.kind === 'retention');
    expect(retention?.prompt).toContain('Unlimited Plus at no extra cost for 6 months');
    // No cross-sell and no bigger plan to someone leaving (rules/offers.yaml `where`).
    expect(hd.nextBestActions.map((a) => a.offer)).toEqual(['retention_offer', 'renewal']);
  });

  it('complaint: recent contacts of any topic and open tickets', async () => {
    const c = h.conversation({ identity: signedIn('C1007') });
    await c.start();
    const out = await c.say('I want to make a complaint, the engineer never showed up');
    const hd = out.handoff!.handoff;
    expect(hd.queue).toBe('customer_care');
    expect(hd.summary.map((s) => s.section)).toEqual(['contacts', 'tickets']);
    expect(hd.summary[0]!.lines).toHaveLength(3);
    expect(hd.summary[1]!.lines).toEqual(['TCK-7203 2026-11-12 complaint (open): Missed engineer appointments: compensation requested']);
  });

  it('new service: products, entitlements and campaigns received, with the cross-sell', async () => {
    const c = h.conversation({ identity: signedIn('C1005') });
    await c.start();
    const out = await c.say('I would like to get broadband at my house');
    const hd = out.handoff!.handoff;
    expect(hd.queue).toBe('sales');
    expect(hd.summary.map((s) => s.section)).toEqual(['products', 'entitlements', 'campaigns']);
    expect(hd.nextBestActions.map((a) => a.offer)).toEqual(expect.arrayContaining(['bigger_plan', 'campaign_follow_up', 'broadband_cross_sell']));
  });

  it('tells the customer the queue and the expected wait', async () => {
    const c = h.conversation({ identity: signedIn('C1007') });
    await c.start();
    await c.say('I want to talk to a person');
    expect(c.texts.at(-1)).toBe("I'm passing you to our Customer Care team. The expected wait is about 5 minutes, and they'll see everything we've talked about.");
    await c.say('hello?');
    expect(c.texts.at(-1)).toBe("I've added that to your conversation. Our Customer Care team will see it as soon as they pick it up.");
  });
});

describe('misunderstanding', () => {
  it('says so briefly, then offers what it can do, then hands off to customer care with the transcript after three misses in a row', async () => {
    const c = h.conversation({ identity: signedIn('C1004') });
    await c.start();
    const first = await c.say('how far away is the moon');
    expect(first.handoff).toBeUndefined();
    expect(first.replies[0]!.text).toBe("Sorry, I didn't get that. Could you say it in other words?");
    const second = await c.say('can you book me a table at an Italian restaurant');
    expect(second.handoff).toBeUndefined();
    expect(second.replies[0]!.text).toMatch(/^Sorry, I didn't get that\. I can help you .*check your balance.* Or say "agent" to talk to a person\.$/);
    const third = await c.say('recommend a movie for the weekend');
    const hd = third.handoff!.handoff;
    expect(hd.queue).toBe('customer_care');
    expect(hd.intent).toBeNull();
    expect(hd.transcript.filter((t) => t.from === 'customer').map((t) => t.text)).toEqual([
      'how far away is the moon',
      'can you book me a table at an Italian restaurant',
      'recommend a movie for the weekend',
    ]);
  });

  it('resets the count when a message is understood', async () => {
    const c = h.conversation({ identity: signedIn('C1004') });
    await c.start();
    await c.say('how far away is the moon');
    await c.say('hello');
    const out = await c.say('recommend a movie for the weekend');
    expect(out.handoff).toBeUndefined();
  });
});

describe('a person is always reachable', () => {
  it('"agent" in the middle of a dialog', async () => {
    const c = h.conversation({ identity: signedIn('C1004') });
    await c.start();
    await c.say('I need to update my address');
    const out = await c.say('agent');
    expect(out.handoff?.handoff.queue).toBe('customer_care');
    expect(out.handoff?.handoff.intent?.name).toBe('agent_request');
  });

  it('"operator" while being verified on the phone', async () => {
    const c = h.conversation({ channel: 'voice', identity: { kind: 'phone', value: '+15550100001' } });
    await c.start();
    await c.say("what's my balance");
    const out = await c.say('operator');
    expect(out.handoff).toBeDefined();
  });

  it('0 on the keypad', async () => {
    const c = h.conversation({ channel: 'voice', identity: { kind: 'phone', value: '+15550100007' } });
    await c.start();
    const out = await c.press('0');
    expect(out.handoff?.handoff.queue).toBe('customer_care');
  });
});

describe('the words match the destination (through web chat and a signed call)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
  });
  afterAll(() => app.close());

  it('a platinum customer with a billing dispute hears Premium Service, where the routing sent them', async () => {
    const chat = await webCustomer(app, 'C1001');
    const said = (await chat.say('I was charged twice on my November bill')).join('\n');
    const card = (await app.app.queue.list()).flatMap((q) => q.waiting).find((h) => h.conversationId === chat.conversationId);
    expect(card?.queue).toBe('premium');
    expect(said).toContain("I'll put you through to our Premium Service team to look at that charge.");
    expect(said).not.toMatch(/billing team/i);
  });

  it('on the phone too, and a gold customer still hears Billing', async () => {
    const platinum = phoneCall({ baseUrl: app.url }, '+15550100001');
    await platinum.answer();
    const put = await platinum.say('I was charged twice on my November bill');
    expect(put.heard).toContain('our Premium Service team');
    expect(put.heard).not.toMatch(/billing team/i);
    const gold = phoneCall({ baseUrl: app.url }, '+15550100003');
    await gold.answer();
    expect((await gold.say('I was charged twice on my November bill')).heard).toContain('our Billing team');
  });
});
