/**
 * Account details only after verification; three failed attempts hand off;
 * unknown customers can still use what needs no account.
 */
import { ProfileSourceError, type ProfileSource } from '../../bot/engine/ports';
import { demoHarness, harness, signedIn, type Harness } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';

let h: Harness;
beforeAll(async () => {
  h = await demoHarness();
});

const caller = (phone: string) => ({ channel: 'voice' as const, identity: { kind: 'phone' as const, value: phone } });

describe('verification', () => {
  it('asks a caller found by caller ID for the ZIP code before giving the balance', async () => {
    const c = h.conversation(caller('+15550100001'));
    await c.start();
    const ask = await c.say("what's my balance");
    expect(ask.replies.map((r) => r.text).join()).not.toContain('$145');
    expect(ask.replies[0]!.text).toContain('5 digit ZIP code');
    const out = await c.press('94110');
    expect(out.replies.map((r) => r.text)).toContain('Your balance is $145.00, due on Saturday, December 5.');
    expect(out.replies.find((r) => r.text.startsWith('Your balance'))?.speak).toBe('Your balance is 145 dollars, due on Saturday, December 5th.');
  });

  it('accepts the date of birth in words or as 8 keypad digits', async () => {
    const spoken = h.conversation(caller('+15550100003'));
    await spoken.start();
    await spoken.say('how much do I owe');
    await spoken.say('July 4th 1990');
    expect(spoken.texts.join()).toContain('Your balance is $80.00');
    const keyed = h.conversation(caller('+15550100013')); // the same customer's second phone
    await keyed.start();
    await keyed.say('how much do I owe');
    await keyed.press('07041990');
    expect(keyed.texts.join()).toContain('Your balance is $80.00');
  });

  it('hands off after three failed attempts, without revealing anything', async () => {
    const c = h.conversation(caller('+15550100001'));
    await c.start();
    await c.say('where is my order');
    await c.press('11111');
    await c.press('22222');
    const out = await c.press('01011990');
    expect(out.handoff?.handoff.customer.verified).toBe(false);
    expect(out.handoff?.handoff.reason).toBe('The customer could not be verified after 3 attempts');
    expect(c.texts.join()).not.toContain('BW-482913');
    // The answers given are not kept.
    expect(JSON.stringify(out.handoff?.handoff.transcript)).not.toMatch(/11111|22222|01011990/);
  });

  it('finds an unknown caller by the number they give, then verifies', async () => {
    const c = h.conversation(caller('+15551234567'));
    await c.start();
    const ask = await c.say('what is my balance');
    expect(ask.replies[0]!.text).toContain('phone number on your account');
    await c.say('555 010 0004');
    await c.say('my birthday is November 22, 1968');
    expect(c.texts.join()).toContain("You're all paid up");
  });

  it('trusts a customer the web site signed in', async () => {
    const c = h.conversation({ identity: signedIn('C1004') });
    await c.start();
    const out = await c.say('what is my balance');
    expect(out.replies[0]!.text).toContain("You're all paid up");
  });

  it('serves an unknown visitor what needs no account', async () => {
    const c = h.conversation({});
    await c.start();
    const out = await c.say('is there an outage near 94110');
    // No profile: the ZIP code given with the question is the one checked, without asking again.
    expect(out.replies.map((r) => r.text).join()).not.toContain("What's the ZIP code");
    expect(c.texts.join()).toContain('known broadband outage');
  });
});

describe('a CI system that is down', () => {
  const down: ProfileSource = {
    byPhone: async () => {
      throw new ProfileSourceError('CI profile API did not answer within 2000 ms', 'slow');
    },
    byCustomerId: async () => {
      throw new ProfileSourceError('CI profile API did not answer within 2000 ms', 'slow');
    },
  };

  it('serves the customer as unknown and standard, and still hands off', async () => {
    const hd = harness({ profiles: down });
    const c = hd.conversation(caller('+15550100001'));
    const start = await c.start();
    expect(start.replies[0]!.text).toMatch(/^Hi, I'm the Brightwave Assistant/);
    const out = await c.say('I want to cancel my service');
    expect(out.handoff?.handoff.customer).toMatchObject({ id: null, segment: 'standard' });
    expect(out.handoff?.handoff.queue).toBe('retention');
  });
});

describe('failed verification on a signed call', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
  });
  afterAll(() => app.close());

  it('goes to the verification queue of rules/assistant.yaml, not the balance check\'s, with nothing to sell on the card', async () => {
    // C1003: gold, no broadband, 93% of the data used: a card with every reason to sell.
    const call = phoneCall({ baseUrl: app.url }, '+15550100003');
    await call.answer();
    await call.say("what's my balance");
    await call.press('11111');
    await call.press('22222');
    const put = await call.press('33333');
    expect(put.enqueue).not.toBeNull();
    expect(put.heard).toContain('our Customer Care team');
    const card = (await app.app.queue.list()).flatMap((q) => q.waiting).find((h) => h.conversationId === `voice:${call.callSid}`)!;
    expect(card.queue).toBe(app.app.engine.current.content.assistant.verification.queue);
    expect(card.queue).toBe('customer_care');
    expect(card.customer.verified).toBe(false);
    expect(card.nextBestActions.filter((a) => a.kind === 'sales')).toEqual([]);
  });
});
