/**
 * Verification cannot be reset by changing the subject, and a caller
 * identified but not verified learns nothing about the account.
 */
import { demoHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await demoHarness();
});

it('keeps counting failed verification answers when the customer changes the subject', async () => {
  const c = h.conversation({});
  await c.start();
  await c.say("what's my balance");
  await c.say('+15550100001');
  await c.say('11111');
  await c.say('22222');
  await c.say('can you tell me my balance please'); // a new request, same conversation
  const out = await c.say('33333');
  expect(out.handoff?.handoff.reason).toBe('The customer could not be verified after 3 attempts');
  expect(c.texts.join()).not.toContain('$145');
});

it('tells a caller identified but not verified nothing about their address', async () => {
  const c = h.conversation({});
  await c.start();
  await c.say("what's my balance");
  await c.say('+15550100001'); // found, not yet verified
  const out = await c.say('where is your nearest store');
  const said = out.replies.map((r) => r.text).join(' ');
  expect(said).toContain('Brightwave Union Square'); // the flagship, not the store by their ZIP
  expect(said).not.toContain('94110');
});
