/**
 * A transfer to a named agent is offered, not imposed (a Flex reservation),
 * through the wiring `npm start` uses: customers in Web Chat over Direct
 * Line, agents signed in at the desk's HTTP API. The contact is reserved for
 * the named agent, who accepts or declines; declined or unanswered, it waits
 * in its queue again at its old place; the transferring agent lets go at once.
 */
import type { OutcomeEvent } from '../../bot/engine/store';
import { deskAgent, deskEvents, signedInDemoAgent, type DeskAgentClient } from '../support/desk-agent';
import { appPerFile } from '../support/server';
import { webCustomer, type WebCustomer } from '../support/web-customer';

jest.setTimeout(120_000);

const file = appPerFile();

type Summary = { contactId: string; status: string; queue: string; priority: number; enqueuedAt: string; agent: { id: string } | null; offer?: { fromName: string; note: string | null } | null };

const signedIn = (id: string) => signedInDemoAgent(file.app, id);

const at = (id: string, action = '') => `/api/desk/contacts/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
const json = async <T>(res: Promise<Response>): Promise<T> => (await (await res).json()) as T;
const billing = async (agent: DeskAgentClient) =>
  (await json<{ queues: { queue: string; waiting: Summary[] }[] }>(agent.get('/api/desk/queues'))).queues.find((q) => q.queue === 'billing')!.waiting;
const mine = async (agent: DeskAgentClient) => (await json<{ contacts: Summary[] }>(agent.get('/api/desk/mine'))).contacts;

/** A billing dispute in Web Chat, waiting in the billing queue; the contact's id. */
async function dispute(dana: DeskAgentClient): Promise<{ chat: WebCustomer; contactId: string }> {
  const chat = await webCustomer(file.app, 'C1003');
  await chat.say("I've been charged twice on my November bill");
  const contactId = (await file.app.app.engine.peek(chat.conversationId))!.handedOff!.handoffId;
  expect((await billing(dana)).map((c) => c.contactId)).toContain(contactId);
  return { chat, contactId };
}

async function outcomes(contactId: string): Promise<OutcomeEvent[]> {
  return (await file.app.app.store.events.read(-1)).map((e) => e.event).filter((e) => e.detail.contactId === contactId);
}

describe('a transfer to a named agent', () => {
  it('is reserved for them with the note: only they may accept, the transferring agent lets go, the customer is told who joined on accept', async () => {
    const [dana, marco, ruth] = [await signedIn('dana'), await signedIn('marco'), await signedIn('ruth')];
    const { chat, contactId } = await dispute(dana);
    expect((await dana.post(at(contactId, 'accept'))).status).toBe(200);
    await chat.read();

    const offered = await json<Summary>(dana.post(at(contactId, 'transfer'), { agentId: 'marco', note: 'Refund approved, she wants the wait explained' }));
    expect(offered).toMatchObject({ status: 'with_agent', agent: { id: 'marco' }, offer: { fromName: 'Dana', note: 'Refund approved, she wants the wait explained' } });
    expect(await chat.read()).toEqual([{ type: 'message', from: 'Brightwave Assistant', text: "Dana is passing you to our Billing team. They'll see everything so far." }]);
    // Dana's hold ends at the transfer.
    expect((await mine(dana)).map((c) => c.contactId)).not.toContain(contactId);
    expect((await dana.post(at(contactId, 'messages'), { text: 'still me' })).status).toBe(409);

    // Offered to Marco: on his list with Dana's note; he cannot write before accepting.
    expect((await mine(marco)).find((c) => c.contactId === contactId)).toMatchObject({ offer: { fromName: 'Dana', note: 'Refund approved, she wants the wait explained' } });
    const refused = await marco.post(at(contactId, 'messages'), { text: 'hello' });
    expect([refused.status, await refused.json()]).toEqual([409, { code: 'NotAccepted', message: 'this contact is offered to you: accept it first' }]);
    // Nobody else takes or declines it, and it waits in no queue.
    expect((await billing(ruth)).map((c) => c.contactId)).not.toContain(contactId);
    expect(await json(ruth.post(at(contactId, 'accept')))).toEqual({ code: 'Taken', message: 'another agent took this contact first' });
    expect((await ruth.post(at(contactId, 'decline'))).status).toBe(409);
    expect(await chat.say('hello?')).toEqual([]);

    const taken = await json<Summary & { notes: { agentName: string; text: string }[] }>(marco.post(at(contactId, 'accept')));
    expect(taken).toMatchObject({ status: 'with_agent', agent: { id: 'marco' }, offer: null });
    expect(taken.notes).toEqual([{ at: expect.any(String), agentName: 'Dana', text: 'Refund approved, she wants the wait explained' }]);
    expect(await chat.read()).toEqual([{ type: 'message', from: 'Brightwave Assistant', text: 'Marco from Billing has joined.' }]);
    expect((await marco.post(at(contactId, 'messages'), { text: 'Hi Sofia, Marco here.' })).status).toBe(200);

    expect((await outcomes(contactId)).map((e) => [e.kind, e.detail.agentId, e.detail.toAgentId ?? e.detail.offeredBy ?? null])).toEqual([
      ['accepted', 'dana', null],
      ['transferred', 'marco', 'marco'],
      ['accepted', 'marco', 'dana'],
    ]);
  });

  it('declined, waits in its queue again at its old place and priority, with a note why', async () => {
    const [dana, marco] = [await signedIn('dana'), await signedIn('marco')];
    const first = await dispute(dana);
    file.app.advance(60_000);
    const second = await dispute(dana);
    const before = await billing(dana);
    const place = before.findIndex((c) => c.contactId === first.contactId);
    expect(place).toBeLessThan(before.findIndex((c) => c.contactId === second.contactId));
    const was = before[place]!;

    expect((await dana.post(at(first.contactId, 'accept'))).status).toBe(200);
    file.app.advance(60_000);
    expect((await dana.post(at(first.contactId, 'transfer'), { agentId: 'marco', note: '' })).status).toBe(200);
    const declined = await json<Summary>(marco.post(at(first.contactId, 'decline'), { reason: 'on a training call' }));
    expect(declined).toMatchObject({ status: 'waiting', queue: 'billing', agent: null, offer: null });

    const after = await billing(dana);
    expect(after.map((c) => c.contactId)).toEqual(before.map((c) => c.contactId));
    expect(after[place]).toMatchObject({ priority: was.priority, enqueuedAt: was.enqueuedAt });
    const card = await json<{ notes: { agentName: string; text: string }[] }>(dana.get(at(first.contactId)));
    expect(card.notes).toEqual([{ at: expect.any(String), agentName: 'Marco', text: 'Declined the transfer: on a training call' }]);
    expect((await mine(marco)).map((c) => c.contactId)).not.toContain(first.contactId);
    expect((await outcomes(first.contactId)).map((e) => [e.kind, e.detail.why ?? null])).toEqual([
      ['accepted', null],
      ['transferred', null],
      ['transfer_declined', 'declined'],
    ]);
  });

  it('unanswered within DESK_OFFER_SECONDS, waits in its queue again', async () => {
    const [dana, marco] = [await signedIn('dana'), await signedIn('marco')];
    const { contactId } = await dispute(dana);
    expect((await dana.post(at(contactId, 'accept'))).status).toBe(200);
    expect((await dana.post(at(contactId, 'transfer'), { agentId: 'marco' })).status).toBe(200);
    file.app.advance(30_000);
    expect((await mine(marco)).map((c) => c.contactId)).toContain(contactId);
    file.app.advance(31_000);
    expect((await mine(marco)).map((c) => c.contactId)).not.toContain(contactId);
    expect((await billing(dana)).map((c) => c.contactId)).toContain(contactId);
    const card = await json<{ notes: { agentName: string; text: string }[] }>(dana.get(at(contactId)));
    expect(card.notes.map((n) => `${n.agentName}: ${n.text}`)).toEqual(['Marco: Did not answer the transfer within 60 s']);
    expect((await marco.post(at(contactId, 'decline'))).status).toBe(409);
  });
});
