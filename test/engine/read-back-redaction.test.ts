/** What the bot repeats back, and what the agent sees, has card numbers removed. */
import { demoHarness, signedIn, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await demoHarness();
});

it('redacts a card number the bot would otherwise repeat back', async () => {
  const c = h.conversation({ identity: signedIn('C1004') });
  await c.start();
  await c.say('I need to change my address');
  await c.say('4111 1111 1111 1111');
  await c.say('Berkeley');
  const readBack = await c.say('94705');
  expect(readBack.replies.at(-1)!.text).toBe('So the new address is [card number removed], Berkeley 94705. Shall I update it?');
  const agent = await c.say('agent');
  expect(JSON.stringify(agent.handoff?.handoff)).not.toMatch(/4111/);
});
