/**
 * One visitor cannot slow everyone, and what the agent reads keeps no
 * secrets: the edge cuts long messages, a conversation is rate-limited, the
 * state keeps a bounded transcript, and verification answers never stay.
 */
import { MAX_MESSAGE_CHARS } from '../../bot/channels/limits';
import type { Handoff } from '../../bot/engine/handoff-record';
import { STATE_BOUNDS } from '../../bot/engine/state';
import type { TurnInput } from '../../bot/engine/turn';
import { SECRET, startApp, type RunningApp } from '../support/server';

let app: RunningApp;
beforeEach(async () => {
  app = await startApp();
});
afterEach(() => app.close());

const dl = (path: string) => `${app.url}/v3/directline${path}`;
const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function open(): Promise<{ conversationId: string; token: string }> {
  const res = await fetch(dl('/conversations'), { method: 'POST', headers: auth(SECRET) });
  return (await res.json()) as { conversationId: string; token: string };
}
const send = (c: { conversationId: string; token: string }, text: string) =>
  fetch(dl(`/conversations/${c.conversationId}/activities`), { method: 'POST', headers: auth(c.token), body: JSON.stringify({ type: 'message', text }) });
const waiting = async (): Promise<Handoff[]> => (await app.app.queue.list()).flatMap((q) => q.waiting);

it('hands the engine at most the documented number of characters of a 60 KB message', async () => {
  const seen: TurnInput[] = [];
  const turn = app.app.engine.turn.bind(app.app.engine);
  jest.spyOn(app.app.engine, 'turn').mockImplementation(async (input) => (seen.push(input), turn(input)));
  const c = await open();
  const big = 'my internet is down again '.repeat(2400);
  expect((await send(c, big)).status).toBe(200);
  const text = seen.at(-1)!.text!;
  expect(big.length).toBeGreaterThan(60_000);
  expect(text.length).toBe(MAX_MESSAGE_CHARS);
  const history = (await (await fetch(dl(`/conversations/${c.conversationId}/activities`), { headers: auth(c.token) })).json()) as {
    activities: { text?: string }[];
  };
  expect(Math.max(...history.activities.map((a) => a.text?.length ?? 0))).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
});

it('answers a conversation sending faster than a person types with a clear Direct Line error, and no one else', async () => {
  const flood = await open();
  const statuses: number[] = [];
  for (let i = 0; i < 25; i++) statuses.push((await send(flood, 'hello')).status);
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
  const refused = await send(flood, 'hello');
  expect(refused.status).toBe(429);
  expect(await refused.json()).toEqual({ error: { code: 'TooManyRequests', message: expect.stringMatching(/too many messages/) } });

  const other = await open();
  expect((await send(other, 'what are your opening hours')).status).toBe(200);
  app.advance(10_000);
  expect((await send(flood, 'what are your opening hours')).status).toBe(200);
});

it('keeps a bounded transcript however long the conversation, with its latest messages', async () => {
  const c = await open();
  for (let i = 0; i < STATE_BOUNDS.transcript + 60; i++) {
    app.advance(2_000);
    expect((await send(c, i % 2 ? 'what are your opening hours' : `no thanks ${i}`)).status).toBe(200);
  }
  const state = await app.app.engine.peek(`directline:${c.conversationId}`);
  expect(state!.transcript.length).toBeLessThanOrEqual(STATE_BOUNDS.transcript + 10);
  expect(state!.transcript.length).toBeGreaterThanOrEqual(STATE_BOUNDS.transcript);
  expect(state!.transcript.some((t) => t.text === `no thanks ${STATE_BOUNDS.transcript + 58}`)).toBe(true);
  // Bounded when the next turn starts: this turn may have added one.
  expect(state!.outcomes.length).toBeLessThanOrEqual(STATE_BOUNDS.outcomes + 1);
});

it('keeps no ZIP code, date of birth or PIN given at a verification prompt in what the agent reads', async () => {
  const c = await open();
  const said: string[] = [];
  const say = async (text: string) => {
    said.push(text);
    expect((await send(c, text)).status).toBe(200);
  };
  await say("what's my balance");
  await say('+15550100001');
  await say('my pin is 4821');
  await say('01/01/1900');
  await say('94110');
  await say('agent');
  const handoff = (await waiting()).find((h) => h.conversationId === `directline:${c.conversationId}`)!;
  expect(handoff.customer.verified).toBe(true);
  const agentSees = JSON.stringify({ transcript: handoff.transcript, words: handoff.words, actions: handoff.botActions });
  for (const secret of ['94110', '4821', '1900']) expect(agentSees).not.toContain(secret);
  expect(handoff.transcript.filter((t) => t.text === '[verification answer]').length).toBeGreaterThanOrEqual(3);
});

it('takes its limits from the settings: message length, activity size, and the rate on the injected clock', async () => {
  await app.close();
  app = await startApp({ MESSAGE_MAX_CHARS: '200', DIRECTLINE_MAX_ACTIVITY_BYTES: '2048', MESSAGE_RATE_BURST: '3', MESSAGE_RATE_PER_MINUTE: '6' });
  const seen: TurnInput[] = [];
  const turn = app.app.engine.turn.bind(app.app.engine);
  jest.spyOn(app.app.engine, 'turn').mockImplementation(async (input) => (seen.push(input), turn(input)));
  const c = await open();
  expect((await send(c, 'x'.repeat(3000))).status).toBe(413);
  expect((await send(c, 'my internet is down again '.repeat(20))).status).toBe(200);
  expect(seen.at(-1)!.text).toHaveLength(200);
  expect((await send(c, 'hello')).status).toBe(200);
  expect((await send(c, 'hello')).status).toBe(200);
  expect((await send(c, 'hello')).status).toBe(429);
  // Six a minute: one more every ten seconds of the app's clock, none sooner.
  app.advance(5_000);
  expect((await send(c, 'hello')).status).toBe(429);
  app.advance(5_000);
  expect((await send(c, 'hello')).status).toBe(200);
});
