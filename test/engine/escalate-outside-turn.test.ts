/** A conversation escalated from outside a turn (a channel's deadline) reaches the queue once, with its context. */
import { demoHarness, signedIn, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await demoHarness();
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
