/**
 * The one survey question after an agent ends a contact, answered the way
 * customers answer it: in words, as "5/5" or "4 stars", vaguely, or with a
 * request. Through the wiring `npm start` uses: Web Chat over the Direct
 * Line routes, text messages as signed Twilio webhooks, agents through the desk.
 */
import type { Agent, DeskResult } from '../../bot/desk/desk';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, textingPhone } from '../support/twilio';
import { webCustomer } from '../support/web-customer';

const sam: Agent = { id: 'sam', name: 'Sam', roles: ['agent'], queues: ['customer_care', 'premium', 'billing', 'tech_support', 'sales', 'retention'] };
const RETRY = "Sorry, I'm only looking for a number from 1 (not at all) to 5 (very), like 4 or five.";
const LAPSED = "No problem, thanks anyway. If there's anything else, just write it here.";
const THANKS = "Thank you for your feedback! If there's anything else, just write it here.";

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterAll(() => app.close());

function value<T>(result: DeskResult<T>): T {
  if (!result.ok) throw new Error(`the desk refused: ${result.reason}`);
  return result.value;
}

/** Sam takes the conversation's waiting contact and ends it as resolved; the contact's id. */
async function endedByAgent(conversationId: string): Promise<string> {
  const contact = (await app.app.desk.queues(sam)).flatMap((q) => q.waiting).find((c) => c.conversationId === conversationId)!;
  value(await app.app.desk.accept(sam, contact.contactId));
  value(await app.app.desk.end(sam, contact.contactId, 'resolved'));
  return contact.contactId;
}

async function recorded(contactId: string): Promise<unknown[]> {
  const events = (await app.app.store.events.read(-1)).map((e) => e.event).filter((e) => e.detail.contactId === contactId);
  return events.filter((e) => e.kind === 'survey').map((e) => e.detail.score);
}

async function waitingFor(conversationId: string): Promise<number> {
  return (await app.app.desk.queues(sam)).flatMap((q) => q.waiting).filter((c) => c.conversationId === conversationId).length;
}

async function chatAfterSurvey(): Promise<{ say: (t: string) => Promise<string[]>; conversationId: string; contactId: string }> {
  const chat = await webCustomer(app);
  await chat.say('agent');
  const contactId = await endedByAgent(chat.conversationId);
  expect((await chat.read()).map((s) => s.text).join(' ')).toContain('Reply with a number from 1 (not at all) to 5 (very)');
  return { say: (t) => chat.say(t), conversationId: chat.conversationId, contactId };
}

describe('the survey after an agent ends a chat', () => {
  it.each([
    ['five', 5],
    ['5/5', 5],
    ['4 stars', 4],
    ["I'd give it a 3 out of 5", 3],
  ])('"%s" is a score of %d', async (said, score) => {
    const chat = await chatAfterSurvey();
    expect(await chat.say(said)).toEqual([THANKS]);
    expect(await recorded(chat.contactId)).toEqual([score]);
  });

  it('an answer in words is asked once more, then a score is taken; it never counts as not understood', async () => {
    const chat = await chatAfterSurvey();
    expect(await chat.say('it was ok I guess')).toEqual([RETRY]);
    expect(await chat.say('five')).toEqual([THANKS]);
    expect(await recorded(chat.contactId)).toEqual([5]);
    expect(await waitingFor(chat.conversationId)).toBe(0);
  });

  it('two answers that are no score let the question lapse: nothing recorded, no handoff, and the bot carries on', async () => {
    const chat = await chatAfterSurvey();
    expect(await chat.say('it was ok I guess')).toEqual([RETRY]);
    expect(await chat.say('hmm hard to say really')).toEqual([LAPSED]);
    expect(await waitingFor(chat.conversationId)).toBe(0);
    expect((await chat.say('what are your store opening hours?')).join(' ')).toMatch(/open/i);
    expect(await recorded(chat.contactId)).toEqual([]);
  });

  it('asking for a person again is a request, not an answer', async () => {
    const chat = await chatAfterSurvey();
    expect((await chat.say('I want to talk to an agent again')).join(' ')).not.toContain(RETRY);
    expect(await waitingFor(chat.conversationId)).toBe(1);
    expect(await recorded(chat.contactId)).toEqual([]);
  });
});

describe('the survey by text message', () => {
  it('a texted "5/5" after a vague answer is the score, and nothing goes back to a queue', async () => {
    const phone = textingPhone({ baseUrl: app.url }, '+15550100008');
    await phone.text('agent');
    const contactId = await endedByAgent('sms:+15550100008');
    const sent = app.sms.sent.map((m) => m.body).join('\n');
    expect(sent).toContain('Reply with a number from 1 (not at all) to 5 (very)');
    expect((await phone.text('it was fine')).messages).toEqual([RETRY]);
    expect((await phone.text('5/5')).messages).toEqual([THANKS]);
    expect(await recorded(contactId)).toEqual([5]);
    expect(await waitingFor('sms:+15550100008')).toBe(0);
  });
});
