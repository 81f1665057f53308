/**
 * The engine renders by what a channel declares it can do, not by its name:
 * a channel that declares speech hears the spoken variants, whatever its kind.
 */
import { startApp, type RunningApp } from '../support/server';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

// The second message not understood in a row is the one with a spoken variant (not_understood_help_voice).
const heard = async (id: string, capabilities: ('speech' | 'buttons' | 'links' | 'sms')[]) => {
  await app.app.conversations.turn({ conversationId: `test:${id}`, channel: 'chat', capabilities, text: 'purple elephants dancing' });
  const out = await app.app.conversations.turn({ conversationId: `test:${id}`, channel: 'chat', capabilities, text: 'can you book me a table at an Italian restaurant' });
  return out.replies.map((r) => r.speak ?? r.text).join(' ');
};

it('a channel that declares speech hears the spoken wording; one with buttons reads the written one', async () => {
  expect(await heard('spoken', ['speech', 'sms'])).toContain('You can say things like');
  expect(await heard('written', ['buttons', 'links'])).not.toContain('You can say things like');
});
