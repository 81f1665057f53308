/**
 * The bot's typing indicator on the Direct Line stream: shown while an
 * answer keeps the customer waiting (here a CI system that takes its time),
 * before the answer, from the bot.
 */
import WebSocket from 'ws';
import { ProfileSourceError, type ProfileSource } from '../../bot/engine/ports';
import { makeProfile } from '../support/harness';
import { SECRET, startApp, type RunningApp } from '../support/server';

type Activity = { type: string; text?: string; from: { role?: string } };

const profile = makeProfile({ id: 'C42' });
let lookups = 0;
/** Down for the welcome's lookup (so the next turn looks again), then slow. */
const profiles: ProfileSource = {
  byPhone: async () => null,
  byCustomerId: async () => {
    lookups += 1;
    if (lookups === 1) throw new ProfileSourceError('down', 'a test');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return profile;
  },
};

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({}, { profiles });
});
afterAll(() => app.close());

const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });

it('shows the bot typing while a slow answer is worked out, then the answer', async () => {
  const gen = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: 'C42' } }) })).json()) as { token: string };
  const c = (await (await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth(gen.token) })).json()) as { conversationId: string; token: string; streamUrl: string };
  const seen: Activity[] = [];
  const ws = new WebSocket(c.streamUrl);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text) seen.push(...(JSON.parse(text) as { activities: Activity[] }).activities);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  const answered = await fetch(`${app.url}/v3/directline/conversations/${c.conversationId}/activities`, {
    method: 'POST',
    headers: auth(c.token),
    body: JSON.stringify({ type: 'message', text: "what's my balance" }),
  });
  expect(answered.status).toBe(200);
  const botAnswered = () => seen.some((a) => a.type === 'message' && a.from.role === 'bot' && a.text?.includes('paid up'));
  for (let i = 0; i < 100 && !botAnswered(); i++) await new Promise((r) => setTimeout(r, 20));
  ws.close();
  expect(lookups).toBe(2);
  const asked = seen.findIndex((a) => a.text === "what's my balance");
  const typing = seen.findIndex((a, i) => i > asked && a.type === 'typing');
  const answer = seen.findIndex((a) => a.type === 'message' && a.from.role === 'bot' && a.text?.includes('paid up'));
  expect(asked).toBeGreaterThanOrEqual(0);
  expect(typing).toBeGreaterThan(asked);
  expect(seen[typing]!.from.role).toBe('bot');
  expect(answer).toBeGreaterThan(typing);
});
