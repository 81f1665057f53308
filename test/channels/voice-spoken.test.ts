/**
 * Spoken English on the phone, heard through signed Twilio webhooks: hours
 * and units in words, digits said aloud understood as keyed, one apology,
 * a short help list, the text-message notice before "anything else?".
 */
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterAll(() => app.close());

const call = (from: string) => phoneCall({ baseUrl: app.url }, from);
const count = (text: string, word: RegExp) => text.match(word)?.length ?? 0;

describe('what a caller hears', () => {
  it("choices read out in the content's words (choice_spoken, list_or in rules/assistant.yaml)", async () => {
    const before = app.app.engine.current;
    const messages = { ...before.content.assistant.messages, choice_spoken: 'for {label} press {number}', list_or: 'and' };
    app.app.engine.swap({ ...before, content: { ...before.content, assistant: { ...before.content.assistant, messages } } });
    try {
      const c = call('+15550100006');
      await c.answer();
      const out = await c.say('bill');
      expect(out.heard).toContain('For Make a payment press 1, for Dispute a charge press 2, and for Check your balance press 3.');
    } finally {
      app.app.engine.swap(before);
    }
  });

  it('opening hours in words, not "Mon–Fri 9am"', async () => {
    const c = call('+15550100001');
    await c.answer();
    const out = await c.say('what are your opening hours');
    expect(out.heard).toContain("It's open Monday to Friday 9 AM to 8 PM, Saturday 10 AM to 6 PM, Sunday 11 AM to 5 PM. Today: 9 AM to 8 PM.");
    expect(out.heard).not.toMatch(/Mon–|\dam\b|\dpm\b/);
  });

  it('a data allowance said one way in one sentence', async () => {
    const c = call('+15550100003');
    await c.answer();
    await c.say('how much data have I used');
    const out = await c.press('07041990');
    expect(out.heard).toContain('On Mobile 15 gigabytes');
    expect(out.heard).not.toMatch(/\bGB\b/);
  });

  it('one apology, not two in a row, when the caller is silent at a question', async () => {
    const c = call('+15550100004');
    await c.answer();
    await c.say('I need to update my address');
    const asked = await c.press('94704');
    const out = await c.silence();
    expect(out.heard).toMatch(/^Sorry, I didn't hear anything\. \S/);
    expect(count(out.heard, /\bsorry\b/gi)).toBe(1);
    expect(count(asked.heard, /\bsorry\b/gi)).toBe(0);
  });

  it('a short help list on the phone', async () => {
    const c = call('+15550100001');
    await c.answer();
    const out = await c.say('what can you do');
    expect(out.heard).toContain('I can help with things like your balance, a payment, an order, your data or an outage.');
    expect(out.heard.length).toBeLessThan(220);
  });
});

it('a short list of examples when the bot did not understand twice', async () => {
  const c = call('+15550100001');
  await c.answer();
  expect((await c.say('purple elephants dancing on the moon')).heard).toBe("Sorry, I didn't get that. Could you say it in other words?");
  const out = await c.say('can you book me a table at an Italian restaurant');
  expect(out.heard).toBe("Sorry, I didn't get that. You can say things like: my balance, pay my bill, where's my order, or agent.");
});

describe('digits said aloud are understood wherever keys are', () => {
  it('a ZIP code', async () => {
    const c = call('+15550100001');
    await c.answer();
    await c.say("what's my balance");
    expect((await c.say('nine four one one zero')).heard).toContain('Your balance is 145 dollars');
  });

  it('a phone number, then a date of birth with "oh" for zero', async () => {
    const c = call('+15559999999');
    await c.answer();
    expect((await c.say('how much do I owe')).heard).toContain('say or enter the phone number on your account');
    expect((await c.say('five five five, zero one zero zero, zero zero three')).heard).toContain('For your security');
    expect((await c.say('oh seven oh four one nine nine oh')).heard).toContain('Your balance is 80 dollars');
  });

  it('an order number, letters and digits', async () => {
    const c = call('+15550100011');
    await c.answer();
    await c.say('where is my order');
    await c.say('nine four one oh three');
    const out = await c.say('B W five five double oh oh two');
    expect(out.heard).toContain('Your Samsung Galaxy S25, order number B W 5 5 0 0 0 2, is processing');
  });

  it('a choice by its number', async () => {
    const c = call('+15550100011');
    await c.answer();
    await c.say('where is my order');
    await c.press('94103');
    expect((await c.say('two')).heard).toContain('Your Samsung Galaxy S25, order number B W 5 5 0 0 0 2, is processing');
  });
});

it("the agent's summary counts years and months in good English", async () => {
  const c = call('+15550100008');
  await c.answer();
  await c.say('I want to cancel my contract');
  const waiting = (await app.app.queue.list()).flatMap((q) => q.waiting).find((h) => h.conversationId === `voice:${c.callSid}`);
  expect(JSON.stringify(waiting?.summary)).toContain('(1 year 10 months)');
});
