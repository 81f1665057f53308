/** Repeated ambiguity reaches a person instead of asking "which one?" for ever. */
import { demoHarness, signedIn, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await demoHarness();
});

it('does not ask "which one?" for ever: unclear answers count as not understood', async () => {
  const c = h.conversation({ identity: signedIn('C1004') });
  await c.start();
  const first = await c.say('my bill');
  expect(first.replies[0]!.choices?.map((x) => x.value)).toEqual(['make_payment', 'billing_dispute', 'check_balance']);
  let handedOff = null;
  for (let i = 0; i < 3 && !handedOff; i++) handedOff = (await c.say('my bill')).handoff ?? null;
  expect(handedOff?.handoff.queue).toBe('customer_care');
  expect(handedOff?.handoff.reason).toBe('The bot did not understand 3 messages in a row');
});
