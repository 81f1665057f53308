/**
 * A transfer offered to one agent ends without them (the desk findings left
 * at #11): their sign-out, or their session ending, puts the contact back in
 * its queue at once; unanswered, the offer lapses at its deadline by the
 * sweep every instance runs, whether or not the named agent loads their
 * contacts. Through the wiring `npm start` uses (Web Chat over Direct Line,
 * agents at the desk's HTTP API); the outcome is `transfer_declined` each time.
 */
import type { OutcomeEvent } from '../../bot/engine/store';
import { DESK_SESSION_MS } from '../../bot/desk/sessions';
import { signedInDemoAgent, type DeskAgentClient } from '../support/desk-agent';
import { appPerFile } from '../support/server';
import { webCustomer } from '../support/web-customer';

jest.setTimeout(120_000);

const file = appPerFile();

type Summary = { contactId: string; status: string; agent: { id: string } | null };
type Card = { notes: { agentName: string; text: string }[] };

const at = (id: string, action = '') => `/api/desk/contacts/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
const json = async <T>(res: Promise<Response>): Promise<T> => (await (await res).json()) as T;
const billing = async (agent: DeskAgentClient) =>
  (await json<{ queues: { queue: string; waiting: Summary[] }[] }>(agent.get('/api/desk/queues'))).queues.find((q) => q.queue === 'billing')!.waiting.map((c) => c.contactId);

/** Polls until `check` holds: the sweep runs on a timer of its own (about every second). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('never happened');
}

/** A billing dispute in Web Chat that Dana accepted and offered to `to`. */
async function offered(dana: DeskAgentClient, to: string): Promise<string> {
  const chat = await webCustomer(file.app, 'C1003');
  await chat.say("I've been charged twice on my November bill");
  const contactId = (await file.app.app.engine.peek(chat.conversationId))!.handedOff!.handoffId;
  expect((await dana.post(at(contactId, 'accept'))).status).toBe(200);
  expect((await dana.post(at(contactId, 'transfer'), { agentId: to, note: '' })).status).toBe(200);
  expect(await billing(dana)).not.toContain(contactId);
  return contactId;
}

async function ends(contactId: string): Promise<(string | null)[][]> {
  const events: OutcomeEvent[] = (await file.app.app.store.events.read(-1)).map((e) => e.event);
  return events.filter((e) => e.detail.contactId === contactId && e.kind === 'transfer_declined').map((e) => [e.detail.agentId as string, (e.detail.why as string) ?? null]);
}

const notes = async (dana: DeskAgentClient, contactId: string) => (await json<Card>(dana.get(at(contactId)))).notes.map((n) => `${n.agentName}: ${n.text}`);

it("signing out declines the agent's pending offers: the contact waits in its queue again at once", async () => {
  const [dana, marco] = [await signedInDemoAgent(file.app, 'dana'), await signedInDemoAgent(file.app, 'marco')];
  const contactId = await offered(dana, 'marco');
  expect((await marco.post('/api/desk/sign-out')).status).toBe(200);
  // No wait for a sweep: the sign-out itself put it back.
  expect(await billing(dana)).toContain(contactId);
  expect(await notes(dana, contactId)).toEqual(['Marco: Signed out before answering the transfer']);
  expect(await ends(contactId)).toEqual([['marco', 'signed_out']]);
  expect((await dana.post(at(contactId, 'accept'))).status).toBe(200);
});

it('an offer to an agent whose session ends goes back then, before its deadline', async () => {
  const marco = await signedInDemoAgent(file.app, 'marco');
  file.app.advance(DESK_SESSION_MS - 20_000);
  const dana = await signedInDemoAgent(file.app, 'dana');
  const contactId = await offered(dana, 'marco');
  expect((await marco.get('/api/desk/mine')).status).toBe(200);
  // Marco's session ends 20 s after the transfer; the offer had 60 s.
  file.app.advance(21_000);
  await eventually(async () => (await billing(dana)).includes(contactId));
  expect(await ends(contactId)).toEqual([['marco', 'signed_out']]);
});

it('an offer to an agent who is not signed in goes back at once', async () => {
  const dana = await signedInDemoAgent(file.app, 'dana');
  const contactId = await offered(dana, 'ruth');
  await eventually(async () => (await billing(dana)).includes(contactId));
  expect(await notes(dana, contactId)).toEqual(['Ruth: Signed out before answering the transfer']);
  expect(await ends(contactId)).toEqual([['ruth', 'signed_out']]);
});

it("a session missing from its agent's list (signed in before the list existed) is listed again at its next request", async () => {
  const [dana, marco] = [await signedInDemoAgent(file.app, 'dana'), await signedInDemoAgent(file.app, 'marco')];
  expect(await file.app.app.store.records.delete('desk-agent-sessions:marco')).toBe(true);
  expect((await marco.get('/api/desk/me')).status).toBe(200);
  const contactId = await offered(dana, 'marco');
  expect(await file.app.app.desk.offerSweep!.sweep()).toBe(0);
  expect((await json<{ contacts: Summary[] }>(marco.get('/api/desk/mine'))).contacts.map((c) => c.contactId)).toContain(contactId);
  expect((await marco.post(at(contactId, 'accept'))).status).toBe(200);
});

it('unanswered, lapses at its deadline by the sweep, though the named agent never loads their contacts', async () => {
  const [dana] = [await signedInDemoAgent(file.app, 'dana'), await signedInDemoAgent(file.app, 'marco')];
  const contactId = await offered(dana, 'marco');
  file.app.advance(59_000);
  expect(await file.app.app.desk.offerSweep!.sweep()).toBe(0);
  expect(await billing(dana)).not.toContain(contactId);
  file.app.advance(2_000);
  await eventually(async () => (await billing(dana)).includes(contactId));
  expect(await notes(dana, contactId)).toEqual(['Marco: Did not answer the transfer within 60 s']);
  expect(await ends(contactId)).toEqual([['marco', 'unanswered']]);
});
