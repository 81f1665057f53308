/**
 * Live takeover through the wiring `npm start` uses: the customer in Web
 * Chat over the Direct Line routes, the agents through the desk
 * (`app.desk`, bot/desk/desk.ts). The bot is silent while an agent holds the
 * chat, messages flow both ways, a transfer keeps the card and adds a
 * private note, back to the bot replays nothing, and an end with a
 * disposition is followed by the one survey question, its score recorded.
 */
import type { Agent, DeskEvent, DeskResult } from '../../bot/desk/desk';
import type { OutcomeEvent } from '../../bot/engine/store';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';
import { webCustomer, type WebCustomer } from '../support/web-customer';

const dana: Agent = { id: 'dana', name: 'Dana', roles: ['agent'], queues: ['billing', 'premium'] };
const sam: Agent = { id: 'sam', name: 'Sam', roles: ['agent'], queues: ['customer_care'] };
const olga: Agent = { id: 'olga', name: 'Olga', roles: ['agent'], queues: ['sales'] };

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterAll(() => app.close());

function value<T>(result: DeskResult<T>): T {
  if (!result.ok) throw new Error(`the desk refused: ${result.reason}`);
  return result.value;
}

/** A signed-in customer with a billing dispute, waiting in the billing queue; the contact's id. */
async function disputeWaiting(): Promise<{ chat: WebCustomer; contactId: string }> {
  const chat = await webCustomer(app, 'C1003');
  await chat.say("I've been charged twice on my November bill");
  const listed = (await app.app.desk.queues(dana)).find((q) => q.queue === 'billing')!.waiting;
  const contact = listed.find((c) => c.conversationId === chat.conversationId)!;
  return { chat, contactId: contact.contactId };
}

async function outcomes(contactId: string): Promise<OutcomeEvent[]> {
  return (await app.app.store.events.read(-1)).map((e) => e.event).filter((e) => e.detail.contactId === contactId);
}

