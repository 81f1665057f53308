/**
 * Guided processes through the wiring `npm start` uses: a customer disputes a
 * bill in Web Chat over Direct Line, the handoff lands on the desk
 * (`app.desk`), the agent who takes it runs the process the card proposes
 * (`app.processes`), and the credit is recorded and noted on the contact.
 */
import type { Agent, DeskResult } from '../../bot/desk/desk';
import type { ProcessResult } from '../../bot/desk/processes';
import { startApp, type RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

const dana: Agent = { id: 'dana', name: 'Dana', roles: ['agent'], queues: ['billing'] };

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
}, 120_000);
afterAll(() => app.close());

function value<T>(result: DeskResult<T> | ProcessResult<T>): T {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.value;
}

it('the agent holding a billing dispute credits the charge with the proposed process; it is recorded and noted', async () => {
  const chat = await webCustomer(app, 'C1003');
  await chat.say("I've been charged twice on my November bill");
  const waiting = (await app.app.desk.queues(dana)).find((q) => q.queue === 'billing')!.waiting;
  const { contactId } = waiting.find((c) => c.conversationId === chat.conversationId)!;

  // Proposed on the card, but only the agent holding the contact may start it.
  expect(value(await app.app.processes.panel(dana, contactId)).proposed.map((p) => p.process)).toEqual(['credit_charge']);
  expect(await app.app.processes.start(dana, contactId, 'credit_charge')).toEqual({ ok: false, reason: 'not_yours' });
  value(await app.app.desk.accept(dana, contactId));

  const started = value(await app.app.processes.start(dana, contactId, 'credit_charge'));
  expect(started.running?.form?.form).toBe('choose_charge');
  const done = value(await app.app.processes.submit(dana, contactId, 'choose_charge', { invoice: 'INV-C1003-202611', amount: '40', reason: 'charged_twice' }));
  expect(done.done[0]).toMatchObject({ process: 'credit_charge', outcome: 'charge_credited', agentName: 'Dana' });

  const events = (await app.app.store.events.read(-1)).map((e) => e.event);
  expect(events).toContainEqual(
    expect.objectContaining({ kind: 'process_completed', conversationId: chat.conversationId, intent: 'billing_dispute', detail: { process: 'credit_charge', outcome: 'charge_credited', agent: 'dana', contact: contactId } }),
  );
  const contact = value(await app.app.desk.contact(dana, contactId));
  expect(contact.notes).toEqual([expect.objectContaining({ agentName: 'Dana', text: expect.stringMatching(/^Credit a charge: Credited \$40\.00 on invoice INV-C1003-202611 \(Charged twice\), credit CR-\d{6}$/) })]);
});
