/**
 * Guided processes at the desk, over HTTP as the page calls them: the
 * processes that fit the contact's intent and the customer, the same upgrade
 * branching on the entitlement (an address to confirm, or a fee to take),
 * forms checked before anything happens, the back-office action called, and
 * what the agent completed recorded and noted on the contact. Every route
 * refuses a missing session or CSRF token, and an agent who does not hold
 * the contact.
 */
import { ProcessRunner, type ProcessPanel } from '../../bot/desk/processes';
import type { Agent, DeskNote, DeskResult } from '../../bot/desk/desk';
import { silentLogger } from '../../bot/log';
import { LeaseLock } from '../../integrations/state/lease-lock';
import { deskAgent, type DeskAgentClient } from '../support/desk-agent';
import { fakeHandoff, FakeDesk } from '../support/fake-desk';
import { startApp, type RunningApp } from '../support/server';

/** The fake desk, with notes as the desk service keeps them. */
class NotingDesk extends FakeDesk {
  async note(agent: Agent, id: string, text: string): Promise<DeskResult<DeskNote>> {
    const c = this.contacts.get(id);
    if (!c || c.agent?.id !== agent.id) return { ok: false, reason: 'not_yours' };
    const note = { at: '2026-11-24T17:00:00.000Z', agentName: agent.name, text };
    c.notes.push(note);
    return { ok: true, value: note };
  }
}

let running: RunningApp;
let desk: NotingDesk;
let marco: DeskAgentClient;
let dana: DeskAgentClient;
const password = (id: string) => running.app.agents!.demoPasswords.find((a) => a.id === id)!.password;

const customer = (id: string, name: string) => ({ id, name, segment: 'gold', strategy: 'retain', intensity: 'proactive', verified: true });
const intent = (name: string) => ({ name, label: name, confidence: 0.9 });

beforeAll(async () => {
  desk = new NotingDesk();
  running = await startApp({ QUEUES_API: 'off' }, { desk });
  // The process routes are mounted as npm start mounts them, on the app's runner (rebuilt on this desk).
  // Sofia disputes a double charge; Maya (free upgrade) and James (fee $180) want a new phone; nobody knows the last caller.
  desk.add(fakeHandoff('h-sofia', 'customer_care', { customer: customer('C1003', 'Sofia Ramirez') }));
  desk.add(fakeHandoff('h-maya', 'customer_care', { customer: customer('C1001', 'Maya Chen'), intent: intent('upgrade_device') }));
  desk.add(fakeHandoff('h-james', 'customer_care', { customer: customer('C1002', 'James Okafor'), intent: intent('upgrade_device') }));
  desk.add(fakeHandoff('h-unknown', 'customer_care', { customer: { ...customer('', ''), id: null, name: null } }));
  marco = deskAgent(running.url);
  dana = deskAgent(running.url);
  expect((await marco.signIn('marco', password('marco'))).status).toBe(200);
  expect((await dana.signIn('dana', password('dana'))).status).toBe(200);
  for (const id of ['h-sofia', 'h-maya', 'h-james', 'h-unknown']) expect((await marco.post(`/api/desk/contacts/${id}/accept`)).status).toBe(200);
  // Training the model at start-up takes long on a busy machine.
}, 120_000);

afterAll(async () => {
  await running?.close();
});

const path = (id: string, what = '') => `/api/desk/contacts/${id}/processes${what}`;
async function ok(res: Promise<Response>): Promise<ProcessPanel> {
  const r = await res;
  const body = (await r.json()) as ProcessPanel;
  expect([r.status, body]).toEqual([200, expect.anything()]);
  return body;
}
const names = (list: { process: string }[]) => list.map((p) => p.process).sort();
const completed = async () => (await running.app.store.events.read(-1)).map((e) => e.event).filter((e) => e.kind === 'process_completed');