describe('an agent takes over a chat', () => {
  it('the customer reads who joined and the agent typing and writing; what the customer writes reaches the agent live, and the bot says nothing', async () => {
    const { chat, contactId } = await disputeWaiting();
    const heard: DeskEvent[] = [];
    const stop = app.app.desk.subscribe(dana, (e) => heard.push(e));

    const taken = value(await app.app.desk.accept(dana, contactId));
    expect(taken).toMatchObject({ status: 'with_agent', agent: { id: 'dana', name: 'Dana' }, queue: 'billing', intentLabel: expect.any(String) });
    expect(taken.handoff.summary.map((s) => s.section)).toEqual(expect.arrayContaining(['invoices']));
    expect(await chat.read()).toEqual([{ type: 'message', from: 'Brightwave Assistant', text: 'Dana from Billing has joined.' }]);

    await app.app.desk.typing(dana, contactId);
    value(await app.app.desk.send(dana, contactId, 'Hi Sofia, I can see the double charge on November.'));
    expect(await chat.read()).toEqual([
      { type: 'typing', from: 'Dana' },
      { type: 'message', from: 'Dana', text: 'Hi Sofia, I can see the double charge on November.' },
    ]);

    expect(await chat.say('Yes, $80 instead of $40')).toEqual([]);
    expect(await chat.say('agent')).toEqual([]);
    stop();
    const contact = value(await app.app.desk.contact(dana, contactId));
    expect(contact.sinceHandoff.map((m) => [m.from, m.name ?? null, m.text])).toEqual([
      ['bot', null, 'Dana from Billing has joined.'],
      ['agent', 'Dana', 'Hi Sofia, I can see the double charge on November.'],
      ['customer', null, 'Yes, $80 instead of $40'],
      ['customer', null, 'agent'],
    ]);
    const live = heard.flatMap((e) => (e.kind === 'message' && e.contactId === contactId ? [e.message.text] : []));
    expect(live).toEqual(['Dana from Billing has joined.', 'Hi Sofia, I can see the double charge on November.', 'Yes, $80 instead of $40', 'agent']);
    expect(heard.some((e) => e.kind === 'contact' && e.contact.contactId === contactId && e.contact.status === 'with_agent')).toBe(true);
    expect((await app.app.desk.mine(dana)).map((c) => c.contactId)).toContain(contactId);
  });

  it('hands back to the bot without replaying the human stretch: the bot answers the next message, its transcript holds the stretch once', async () => {
    const { chat, contactId } = await disputeWaiting();
    value(await app.app.desk.accept(dana, contactId));
    value(await app.app.desk.send(dana, contactId, 'I have refunded the $40.'));
    await chat.say('Great, thank you');
    await chat.read();

    value(await app.app.desk.backToBot(dana, contactId));
    expect(await chat.read()).toEqual([{ type: 'message', from: 'Brightwave Assistant', text: 'Dana has handed you back to me. What else can I help you with?' }]);
    const answer = await chat.say('what are your store opening hours?');
    expect(answer.join(' ')).toMatch(/open/i);
    expect(answer.join(' ')).not.toMatch(/refunded|Great, thank you|joined/);

    const state = (await app.app.engine.peek(chat.conversationId))!;
    expect(state.handedOff).toBeNull();
    const stretch = state.transcript.filter((t) => ['I have refunded the $40.', 'Great, thank you'].includes(t.text));
    expect(stretch).toEqual([
      { from: 'agent', name: 'Dana', text: 'I have refunded the $40.', at: expect.any(String) },
      { from: 'customer', text: 'Great, thank you', at: expect.any(String) },
    ]);
    expect(await app.app.desk.mine(dana)).not.toContainEqual(expect.objectContaining({ contactId }));
    expect((await outcomes(contactId)).map((e) => e.kind)).toEqual(['accepted', 'back_to_bot']);
  });

  it('a transfer keeps the card and adds a private note the customer never sees; the end with a disposition brings the survey, and the score is recorded', async () => {
    const { chat, contactId } = await disputeWaiting();
    const card = value(await app.app.desk.accept(dana, contactId)).handoff;
    await chat.read();

    expect(await app.app.desk.transfer(dana, contactId, { queue: 'nowhere' }, 'x')).toEqual({ ok: false, reason: 'unknown_queue' });
    const moved = value(await app.app.desk.transfer(dana, contactId, { queue: 'customer_care' }, 'Refund done; the customer wants to complain about the wait'));
    expect(moved).toMatchObject({ status: 'waiting', queue: 'customer_care', agent: null });
    expect(await chat.read()).toEqual([
      { type: 'message', from: 'Brightwave Assistant', text: "Dana is passing you to our Customer Care team. They'll see everything so far." },
    ]);
    expect(await app.app.desk.contact(dana, contactId)).toEqual({ ok: false, reason: 'forbidden' });
    expect((await app.app.desk.queues(sam))[0]!.waiting.map((c) => c.contactId)).toContain(contactId);

    const atCare = value(await app.app.desk.accept(sam, contactId));
    expect(atCare.handoff.summary).toEqual(card.summary);
    expect(atCare.handoff.customer).toEqual(card.customer);
    expect(atCare.notes).toEqual([{ at: expect.any(String), agentName: 'Dana', text: 'Refund done; the customer wants to complain about the wait' }]);
    expect(await chat.read()).toEqual([{ type: 'message', from: 'Brightwave Assistant', text: 'Sam from Customer Care has joined.' }]);
    expect(chat.texts.join('\n')).not.toContain('complain about the wait');

    expect(app.app.desk.dispositions().map((d) => d.code)).toContain('resolved');
    expect(await app.app.desk.end(sam, contactId, 'made_up')).toEqual({ ok: false, reason: 'unknown_disposition' });
    expect(value(await app.app.desk.end(sam, contactId, 'resolved'))).toMatchObject({ status: 'ended' });
    expect((await chat.read()).map((s) => s.text)).toEqual([
      'Before you go: how satisfied are you with the help you got today? Reply with a number from 1 (not at all) to 5 (very).',
    ]);
    expect(await chat.say('4')).toEqual(["Thank you for your feedback! If there's anything else, just write it here."]);
    expect(await app.app.desk.send(sam, contactId, 'still there?')).toEqual({ ok: false, reason: 'gone' });

    const events = await outcomes(contactId);
    expect(events.map((e) => [e.kind, e.detail.agentId, e.detail.queue])).toEqual([
      ['accepted', 'dana', 'billing'],
      ['transferred', 'dana', 'customer_care'],
      ['accepted', 'sam', 'customer_care'],
      ['ended', 'sam', 'customer_care'],
      ['survey', 'sam', 'customer_care'],
    ]);
    expect(events[3]!.detail.disposition).toBe('resolved');
    expect(events[4]!.detail).toMatchObject({ score: 4, disposition: 'resolved' });
    expect(events.every((e) => e.conversationId === chat.conversationId && e.intent === 'billing_dispute')).toBe(true);
  });

  it('a survey answer that is no score is served as a request, and nothing is recorded', async () => {
    const { chat, contactId } = await disputeWaiting();
    value(await app.app.desk.accept(dana, contactId));
    value(await app.app.desk.end(dana, contactId, 'resolved'));
    await chat.read();
    expect((await chat.say('what are your store opening hours?')).join(' ')).toMatch(/open/i);
    expect((await outcomes(contactId)).map((e) => e.kind)).toEqual(['accepted', 'ended']);
  });
});

