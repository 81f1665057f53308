/**
 * Holes a security and robustness review found, each shown closed:
 * verification cannot be reset by changing the subject, an unverified caller
 * learns nothing about the account, repeated ambiguity reaches a person, and
 * what the bot repeats back is redacted.
 */
import { demoHarness, signedIn, type Harness } from '../support/harness';

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

it('does not ask "which one?" for ever: unclear answers count as not understood', async () => {
  const c = h.conversation({ identity: signedIn('C1004') });
  await c.start();
  const first = await c.say('my bill');
  expect(first.replies[0]!.choices?.map((x) => x.value)).toEqual(['make_payment', 'billing_dispute', 'check_balance']);
  let handedOff = null;
  for (let i = 0; i < 3 && !handedOff; i++) handedOff = (await c.say('my bill')).handoff ?? null;
  expect(handedOff?.handoff.queue).toBe('customer_care');
  expect(handedOff?.handoff.reason).toBe('The bot did not understand 2 messages in a row');
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

it('escalates a conversation from outside a turn, with its context, once', async () => {
  const c = h.conversation({ identity: signedIn('C1003'), channel: 'chat' });
  await c.start();
  await c.say('I need to change my address');
  await h.engine.escalate(c.id, 'chat', 'The bot did not answer in time');
  const listed = h.queue.list().flatMap((q) => q.waiting).filter((w) => w.conversationId === c.id);
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({ reason: 'The bot did not answer in time', intent: { name: 'update_address' }, customer: { id: 'C1003' } });
  await h.engine.escalate(c.id, 'chat', 'again');
  expect(h.queue.list().flatMap((q) => q.waiting).filter((w) => w.conversationId === c.id)).toHaveLength(1);
});
