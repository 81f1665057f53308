/**
 * Outcome events for the figures: what happened in each conversation lands
 * in the store's event log (store.events), recorded by the engine once per
 * saved turn, as `npm start` composes it, over Direct Line.
 */
import type { OutcomeEvent } from '../../bot/engine/store';
import { SECRET, startApp, type RunningApp } from '../support/server';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });

/** A Web Chat customer (signed in as `user`, or anonymous) who says `messages` in turn; returns the conversation id. */
async function chat(user: string | null, messages: string[]): Promise<string> {
  const gen = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: JSON.stringify(user ? { user: { id: user } } : {}) })).json()) as { token: string; conversationId: string };
  await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth(gen.token) });
  for (const text of messages)
    await fetch(`${app.url}/v3/directline/conversations/${gen.conversationId}/activities`, { method: 'POST', headers: auth(gen.token), body: JSON.stringify({ type: 'message', text }) });
  return `directline:${gen.conversationId}`;
}

async function eventsOf(conversationId: string): Promise<OutcomeEvent[]> {
  return (await app.app.store.events.read(-1, 10_000)).map((e) => e.event).filter((e) => e.conversationId === conversationId);
}

it('records a conversation served by the bot: started, then completed in the bot with the flow\'s outcome', async () => {
  const id = await chat('C1001', ["what's my balance"]);
  const events = await eventsOf(id);
  expect(events.map((e) => e.kind)).toEqual(['started', 'completed_in_bot']);
  expect(events[1]).toMatchObject({ channel: 'chat', intent: 'check_balance', detail: { outcome: expect.any(String) } });
  expect(events[1]!.at).toBe('2026-11-24T17:00:00.000Z');
});

it('records messages not understood and the handoff they lead to, with the queue, and no words of the customer', async () => {
  const id = await chat(null, ['quantum marmalade', 'glorp sprocket', 'recommend a movie for the weekend']);
  const events = await eventsOf(id);
  expect(events.map((e) => [e.kind, e.detail.in_a_row ?? null])).toEqual([
    ['started', null],
    ['not_understood', 1],
    ['not_understood', 2],
    ['not_understood', 3],
    ['handed_off', null],
  ]);
  expect(events[4]).toMatchObject({ intent: null, detail: { queue: 'customer_care', handoff: expect.any(String), priority: 20, understood: false } });
  expect(JSON.stringify(events)).not.toMatch(/marmalade|sprocket|movie/);
});

it('records a handoff with its intent, queue and priority, once, whatever the customer writes after it', async () => {
  const id = await chat('C1001', ['I want to cancel my contract', 'let me talk to a person']);
  const events = await eventsOf(id);
  expect(events.map((e) => e.kind)).toEqual(['started', 'handed_off']);
  expect(events[1]).toMatchObject({ intent: 'cancel_service', detail: { queue: 'retention', priority: 88, understood: true } });
});
