/**
 * After a handoff the customer does not talk to a wall: every later web chat
 * message goes onto the waiting contact in the embedded queue (transcript and
 * "since handoff", with the time), an agent desk can read the contact and
 * listen for new messages, and the customer is told honestly where it went.
 */
import type { ContactMessage } from '../../bot/engine/ports';
import { startApp, type RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const waitingFor = (conversationId: string) => app.app.queue.list().flatMap((q) => q.waiting).find((h) => h.conversationId === conversationId)!;

describe('messages after the handoff', () => {
  it('reach the waiting contact, with the time, and each gets an honest answer', async () => {
    const heard: { contactId: string; message: ContactMessage }[] = [];
    const stop = app.app.queue.subscribe((contactId, message) => heard.push({ contactId, message }));
    const chat = await webCustomer(app, 'C1007');
    await chat.say('I want to talk to a person');
    const contactId = waitingFor(chat.conversationId).id;

    app.advance(60_000);
    const first = await chat.say('also my router has a red light since Monday');
    expect(first).toEqual(["I've added that to your conversation. Our Customer Care team will see it as soon as they pick it up."]);
    app.advance(30_000);
    const second = await chat.say('hello? is anyone there');
    expect(second).toEqual(["Added as well: that's 2 messages waiting for the Customer Care team."]);
    stop();

    const card = waitingFor(chat.conversationId);
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
    const card = waitingFor(chat.conversationId);
    expect(card.sinceHandoff.map((m) => m.text)).toEqual(['my card is [card number removed] if you need it']);
    // Ids are random hex and may hold "4111"; the card number is digits in groups.
    expect(JSON.stringify(card)).not.toMatch(/4111[ -]?1111/);
  });

  it('still reach the contact once an agent has taken it, and the customer is told so', async () => {
    const chat = await webCustomer(app, 'C1005');
    await chat.say('I would like to get broadband at my house');
    const contactId = waitingFor(chat.conversationId).id;
    while (app.app.queue.take('sales') && (await app.app.queue.contact(contactId))?.status === 'waiting');
    expect(await chat.say('I prefer an evening installation')).toEqual(['Your agent has your conversation and can see that.']);
    expect((await app.app.queue.contact(contactId))?.sinceHandoff.map((m) => m.text)).toEqual(['I prefer an evening installation']);
  });
});
