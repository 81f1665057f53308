/**
 * An offer's deadline is in the store, not in a timer of the instance that
 * made the transfer: after a restart on the same SQLite files, or on another
 * instance sharing one Redis, the offer lapses when it is due although the
 * named agent never loads their contacts, and only one instance ends it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisStore } from '../../integrations/state/redis';
import { deskAgent, type DeskAgentClient } from '../support/desk-agent';
import { startApp, type RunningApp } from '../support/server';
import { REDIS_URL } from '../support/store-backends';
import { webCustomer } from '../support/web-customer';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'frontline-offer-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (id: string, action = '') => `/api/desk/contacts/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
const password = (on: RunningApp, id: string) => on.app.agents!.demoPasswords.find((a) => a.id === id)!.password;

async function signedIn(on: RunningApp, id: string): Promise<DeskAgentClient> {
  const agent = deskAgent(on.url);
  expect((await agent.signIn(id, password(on, id))).status).toBe(200);
  return agent;
}

/** The same agent's session, talking to another instance (sessions live in the store). */
function over(on: RunningApp, agent: DeskAgentClient): DeskAgentClient {
  return { ...agent, get: (path) => fetch(`${on.url}${path}`, { headers: { cookie: agent.cookie } }) };
}

async function inBilling(agent: DeskAgentClient, contactId: string): Promise<boolean> {
  const { queues } = (await (await agent.get('/api/desk/queues')).json()) as { queues: { queue: string; waiting: { contactId: string }[] }[] };
  return queues.find((q) => q.queue === 'billing')!.waiting.some((c) => c.contactId === contactId);
}

/** Polls until `check` holds: the sweep runs on a timer of its own (about every second). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('never happened');
}

/** On `on`: a dispute Dana accepts and offers to Marco (both signed in there); the contact id and Dana. */
async function offerToMarco(on: RunningApp): Promise<{ contactId: string; dana: DeskAgentClient }> {
  const [dana] = [await signedIn(on, 'dana'), await signedIn(on, 'marco')];
  const chat = await webCustomer(on, 'C1003');
  await chat.say("I've been charged twice on my November bill");
  const contactId = (await on.app.engine.peek(chat.conversationId))!.handedOff!.handoffId;
  expect((await dana.post(at(contactId, 'accept'))).status).toBe(200);
  expect((await dana.post(at(contactId, 'transfer'), { agentId: 'marco' })).status).toBe(200);
  return { contactId, dana };
}

async function declines(on: RunningApp, contactId: string): Promise<unknown[]> {
  return (await on.app.store.events.read(-1))
    .map((e) => e.event)
    .filter((e) => e.kind === 'transfer_declined' && e.detail.contactId === contactId)
    .map((e) => e.detail.why);
}

it('lapses after a restart on the same SQLite files, with nobody loading the named agent\'s contacts', async () => {
  const env = { DATA_DIR: mkdtempSync(join(dir, 'data-')) };
  const first = await startApp(env);
  const { contactId, dana } = await offerToMarco(first);
  await first.close();
  await first.app.store.close();

  const second = await startApp(env);
  try {
    const danaNow = over(second, dana);
    expect(await inBilling(danaNow, contactId)).toBe(false);
    second.advance(61_000);
    await eventually(() => inBilling(danaNow, contactId));
    expect(await declines(second, contactId)).toEqual(['unanswered']);
  } finally {
    await second.close();
    await second.app.store.close();
  }
});

it('lapses on another instance sharing one Redis, once', async () => {
  const prefix = `frontline-test:offer:${process.pid}:${Date.now()}:`;
  const env = { REDIS_URL, REDIS_PREFIX: prefix };
  const [a, b] = await Promise.all([startApp(env), startApp(env)]);
  try {
    const { contactId, dana } = await offerToMarco(a);
    // Only b's clock reaches the deadline: a, which made the transfer, would not end it yet.
    b.advance(61_000);
    await eventually(() => inBilling(over(b, dana), contactId));
    expect(await declines(a, contactId)).toEqual(['unanswered']);
    a.advance(61_000);
    expect(await a.app.desk.offerSweep!.sweep()).toBe(0);
    expect(await declines(b, contactId)).toEqual(['unanswered']);
  } finally {
    for (const app of [a, b]) {
      await app.close();
      await app.app.store.close();
    }
    const store = new RedisStore({ url: REDIS_URL, prefix, stateTtlMs: 60_000 });
    await store.destroy();
    await store.close();
  }
});