describe('what an agent may see', () => {
  it('a contact is never shown to an agent who does not serve its queue, whatever id they guess', async () => {
    const heard: DeskEvent[] = [];
    const stop = app.app.desk.subscribe(olga, (e) => heard.push(e));
    const { chat, contactId } = await disputeWaiting();
    expect((await app.app.desk.queues(olga)).flatMap((q) => q.waiting).map((c) => c.contactId)).not.toContain(contactId);
    for (const tried of [
      await app.app.desk.contact(olga, contactId),
      await app.app.desk.accept(olga, contactId),
      await app.app.desk.send(olga, contactId, 'hello'),
      await app.app.desk.transfer(olga, contactId, { queue: 'sales' }, 'mine now'),
      await app.app.desk.end(olga, contactId, 'resolved'),
    ])
      expect(tried).toEqual({ ok: false, reason: 'forbidden' });
    await chat.say('is anyone there?');
    stop();
    expect(heard.filter((e) => JSON.stringify(e).includes(contactId))).toEqual([]);
    expect(await chat.read()).toEqual([]);
    // Dana serves billing: she reads it, and another agent cannot write into what she holds.
    value(await app.app.desk.accept(dana, contactId));
    expect(await app.app.desk.send({ ...olga, queues: ['billing'] }, contactId, 'hi')).toEqual({ ok: false, reason: 'not_yours' });
    expect(await app.app.desk.contact(dana, 'no-such-contact')).toEqual({ ok: false, reason: 'gone' });
  });
});

describe('a customer who leaves while waiting', () => {
  it('closing the chat takes them out of the queue, recorded as abandoned', async () => {
    const { chat, contactId } = await disputeWaiting();
    await chat.leave();
    expect((await app.app.desk.queues(dana)).flatMap((q) => q.waiting).map((c) => c.contactId)).not.toContain(contactId);
    expect(value(await app.app.desk.contact(dana, contactId)).status).toBe('abandoned');
    expect(await app.app.desk.accept(dana, contactId)).toEqual({ ok: false, reason: 'gone' });
    expect((await outcomes(contactId)).map((e) => e.kind)).toEqual(['abandoned']);
  });

  it('hanging up while queued takes the caller out of the queue, recorded as abandoned', async () => {
    const call = phoneCall({ baseUrl: app.url }, '+15550100007');
    await call.answer();
    await call.press('0');
    const contact = (await app.app.desk.queues(sam))[0]!.waiting.find((c) => c.conversationId === `voice:${call.callSid}`)!;
    expect(contact).toMatchObject({ channel: 'voice', status: 'waiting' });
    await call.hangUp();
    expect((await app.app.desk.queues(sam))[0]!.waiting.map((c) => c.contactId)).not.toContain(contact.contactId);
    expect(value(await app.app.desk.contact(sam, contact.contactId)).status).toBe('abandoned');
    expect((await outcomes(contact.contactId)).map((e) => [e.kind, e.channel])).toEqual([['abandoned', 'voice']]);
  });

  it('closing the chat while an agent holds it abandons nothing', async () => {
    const { chat, contactId } = await disputeWaiting();
    value(await app.app.desk.accept(dana, contactId));
    await chat.leave();
    expect(value(await app.app.desk.contact(dana, contactId)).status).toBe('with_agent');
  });
});
