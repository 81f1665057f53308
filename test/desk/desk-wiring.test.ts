/**
 * The desk as `npm start` wires it (compose → routes → the desk service on
 * the store), with contacts made by real Web Chat customers over Direct
 * Line: a contact is never shown to an agent who does not serve its queue,
 * and live events reach only the agents of its queue.
 */
import { deskAgent, deskEvents, signedInDemoAgent, type DeskAgentClient } from '../support/desk-agent';
import { startApp, type RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

jest.setTimeout(120_000);

let running: RunningApp;
const password = (id: string) => running.app.agents!.demoPasswords.find((a) => a.id === id)!.password;
type Queues = { queues: { queue: string; label: string; waiting: { contactId: string; customerName: string | null; intentLabel: string | null }[] }[] };

const signedIn = (id: string) => signedInDemoAgent(running, id);

const listen = (agent: DeskAgentClient) => deskEvents(running.url, agent);

beforeAll(async () => {
  running = await startApp();
});

afterAll(async () => {
  await running?.close();
});

describe('the desk as npm start wires it', () => {
  it('shows a contact only to the agents of its queue, live and on request, whatever id is guessed', async () => {
    const dana = await signedIn('dana'); // billing
    const priya = await signedIn('priya'); // tech_support
    const danaStream = await listen(dana);
    const priyaStream = await listen(priya);
    expect(danaStream.contentType).toMatch(/^text\/event-stream/);
    await danaStream.until(/event: ready/);
    await priyaStream.until(/event: ready/);

    const sofia = await webCustomer(running, 'C1003');
    await sofia.say("I've been charged twice on my November bill");
    const tom = await webCustomer(running, 'C1007');
    await tom.say('my broadband keeps dropping every evening');

    await danaStream.until(/"customerName":"Sofia/);
    await priyaStream.until(/"queue":"tech_support"/);
    const billing = ((await (await dana.get('/api/desk/queues')).json()) as Queues).queues;
    expect(billing.map((q) => [q.queue, q.label])).toEqual([['billing', 'Billing']]);
    expect(billing[0]!.waiting.map((c) => c.customerName)).toEqual(['Sofia Ramirez']);
    const tech = ((await (await priya.get('/api/desk/queues')).json()) as Queues).queues;
    const techContact = tech[0]!.waiting[0]!.contactId;
    const billingContact = billing[0]!.waiting[0]!.contactId;

    // Dana never sees the tech support contact: not in her lists, not by id, not in her stream.
    expect(((await (await dana.get('/api/queues')).json()) as Queues).queues.map((q) => q.queue)).toEqual(['billing']);
    const peek = await dana.get(`/api/desk/contacts/${encodeURIComponent(techContact)}`);
    expect(peek.status).toBe(404);
    expect(await peek.json()).toEqual({ code: 'NotFound', message: 'no such contact in the queues you serve' });
    expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(techContact)}/accept`)).status).toBe(404);
    expect((await priya.get(`/api/desk/contacts/${encodeURIComponent(billingContact)}`)).status).toBe(404);
    expect(danaStream.text()).not.toContain(techContact);
    expect(priyaStream.text()).not.toContain(billingContact);

    // The card Dana opens: invoices, no orders.
    const card = (await (await dana.get(`/api/desk/contacts/${encodeURIComponent(billingContact)}`)).json()) as { handoff: { summary: { section: string }[] } };
    expect(card.handoff.summary.map((s) => s.section)).toEqual(expect.arrayContaining(['invoices']));
    expect(card.handoff.summary.map((s) => s.section)).not.toContain('orders');
    danaStream.stop();
    priyaStream.stop();
  });

  it('every desk route refuses a missing or forged session, and every change a missing CSRF token', async () => {
    const forged = { cookie: 'frontline_desk=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    for (const path of ['/api/desk/me', '/api/desk/queues', '/api/desk/mine', '/api/desk/contacts/x', '/api/queues', '/api/desk/events']) {
      expect([path, (await fetch(`${running.url}${path}`)).status]).toEqual([path, 401]);
      expect([path, (await fetch(`${running.url}${path}`, { headers: forged })).status]).toEqual([path, 401]);
    }
    const ruth = await signedIn('ruth');
    const { queues } = (await (await ruth.get('/api/desk/queues')).json()) as Queues;
    const id = encodeURIComponent(queues.flatMap((q) => q.waiting)[0]!.contactId);
    for (const action of ['accept', 'messages', 'typing', 'transfer', 'back-to-bot', 'end', 'offers']) {
      const path = `/api/desk/contacts/${id}/${action}`;
      expect([path, (await ruth.post(path, {}, null)).status]).toEqual([path, 403]);
      const res = await fetch(`${running.url}${path}`, { method: 'POST', headers: { ...forged, 'content-type': 'application/json', 'x-csrf-token': ruth.csrf }, body: '{}' });
      expect([path, res.status]).toEqual([path, 401]);
    }
    expect(((await (await ruth.get('/api/desk/mine')).json()) as { contacts: unknown[] }).contacts).toEqual([]);
  });

  it('of two agents accepting at once, one gets the contact and the other is told', async () => {
    const customer = await webCustomer(running, 'C1007');
    await customer.say("I want to make a complaint, the engineer didn't turn up again");
    const marco = await signedIn('marco');
    const ruth = await signedIn('ruth');
    const { queues } = (await (await marco.get('/api/desk/queues')).json()) as Queues;
    const id = encodeURIComponent(queues.find((q) => q.queue === 'customer_care')!.waiting[0]!.contactId);
    const answers = await Promise.all([marco.post(`/api/desk/contacts/${id}/accept`), ruth.post(`/api/desk/contacts/${id}/accept`)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await answers.find((r) => r.status === 409)!.json()).toEqual({ code: 'Taken', message: 'another agent took this contact first' });
  });
});