it('proposes the processes that fit the intent, and the others that fit the customer', async () => {
  const sofia = await ok(marco.get(path('h-sofia')));
  expect(names(sofia.proposed)).toEqual(['credit_charge']);
  expect(names(sofia.more)).toEqual(['change_address', 'retention_offer', 'upgrade_device']);
  expect(sofia).toMatchObject({ running: null, done: [], canAct: true });
  // Nobody identified: nothing applies, and starting one anyway is refused.
  const unknown = await ok(marco.get(path('h-unknown')));
  expect([unknown.proposed, unknown.more]).toEqual([[], []]);
  const refused = await marco.post(path('h-unknown', '/start'), { process: 'credit_charge' });
  expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([409, 'NotApplicable']);
});

it('the same upgrade is an address to confirm for an entitled customer and a fee to take for one who is not', async () => {
  const maya = await ok(marco.post(path('h-maya', '/start'), { process: 'upgrade_device' }));
  expect(maya.running?.form).toMatchObject({
    form: 'confirm_address',
    text: 'Maya is due a free upgrade from the iPhone 15 Pro to the iPhone 17. Read the address on file back to the customer.',
    fields: [{ field: 'address_confirmed', type: 'yesno', label: expect.stringMatching(/^The customer confirms delivery to \d+ .+, San Francisco, 94110$/) }],
  });
  const james = await ok(marco.post(path('h-james', '/start'), { process: 'upgrade_device' }));
  expect(james.running?.form).toMatchObject({
    form: 'take_fee',
    fields: [{ field: 'fee_agreed', label: 'The customer agrees to $180.00 on the next bill' }],
  });

  const placed = await ok(marco.post(path('h-maya', '/submit'), { form: 'confirm_address', values: { address_confirmed: 'yes' } }));
  expect(placed.running).toBeNull();
  expect(placed.done[0]).toMatchObject({ process: 'upgrade_device', status: 'completed', outcome: 'upgrade_placed', agentName: 'Marco' });
  expect(placed.done[0]!.notes).toEqual([expect.stringMatching(/^Placed a free upgrade to the iPhone 17, order BW-\d{6}, arriving /)]);

  const paid = await ok(marco.post(path('h-james', '/submit'), { form: 'take_fee', values: { fee_agreed: true } }));
  expect(paid.done[0]!.notes).toEqual([expect.stringMatching(/^Placed an early upgrade to the Samsung Galaxy S25, order BW-\d{6}; fee \$180\.00 charged \(CH-\d{6}\)$/)]);

  // Recorded as outcomes (process, agent, contact; no form values) and noted on each contact.
  expect(await completed()).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: 'process_completed', intent: 'upgrade_device', detail: { process: 'upgrade_device', outcome: 'upgrade_placed', agent: 'marco', contact: 'h-maya' } }),
      expect.objectContaining({ conversationId: 'directline:h-james', detail: { process: 'upgrade_device', outcome: 'upgrade_placed', agent: 'marco', contact: 'h-james' } }),
    ]),
  );
  expect(desk.contacts.get('h-james')!.notes.map((n) => n.text)).toEqual([expect.stringMatching(/^Upgrade a device: Placed an early upgrade to the Samsung Galaxy S25/)]);
});

