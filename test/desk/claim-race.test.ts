/**
 * Two agents accept the same contact at the same moment, each on an
 * instance of their own sharing one durable store (SQLite, Redis): one wins,
 * the other is told `taken`, and the customer reads one "has joined".
 */
import type { Agent } from '../../bot/desk/desk';
import { backends } from '../support/store-backends';
import { startApp, type RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

const dana: Agent = { id: 'dana', name: 'Dana', roles: ['agent'], queues: ['billing'] };
const lee: Agent = { id: 'lee', name: 'Lee', roles: ['agent'], queues: ['billing'] };

describe.each(backends().filter((b) => b.durable).map((b) => [b.name, b] as const))('on %s', (_name, backend) => {
  const apps: RunningApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await backend.cleanup();
  });

  it('two agents on two instances accept one contact at once: one wins, the other is told it was taken', async () => {
    const first = await startApp({}, { store: backend.open() });
    const second = await startApp({}, { store: backend.reopen() });
    apps.push(first, second);
    for (let round = 0; round < 4; round++) {
      const chat = await webCustomer(first, 'C1003');
      await chat.say("I've been charged twice on my November bill");
      const contactId = (await second.app.desk.queues(lee))[0]!.waiting.find((c) => c.conversationId === chat.conversationId)!.contactId;

      const [a, b] = await Promise.all([first.app.desk.accept(dana, contactId), second.app.desk.accept(lee, contactId)]);
      const results = [a, b].map((r) => (r.ok ? r.value.agent?.id : r.reason));
      expect(results.filter((r) => r === 'taken')).toHaveLength(1);
      const winner = a.ok ? dana : lee;
      expect(results).toContain(winner.id);

      const joined = (await chat.read()).filter((s) => s.text?.endsWith('has joined.'));
      expect(joined.map((s) => s.text)).toEqual([`${winner.name} from Billing has joined.`]);
      const accepted = (await first.app.store.events.read(-1)).filter((e) => e.event.kind === 'accepted' && e.event.detail.contactId === contactId);
      expect(accepted.map((e) => e.event.detail.agentId)).toEqual([winner.id]);
      expect((await second.app.desk.mine(winner)).map((c) => c.contactId)).toContain(contactId);
      const loser = winner === dana ? lee : dana;
      expect((await first.app.desk.mine(loser)).map((c) => c.contactId)).not.toContain(contactId);
    }
  }, 90_000);
});
