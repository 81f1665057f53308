/**
 * A customer waiting for a person changes their mind: "never mind" before
 * anyone took the contact withdraws the request. Through the wiring `npm
 * start` uses: Web Chat over the Direct Line routes, the queue as a
 * signed-in agent reads it, the outcome in the store's events.
 */
import { signedInDemoAgent } from '../support/desk-agent';
import { appPerFile } from '../support/server';
import { webCustomer } from '../support/web-customer';

jest.setTimeout(120_000);

const file = appPerFile();

type Queues = { queues: { queue: string; waiting: { contactId: string; conversationId: string }[] }[] };

/** Sofia (C1003) told the bot about a double charge and waits for Billing; `waiting` reads her place as Dana's desk shows it. */
async function sofiaWaiting() {
  const dana = await signedInDemoAgent(file.app, 'dana');
  const waiting = async (conversationId: string) =>
    ((await (await dana.get('/api/desk/queues')).json()) as Queues).queues.flatMap((q) => q.waiting).filter((w) => w.conversationId === conversationId);
  const chat = await webCustomer(file.app, 'C1003');
  await chat.say("I've been charged twice on my November bill");
  const [contact] = await waiting(chat.conversationId);
  return { dana, waiting, chat, contact };
}

it('"never mind" while waiting takes the customer out of the queue, recorded as abandoned, and the bot serves again', async () => {
  const { waiting, chat, contact } = await sofiaWaiting();
  expect(contact).toBeDefined();

  // Something else while waiting still goes onto the contact.
  expect((await chat.say('it was on the 3rd')).join('\n')).not.toMatch(/cancelled/);
  expect(await waiting(chat.conversationId)).toHaveLength(1);

  expect((await chat.say('never mind')).join('\n')).toMatch(/I've cancelled your request to talk to our Billing team/);
  expect(await waiting(chat.conversationId)).toEqual([]);
  const events = (await file.app.app.store.events.read(-1, 1000)).map((e) => e.event);
  expect(events).toContainEqual(expect.objectContaining({ kind: 'abandoned', conversationId: chat.conversationId }));

  // The bot is back: a request is served, not added to a contact nobody holds.
  expect((await chat.say('when are your stores open')).join('\n')).toMatch(/store/i);
});

it('"never mind" once an agent holds the contact goes to the agent: the bot withdraws nothing', async () => {
  const dana = await signedInDemoAgent(file.app, 'dana');
  const chat = await webCustomer(file.app, 'C1003');
  await chat.say("I've been charged twice on my November bill");
  const { queues } = (await (await dana.get('/api/desk/queues')).json()) as Queues;
  const contactId = queues.flatMap((q) => q.waiting).find((w) => w.conversationId === chat.conversationId)!.contactId;
  expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/accept`)).status).toBe(200);
  expect((await chat.say('never mind')).join('\n')).not.toMatch(/cancelled/);
  const view = (await (await dana.get(`/api/desk/contacts/${encodeURIComponent(contactId)}`)).json()) as { status: string };
  expect(view.status).toBe('with_agent');
});

it('a goodbye while waiting is asked about, not added to the contact: no keeps the place, yes leaves the queue and ends', async () => {
  const { dana, waiting, chat, contact } = await sofiaWaiting();
  const lines = async () =>
    ((await (await dana.get(`/api/desk/contacts/${encodeURIComponent(contact!.contactId)}`)).json()) as { sinceHandoff: { text: string }[] }).sinceHandoff.map((m) => m.text);

  expect(await chat.say('thanks, bye')).toEqual(["Do you want to leave the queue? If you do, our Billing team won't be able to answer you here."]);
  expect(await chat.say('no')).toEqual(['OK, you keep your place: our Billing team will answer you here.']);
  expect(await waiting(chat.conversationId)).toHaveLength(1);
  expect(await lines()).toEqual([]);

  await chat.say('ok bye');
  expect(await chat.say('yes')).toEqual(["OK, I've taken you out of the queue for our Billing team. Thanks for contacting Brightwave. Goodbye!"]);
  expect(await waiting(chat.conversationId)).toEqual([]);
  const events = (await file.app.app.store.events.read(-1, 1000)).map((e) => e.event);
  expect(events).toContainEqual(expect.objectContaining({ kind: 'abandoned', conversationId: chat.conversationId }));
});