it('checks every field before anything happens, the amount against the invoice chosen, then credits the charge', async () => {
  const started = await ok(marco.post(path('h-sofia', '/start'), { process: 'credit_charge' }));
  const form = started.running!.form!;
  expect(form.fields.find((f) => f.field === 'invoice')!.choices![0]).toEqual({ value: 'INV-C1003-202611', label: 'Sunday, November 1: $80.00 (disputed)' });

  const bad = await marco.post(path('h-sofia', '/submit'), { form: 'choose_charge', values: { invoice: 'INV-OTHER', amount: '12.345', reason: '' } });
  expect([bad.status, await bad.json()]).toEqual([
    400,
    { code: 'Invalid', message: 'some fields need another look', fields: { invoice: 'choose one of the list', amount: 'an amount, e.g. 40 or 39.99', reason: 'choose one' } },
  ]);
  // More than the invoice chosen (max: invoice.amount): the form says so before the back office is called,
  // and the bound follows the invoice ($500 on the $80 one, $60 on a $40 one); the form stays for the agent to mend.
  const over = async (invoice: string, amount: string) => {
    const r = await marco.post(path('h-sofia', '/submit'), { form: 'choose_charge', values: { invoice, amount, reason: 'charged_twice' } });
    return [r.status, await r.json()];
  };
  const refusal = (limit: string) => ({ code: 'Invalid', message: 'some fields need another look', fields: { amount: `at most ${limit} (the amount of the invoice)` } });
  expect(await over('INV-C1003-202611', '500')).toEqual([400, refusal('$80.00')]);
  expect(await over('INV-C1003-202610', '60')).toEqual([400, refusal('$40.00')]);
  expect(form.fields.find((f) => f.field === 'amount')!.max).toEqual({
    value: null,
    byChoice: {
      field: 'invoice',
      values: { 'INV-C1003-202611': 80, 'INV-C1003-202610': 40, 'INV-C1003-202609': 40, 'INV-C1003-202608': 40 },
      shown: { 'INV-C1003-202611': '$80.00', 'INV-C1003-202610': '$40.00', 'INV-C1003-202609': '$40.00', 'INV-C1003-202608': '$40.00' },
    },
    what: 'the amount of the invoice',
    shown: null,
  });
  expect((await ok(marco.get(path('h-sofia')))).running?.form?.form).toBe('choose_charge');
  expect(await completed()).not.toContainEqual(expect.objectContaining({ detail: expect.objectContaining({ contact: 'h-sofia' }) }));

  const credited = await ok(marco.post(path('h-sofia', '/submit'), { form: 'choose_charge', values: { invoice: 'INV-C1003-202611', amount: '$40', reason: 'charged_twice' } }));
  expect(credited.done[0]!.notes).toEqual([expect.stringMatching(/^Credited \$40\.00 on invoice INV-C1003-202611 \(Charged twice\), credit CR-\d{6}$/)]);
  // A second submit of the same form (a double click) changes nothing.
  const again = await marco.post(path('h-sofia', '/submit'), { form: 'choose_charge', values: { invoice: 'INV-C1003-202611', amount: '40', reason: 'charged_twice' } });
  expect(again.status).toBe(409);
  expect((await completed()).filter((e) => e.detail.contact === 'h-sofia')).toHaveLength(1);
});

