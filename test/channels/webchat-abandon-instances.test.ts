/**
 * The abandonment sweep (WEBCHAT_ABANDON_MINUTES) with two instances of the
 * app on one Redis, as behind a load balancer: both sweep, and a customer
 * gone for the time is recorded as abandoned exactly once; a customer whose
 * stream lives on one instance (its lease renewed) is not abandoned by the
 * other's sweep, even when an older stream of theirs closed there; and a
 * second stream on either instance closes the first ("collision").
 */
import WebSocket from 'ws';
import type { Agent } from '../../bot/desk/desk';
import { REDIS_URL } from '../support/store-backends';
import { SECRET, startApp, type RunningApp } from '../support/server';

let a: RunningApp;
let b: RunningApp;
beforeAll(async () => {
  const env = { REDIS_URL, REDIS_PREFIX: `frontline-test:away:${process.pid}:${Date.now()}:`, WEBCHAT_ABANDON_MINUTES: '5' };
  [a, b] = await Promise.all([startApp(env), startApp(env)]);
});
/** Every client stream, cut at the end (a server closes only once its connections have). */
const sockets: WebSocket[] = [];
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  for (const app of [a, b]) {
    await app.close();
    await app.app.store.close();
  }
});

const dana: Agent = { id: 'dana', name: 'Dana', roles: ['agent'], queues: ['billing', 'premium'] };
const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
/** Time passes on both instances' clocks; the streams still open renewed their leases meanwhile (their heartbeat). */
const minutes = async (n: number) => {
  for (const app of [a, b]) app.advance(n * 60_000);
  for (const app of [a, b]) await app.directLine.streams.renew();
};
const until = async (check: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 250 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
};

/** Web Chat's stream on `on`, and how it ended. */
async function stream(on: RunningApp, id: string, token: string) {
  const { streamUrl } = (await (await fetch(`${on.url}/v3/directline/conversations/${id}`, { headers: auth(token) })).json()) as { streamUrl: string };
  const ws = new WebSocket(streamUrl);
  sockets.push(ws);
  let ended: { code: number; reason: string } | null = null;
  ws.on('close', (code, reason) => (ended = { code, reason: reason.toString() }));
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
  return { ws, ended: () => ended };
}

const streamNote = async (on: RunningApp, id: string) =>
  (await on.app.store.records.get(`directline:stream:${id}`, on.app.clock.now().getTime())) as { open?: boolean; stream?: string } | null;

/** Sofia, started on instance A, waiting in the billing queue. */
async function waiting() {
  const gen = (await (await fetch(`${a.url}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: 'C1003' } }) })).json()) as { token: string; conversationId: string };
  const { conversationId: id, token } = gen;
  await fetch(`${a.url}/v3/directline/conversations`, { method: 'POST', headers: auth(token) });
  const said = await fetch(`${a.url}/v3/directline/conversations/${id}/activities`, { method: 'POST', headers: auth(token), body: JSON.stringify({ type: 'message', text: "I've been charged twice on my November bill" }) });
  expect(said.status).toBe(200);
  const contact = (await b.app.desk.queues(dana)).flatMap((q) => q.waiting).find((c) => c.conversationId === `directline:${id}`)!;
  expect(contact).toBeDefined();
  const status = async () => {
    const found = await b.app.desk.contact(dana, contact.contactId);
    return found.ok ? found.value.status : 'gone';
  };
  const abandonments = async () =>
    (await b.app.store.events.read(-1)).map((e) => e.event).filter((e) => e.kind === 'abandoned' && e.detail.contactId === contact.contactId).length;
  return { id, token, status, abandonments };
}

it('records a customer gone for the time as abandoned exactly once while both instances sweep', async () => {
  const sofia = await waiting();
  const page = await stream(a, sofia.id, sofia.token);
  page.ws.close();
  await until(async () => (await streamNote(a, sofia.id))?.open === false);
  await minutes(4);
  expect(await Promise.all([a.directLine.away.sweep(), b.directLine.away.sweep()])).toEqual([0, 0]);
  expect(await sofia.status()).toBe('waiting');
  await minutes(2);
  const left = await Promise.all([a.directLine.away.sweep(), b.directLine.away.sweep(), a.directLine.away.sweep(), b.directLine.away.sweep()]);
  expect(left.reduce((x, y) => x + y)).toBe(1);
  expect(await sofia.status()).toBe('abandoned');
  expect(await sofia.abandonments()).toBe(1);
  await minutes(10);
  await Promise.all([a.directLine.away.sweep(), b.directLine.away.sweep()]);
  expect(await sofia.abandonments()).toBe(1);
});

it('closes a stream on one instance when the same conversation opens a stream on the other (collision)', async () => {
  const sofia = await waiting();
  const first = await stream(a, sofia.id, sofia.token);
  const second = await stream(b, sofia.id, sofia.token);
  await until(() => first.ended() !== null);
  expect(first.ended()).toEqual({ code: 1000, reason: 'collision' });
  expect(second.ended()).toBeNull();
  expect((await streamNote(a, sofia.id))?.open).toBe(true);
  second.ws.close();
});

it('does not abandon a customer whose stream lives on instance A because an older stream of theirs closed on B', async () => {
  const sofia = await waiting();
  // The page was on B; a reload lands on A, and the old stream's end reaches B afterwards.
  const old = await stream(b, sofia.id, sofia.token);
  const page = await stream(a, sofia.id, sofia.token);
  old.ws.close();
  await until(() => old.ended() !== null);
  await minutes(10);
  await Promise.all([a.directLine.away.sweep(), b.directLine.away.sweep()]);
  await minutes(10);
  await Promise.all([b.directLine.away.sweep(), a.directLine.away.sweep()]);
  expect(await sofia.status()).toBe('waiting');
  expect(page.ended()).toBeNull();
  // Once that page closes too, the customer is gone: abandoned, once.
  page.ws.close();
  await until(async () => (await streamNote(a, sofia.id))?.open === false);
  await minutes(6);
  await Promise.all([b.directLine.away.sweep(), a.directLine.away.sweep()]);
  expect(await sofia.status()).toBe('abandoned');
  expect(await sofia.abandonments()).toBe(1);
});
