/**
 * After a handoff the customer does not talk to a wall: every later web chat
 * message goes onto the waiting contact on the store (transcript and
 * "since handoff", with the time), an agent desk can read the contact and
 * listen for new messages, and the customer is told honestly where it went;
 * once an agent holds the contact, the bot stays silent.
 */
import type { ContactMessage } from '../../bot/engine/ports';
import { startApp, type RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const waitingFor = async (conversationId: string) => (await app.app.queue.list()).flatMap((q) => q.waiting).find((h) => h.conversationId === conversationId)!;

describe('messages after the handoff', () => {
  it('reach the waiting contact, with the time, and each gets an honest answer', async () => {
    const heard: { contactId: string; message: ContactMessage }[] = [];
    const stop = app.app.queue.subscribe((contactId, message) => heard.push({ contactId, message }));
    const chat = await webCustomer(app, 'C1007');
    await chat.say('I want to talk to a person');
    const contactId = (await waitingFor(chat.conversationId)).id;

    app.advance(60_000);
    const first = await chat.say('also my router has a red light since Monday');
    expect(first).toEqual(["I've added that to your conversation. Our Customer Care team will see it as soon as they pick it up."]);
    app.advance(30_000);
    const second = await chat.say('hello? is anyone there');
    expect(second).toEqual(["Added as well: that's 2 messages waiting for the Customer Care team."]);
    stop();

    const card = (await waitingFor(chat.conversationId));
    expect(card.sinceHandoff).toEqual([
      { from: 'customer', text: 'also my router has a red light since Monday', at: '2026-11-24T17:01:00.000Z' },
      { from: 'customer', text: 'hello? is anyone there', at: '2026-11-24T17:01:30.000Z' },
    ]);
    expect(card.transcript.slice(-2).map((t) => t.text)).toEqual(['also my router has a red light since Monday', 'hello? is anyone there']);
    expect(heard.map((h) => [h.contactId, h.message.text])).toEqual([
      [contactId, 'also my router has a red light since Monday'],
      [contactId, 'hello? is anyone there'],
    ]);

    // What an agent desk reads: the contact by id.
    const view = await app.app.queue.contact(contactId);
    expect(view).toMatchObject({ contactId, conversationId: chat.conversationId, queue: 'customer_care', status: 'waiting' });
    expect(view?.sinceHandoff.map((m) => m.text)).toEqual(['also my router has a red light since Monday', 'hello? is anyone there']);
  });

  it('are redacted like the transcript', async () => {
    const chat = await webCustomer(app, 'C1004');
    await chat.say('agent');
    await chat.say('my card is 4111 1111 1111 1111 if you need it');
    const card = (await waitingFor(chat.conversationId));
    expect(card.sinceHandoff.map((m) => m.text)).toEqual(['my card is [card number removed] if you need it']);
    // Ids are random hex and may hold "4111"; the card number is digits in groups.
    expect(JSON.stringify(card)).not.toMatch(/4111[ -]?1111/);
  });

  it('still reach the contact once an agent has taken it, and the bot stays silent: the agent answers', async () => {
    const chat = await webCustomer(app, 'C1005');
    await chat.say('I would like to get broadband at my house');
    const contactId = (await waitingFor(chat.conversationId)).id;
    const sam = { id: 'sam', name: 'Sam', roles: ['agent' as const], queues: ['sales', 'premium'] };
    expect((await app.app.desk.accept(sam, contactId)).ok).toBe(true);
    // The customer reads who joined, and no answer from the bot to what they wrote.
    expect(await chat.say('I prefer an evening installation')).toEqual(['Sam from Sales has joined.']);
    expect((await app.app.queue.contact(contactId))?.sinceHandoff.map((m) => m.text)).toEqual(['I prefer an evening installation']);
  });
});
