/**
 * The routing table of the demo contact center (../shared/domain.md), as
 * whole conversations: every handoff intent, for every segment, lands in the
 * right queue with the right priority.
 */
import { harness, makeProfile, FixtureProfiles } from '../support/harness';

const customers = {
  platinum: makeProfile({ id: 'P1', scores: { value: 85, potential: 80, churnRisk: 0.2 } }),
  gold: makeProfile({ id: 'G1', scores: { value: 75, potential: 40, churnRisk: 0.8 } }),
  growth: makeProfile({ id: 'R1', scores: { value: 40, potential: 85, churnRisk: 0.3 } }),
  standard: makeProfile({ id: 'S1', scores: { value: 30, potential: 30, churnRisk: 0.1 } }),
};
const h = harness({ profiles: new FixtureProfiles(Object.values(customers)) });

const says: Record<string, string> = {
  billing_dispute: 'I was charged twice on my last bill and I want it fixed',
  cancel_service: 'I want to cancel my contract',
  tech_support: 'my internet keeps dropping out every evening',
  new_service: 'I would like to add a new broadband line',
  complaint: 'I want to make a complaint about your service',
  agent_request: 'agent',
};

// segment → intent → [queue, priority]
const table: Record<string, Record<string, [string, number]>> = {
  platinum: {
    billing_dispute: ['premium', 80],
    cancel_service: ['retention', 85], // priority by value
    tech_support: ['tech_support', 80],
    new_service: ['premium', 80],
    complaint: ['premium', 80],
    agent_request: ['premium', 80],
  },
  gold: {
    // high churn risk adds 10
    billing_dispute: ['billing', 70],
    cancel_service: ['retention', 85],
    tech_support: ['tech_support', 70],
    new_service: ['sales', 70],
    complaint: ['customer_care', 70],
    agent_request: ['customer_care', 70],
  },
  growth: {
    billing_dispute: ['billing', 40],
    cancel_service: ['retention', 40],
    tech_support: ['tech_support', 40],
    new_service: ['sales', 40],
    complaint: ['customer_care', 40],
    agent_request: ['customer_care', 40],
  },
  standard: {
    billing_dispute: ['billing', 20],
    cancel_service: ['retention', 30],
    tech_support: ['tech_support', 20],
    new_service: ['sales', 20],
    complaint: ['customer_care', 20],
    agent_request: ['customer_care', 20],
  },
};

const rows = Object.entries(table).flatMap(([segment, byIntent]) =>
  Object.entries(byIntent).map(([intent, [queue, priority]]) => ({ segment, intent, queue, priority })),
);

describe('routing: intent × segment → queue and priority', () => {
  it.each(rows)('$segment $intent → $queue at $priority', async ({ segment, intent, queue, priority }) => {
    const profile = customers[segment as keyof typeof customers];
    const c = h.conversation({ identity: { kind: 'customerId', value: profile.id, authenticated: true } });
    await c.start();
    const out = await c.say(says[intent]!);
    expect(out.handoff).toBeDefined();
    const handoff = out.handoff!.handoff;
    expect(handoff.intent?.name).toBe(intent);
    expect(handoff.customer.segment).toBe(segment);
    expect(handoff.queue).toBe(queue);
    expect(handoff.priority).toBe(priority);
    expect(h.queue.list().find((q) => q.queue === queue)?.waiting.map((w) => w.id)).toContain(handoff.id);
  });

  it('serves an unknown caller as standard', async () => {
    const c = h.conversation({ channel: 'voice', identity: { kind: 'phone', value: '+15550000000' } });
    await c.start();
    const out = await c.say('I want to make a complaint about your service');
    expect(out.handoff?.handoff.customer).toMatchObject({ id: null, segment: 'standard', verified: false });
    expect(out.handoff?.handoff.queue).toBe('customer_care');
    expect(out.handoff?.handoff.priority).toBe(20);
  });

  it('sends "talk to a person" to the queue of the current topic, else customer care', async () => {
    const c = h.conversation({ identity: { kind: 'customerId', value: 'S1', authenticated: true } });
    await c.start();
    await c.say("what's my balance");
    const out = await c.say('can I talk to a real person');
    expect(out.handoff?.handoff.intent?.name).toBe('agent_request');
    expect(out.handoff?.handoff.queue).toBe('billing');
    expect(out.handoff?.handoff.summary.map((s) => s.section)).toEqual(['balance', 'last_payment', 'invoices']);

    const fresh = h.conversation({ identity: { kind: 'customerId', value: 'S1', authenticated: true } });
    await fresh.start();
    expect((await fresh.say('agent')).handoff?.handoff.queue).toBe('customer_care');
  });
});
