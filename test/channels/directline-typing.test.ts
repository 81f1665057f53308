/**
 * The bot's typing indicator on the Direct Line stream: shown while an
 * answer keeps the customer waiting (here a CI system that takes its time),
 * before the answer, from the bot.
 */
import { ProfileSourceError, type ProfileSource } from '../../bot/engine/ports';
import { makeProfile } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { streamCustomer } from '../support/stream-customer';

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

it('shows the bot typing while a slow answer is worked out, then the answer', async () => {
  const chat = await streamCustomer(app, 'C42');
  const { seen } = chat;
  const answered = await chat.send("what's my balance");
  expect(answered.status).toBe(200);
  await chat.arrives((a) => a.type === 'message' && a.from.role === 'bot' && !!a.text?.includes('paid up'));
  chat.close();
  expect(lookups).toBe(2);
  const asked = seen.findIndex((a) => a.text === "what's my balance");
  const typing = seen.findIndex((a, i) => i > asked && a.type === 'typing');
  const answer = seen.findIndex((a) => a.type === 'message' && a.from.role === 'bot' && a.text?.includes('paid up'));
  expect(asked).toBeGreaterThanOrEqual(0);
  expect(typing).toBeGreaterThan(asked);
  expect(seen[typing]!.from.role).toBe('bot');
  expect(answer).toBeGreaterThan(typing);
});
