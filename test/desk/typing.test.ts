/**
 * Typing indicators while an agent holds a chat, through the wiring `npm
 * start` uses: the customer in Web Chat over the Direct Line routes, the
 * agent signed in at the desk's HTTP API with its event stream. The bot
 * shows no typing while the agent holds the chat (it stays silent); the
 * customer's typing reaches the agent live and is never stored. With
 * WEBCHAT_TYPING_DELAY_MS=0 the bot shows typing before every answer it
 * gives (by default only before a slow one: directline-typing.test.ts).
 */
import { deskAgent, deskEvents, signedInDemoAgent, type DeskAgentClient } from '../support/desk-agent';
import { appPerFile } from '../support/server';
import { webCustomer, type WebCustomer } from '../support/web-customer';

jest.setTimeout(120_000);

const file = appPerFile({ WEBCHAT_TYPING_DELAY_MS: '0' });

const signedIn = (id: string) => signedInDemoAgent(file.app, id);

const listen = (agent: DeskAgentClient) => deskEvents(file.app.url, agent);

/** Sofia's billing dispute, waiting in Dana's queue; the contact's id. */
async function disputeWaiting(dana: DeskAgentClient): Promise<{ chat: WebCustomer; contactId: string }> {
  const chat = await webCustomer(file.app, 'C1003');
  await chat.say("I've been charged twice on my November bill");
  const { queues } = (await (await dana.get('/api/desk/queues')).json()) as { queues: { waiting: { contactId: string; conversationId: string }[] }[] };
  const contact = queues.flatMap((q) => q.waiting).find((c) => c.conversationId === chat.conversationId)!;
  return { chat, contactId: contact.contactId };
}

const botTyping = (history: { type: string; role: string; from: string }[]) =>
  history.filter((a) => a.type === 'typing' && a.role === 'bot' && a.from === 'Brightwave Assistant').length;

describe('the bot typing indicator', () => {
  it('shows before each answer while the bot serves the chat, and not while an agent holds it', async () => {
    const dana = await signedIn('dana');
    const { chat, contactId } = await disputeWaiting(dana);
    // Waiting in the queue, the bot still answers (where the message went), typing first.
    const before = botTyping(await chat.history());
    expect(await chat.say('Is anyone there?')).not.toEqual([]);
    expect(botTyping(await chat.history())).toBe(before + 1);

    expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/accept`)).status).toBe(200);
    expect((await chat.read()).map((a) => a.text)).toEqual(['Dana from Billing has joined.']);
    const held = botTyping(await chat.history());
    expect(await chat.say('It was $80 instead of $40')).toEqual([]);
    expect(await chat.say('Are you still there?')).toEqual([]);
    const history = await chat.history();
    expect(botTyping(history)).toBe(held);
    expect(history.slice(-2)).toEqual([
      { type: 'message', role: 'user', from: '', text: 'It was $80 instead of $40' },
      { type: 'message', role: 'user', from: '', text: 'Are you still there?' },
    ]);

    // Handed back to the bot: it answers, typing first, again.
    expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/back-to-bot`)).status).toBe(200);
    await chat.read();
    expect((await chat.say('what are your store opening hours?')).join(' ')).toMatch(/open/i);
    expect(botTyping(await chat.history())).toBe(held + 1);
  });
});

describe("the customer's typing", () => {
  it('reaches the agent who holds the chat as a live event, never the queue, and is stored nowhere', async () => {
    const dana = await signedIn('dana');
    const stream = await listen(dana);
    await stream.until(/event: ready/);
    const { chat, contactId } = await disputeWaiting(dana);
    await stream.until(/"customerName":"Sofia/);

    // Waiting: nobody holds the chat, so nobody is told.
    await chat.typing();
    expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/accept`)).status).toBe(200);
    await stream.until(/has joined/);
    expect(stream.text()).not.toContain('event: typing');

    // Web Chat sends one every 3 seconds while the customer types.
    file.app.advance(3000);
    await chat.typing();
    // The agent's answer comes after it on the same stream: by then the typing has arrived, or never will.
    expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/messages`, { text: 'Take your time' })).status).toBe(200);
    const heard = await stream.until(/Take your time/);
    expect(heard).toContain('event: typing');
    const typing = heard.slice(heard.indexOf('event: typing')).split('\n')[1]!;
    expect(JSON.parse(typing.replace(/^data: /, ''))).toEqual({ kind: 'typing', contactId, from: 'customer' });
    stream.stop();

    // Not in the chat's history, the contact's lines or the conversation's transcript.
    expect((await chat.history()).filter((a) => a.role === 'user').map((a) => a.type)).toEqual(['message']);
    const contact = (await (await dana.get(`/api/desk/contacts/${encodeURIComponent(contactId)}`)).json()) as { sinceHandoff: { text: string }[] };
    expect(contact.sinceHandoff.map((m) => m.text)).toEqual(['Dana from Billing has joined.', 'Take your time']);
    const state = (await file.app.app.engine.peek(chat.conversationId))!;
    expect(state.transcript.filter((t) => t.from === 'customer')).toHaveLength(1);
  });
});