it('every process route refuses a missing session or CSRF token, an agent outside the queue, and one who does not hold the contact', async () => {
  const changes = ['/start', '/submit', '/retry', '/cancel'];
  const before = await running.app.store.events.read(-1);
  expect((await fetch(`${running.url}${path('h-sofia')}`)).status).toBe(401);
  for (const what of changes) {
    const res = await fetch(`${running.url}${path('h-sofia', what)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"process":"change_address"}' });
    expect([what, res.status]).toEqual([what, 401]);
    expect([what, (await marco.post(path('h-sofia', what), { process: 'change_address' }, null)).status]).toEqual([what, 403]);
    expect([what, (await marco.post(path('h-sofia', what), { process: 'change_address' }, dana.csrf)).status]).toEqual([what, 403]);
  }
  // Dana serves billing only: the customer_care contact does not exist for her.
  expect((await dana.get(path('h-sofia'))).status).toBe(404);
  expect((await dana.post(path('h-sofia', '/start'), { process: 'change_address' })).status).toBe(404);
  // Ruth serves customer_care but Marco holds the contact: she may look, not act.
  const ruth = deskAgent(running.url);
  await ruth.signIn('ruth', password('ruth'));
  expect((await ok(ruth.get(path('h-sofia')))).canAct).toBe(false);
  expect((await ruth.post(path('h-sofia', '/start'), { process: 'change_address' })).status).toBe(409);
  expect(await running.app.store.events.read(-1)).toEqual(before);
});

describe('a run that stops half way', () => {
  it('waits for a retry after an action failed behind one that ran, and never runs the first twice', async () => {
    const { app } = running;
    const calls: string[] = [];
    let placeFails = true;
    const backOffice = {
      actions: app.backOffice.actions,
      run: async (action: string, args: Record<string, unknown>, ctx: Parameters<typeof app.backOffice.run>[2]) => {
        calls.push(action);
        if (action === 'upgrade.place' && placeFails) throw new Error('upgrade.place: the order system is down');
        return app.backOffice.run(action, args, ctx);
      },
    };
    let content = app.engine.current.content;
    const runner = new ProcessRunner({ desk, content: () => content, profiles: app.profiles, backOffice, store: app.store, lock: new LeaseLock(app.store.leases, app.clock), clock: app.clock, log: silentLogger });
    const marcoAgent = { id: 'marco', name: 'Marco', roles: ['agent' as const], queues: ['customer_care'] };
    desk.add(fakeHandoff('h-james2', 'customer_care', { customer: customer('C1002', 'James Okafor'), intent: intent('upgrade_device') }));
    await desk.accept(marcoAgent, 'h-james2');

    expect((await runner.start(marcoAgent, 'h-james2', 'upgrade_device')).ok).toBe(true);
    const failed = await runner.submit(marcoAgent, 'h-james2', 'take_fee', { fee_agreed: 'yes' });
    expect(failed).toMatchObject({ ok: true, value: { running: { status: 'failed', form: null, problem: 'the order system is down' } } });
    expect(calls).toEqual(['upgrade.quote', 'fee.charge', 'upgrade.place']);

    placeFails = false;
    const retried = await runner.retry(marcoAgent, 'h-james2');
    expect(retried).toMatchObject({ ok: true, value: { running: null, done: [{ outcome: 'upgrade_placed' }] } });
    expect(calls).toEqual(['upgrade.quote', 'fee.charge', 'upgrade.place', 'upgrade.place']);

    // A process edited while it runs is not continued on the new steps: cancel and start again.
    await runner.start(marcoAgent, 'h-james2', 'change_address');
    const changed = { ...content.processes.get('change_address')!, label: 'Change the address (new)' };
    content = { ...content, processes: new Map([...content.processes, ['change_address', changed]]) };
    expect(await runner.submit(marcoAgent, 'h-james2', 'new_address', { line1: '1 Main Street', city: 'Oakland', new_postcode: '94607' })).toEqual({ ok: false, reason: 'stale' });
    expect((await runner.panel(marcoAgent, 'h-james2')).ok && (await runner.panel(marcoAgent, 'h-james2'))).toMatchObject({ value: { running: { status: 'failed', problem: expect.stringContaining('changed while it ran') } } });
    expect(await runner.cancel(marcoAgent, 'h-james2')).toMatchObject({ ok: true, value: { running: null, done: [{ status: 'cancelled' }, { outcome: 'upgrade_placed' }] } });
  });
});

it('proposes nothing and starts nothing while the CI system cannot be read', async () => {
  const { app } = running;
  const down = { byPhone: async () => Promise.reject(new Error('down')), byCustomerId: async () => Promise.reject(new Error('down')) };
  const runner = new ProcessRunner({ desk, content: () => app.engine.current.content, profiles: down, backOffice: app.backOffice, store: app.store, lock: new LeaseLock(app.store.leases, app.clock), clock: app.clock, log: silentLogger });
  const marcoAgent = { id: 'marco', name: 'Marco', roles: ['agent' as const], queues: ['customer_care'] };
  expect(await runner.panel(marcoAgent, 'h-maya')).toEqual({ ok: false, reason: 'profile_unavailable' });
  expect(await runner.start(marcoAgent, 'h-maya', 'change_address')).toEqual({ ok: false, reason: 'profile_unavailable' });
});
