/**
 * An offer is relevant or it is not shown (rules/offers.yaml `where`): what
 * the bot says itself and what the agent's card suggests, through web chat
 * and signed phone calls into the app `npm start` composes.
 */
import type { Handoff } from '../../bot/engine/handoff-record';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';
import { webCustomer } from '../support/web-customer';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterAll(() => app.close());

/** The waiting contact's card in the embedded queue. */
async function cardOf(conversationId: string): Promise<Handoff> {
  const card = (await app.app.queue.list()).flatMap((q) => q.waiting).find((h) => h.conversationId === conversationId);
  if (!card) throw new Error(`no contact waiting for ${conversationId}`);
  return card;
}
const sales = (card: Handoff) => card.nextBestActions.filter((a) => a.kind === 'sales').map((a) => a.offer);

describe('the bot offers what fits the usage', () => {
  it('a customer using 20% of the allowance hears of a cheaper plan after the usage', async () => {
    const chat = await webCustomer(app, 'C1004');
    const said = await chat.say('how much data have I used this month');
    expect(said.join('\n')).toContain("you've used 8 GB of your 40 GB");
    expect(said.join('\n')).toContain("you've used only 20% of your data this month, so a smaller plan could cost you less");
    expect(said.join('\n')).not.toContain('bigger plan');
  });

  it('no upsell after an outage notice, nor later in the same conversation', async () => {
    const chat = await webCustomer(app, 'C1001'); // 93% of the data used, lives where the outage is
    const notice = await chat.say('is there an outage in my area');
    expect(notice.join('\n')).toContain("there's a known broadband outage in your area");
    expect(notice.join('\n')).not.toMatch(/plan/i);
    const usage = await chat.say('how much data have I used this month');
    expect(usage.join('\n')).toContain("you've used 46.5 GB of your 50 GB");
    expect(usage.join('\n')).not.toContain('bigger plan');
  });

  it('the same customer without an outage notice does hear it (the rule is not simply off)', async () => {
    const chat = await webCustomer(app, 'C1001');
    const usage = await chat.say('how much data have I used this month');
    expect(usage.join('\n')).toContain('A bigger plan could save you from running out');
  });
});

describe("the agent's card: no broadband cross-sell where it does not belong", () => {
  // C1003 has no broadband, 93% of the data used, a contract ending in 26 days and a high churn risk.
  it('on a cancellation: the retention offer and the renewal, no cross-sell, no bigger plan', async () => {
    const chat = await webCustomer(app, 'C1003');
    await chat.say("I'm switching to another provider, cancel my contract");
    const card = await cardOf(chat.conversationId);
    expect(card.queue).toBe('retention');
    expect(card.nextBestActions.map((a) => a.offer)).toEqual(['retention_offer', 'renewal']);
  });

  it('on a caller who pressed 0', async () => {
    const call = phoneCall({ baseUrl: app.url }, '+15550100003');
    await call.answer();
    const put = await call.press('0');
    expect(put.enqueue).not.toBeNull();
    const card = await cardOf(`voice:${call.callSid}`);
    expect(card.intent?.name).toBe('agent_request');
    expect(sales(card)).toEqual([]);
  });

  it('on a caller who stayed silent', async () => {
    const call = phoneCall({ baseUrl: app.url }, '+15550100003');
    await call.answer();
    await call.silence();
    const put = await call.silence();
    expect(put.enqueue).not.toBeNull();
    const card = await cardOf(`voice:${call.callSid}`);
    expect(card.reason).toMatch(/did not answer 2 times/);
    expect(sales(card)).toEqual([]);
  });

  it('but on someone shopping for a new service it is there', async () => {
    const chat = await webCustomer(app, 'C1005');
    await chat.say('I would like to get broadband at my house');
    const card = await cardOf(chat.conversationId);
    expect(card.queue).toBe('sales');
    expect(sales(card)).toEqual(expect.arrayContaining(['broadband_cross_sell', 'bigger_plan', 'campaign_follow_up']));
  });
});
