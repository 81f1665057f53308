/**
 * A web chat customer who closes the page while waiting for a person (Web
 * Chat sends nothing): once gone for WEBCHAT_ABANDON_MINUTES (no stream, no
 * poll, no message) the sweep records them as left: abandoned, out of the
 * queue. One who comes back in time keeps the place. The clock is the app's.
 */
import WebSocket from 'ws';
import type { Agent } from '../../bot/desk/desk';
import { SECRET, startApp, type RunningApp } from '../support/server';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ WEBCHAT_ABANDON_MINUTES: '5' });
});
afterAll(() => app.close());

const dana: Agent = { id: 'dana', name: 'Dana', roles: ['agent'], queues: ['billing', 'premium'] };
const dl = (path: string) => `${app.url}/v3/directline${path}`;
const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
/** Time passes; the streams still open renewed their leases meanwhile (their heartbeat). */
const minutes = async (n: number) => {
  app.advance(n * 60_000);
  await app.directLine.streams.renew();
};

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
};

async function stream(id: string, token: string): Promise<WebSocket> {
  const { streamUrl } = (await (await fetch(dl(`/conversations/${id}`), { headers: auth(token) })).json()) as { streamUrl: string };
  const ws = new WebSocket(streamUrl);
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
  return ws;
}

/** The page closes: its stream's note in the store says so. */
async function closePage(ws: WebSocket, id: string): Promise<void> {
  ws.close();
  await until(async () => ((await app.app.store.records.get(`directline:stream:${id}`, app.app.clock.now().getTime())) as { open?: boolean } | null)?.open === false);
}

/** Sofia, on the page with its stream, waiting in the billing queue. */
async function waiting() {
  const gen = (await (await fetch(dl('/tokens/generate'), { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: 'C1003' } }) })).json()) as { token: string; conversationId: string };
  const { conversationId: id, token } = gen;
  await fetch(dl('/conversations'), { method: 'POST', headers: auth(token) });
  const ws = await stream(id, token);
  const say = (text: string) => fetch(dl(`/conversations/${id}/activities`), { method: 'POST', headers: auth(token), body: JSON.stringify({ type: 'message', text }) });
  await say("I've been charged twice on my November bill");
  const contact = (await app.app.desk.queues(dana)).flatMap((q) => q.waiting).find((c) => c.conversationId === `directline:${id}`)!;
  expect(contact).toBeDefined();
  const status = async () => {
    const found = await app.app.desk.contact(dana, contact.contactId);
    return found.ok ? found.value.status : 'gone';
  };
  const queued = async () => (await app.app.desk.queues(dana)).flatMap((q) => q.waiting).some((c) => c.contactId === contact.contactId);
  return { id, token, ws, say, contactId: contact.contactId, status, queued };
}

it('a customer whose page stays closed for the time leaves the queue, recorded as abandoned', async () => {
  const sofia = await waiting();
  await closePage(sofia.ws, sofia.id);
  await minutes(4);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('waiting');
  await minutes(2);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('abandoned');
  expect(await sofia.queued()).toBe(false);
  const events = (await app.app.store.events.read(-1)).map((e) => e.event).filter((e) => e.detail.contactId === sofia.contactId);
  expect(events.map((e) => e.kind)).toEqual(['abandoned']);
});

it('a customer who reloads (a new stream) within the time keeps the place; a later close still counts', async () => {
  const sofia = await waiting();
  await closePage(sofia.ws, sofia.id);
  await minutes(3);
  const again = await stream(sofia.id, sofia.token);
  await minutes(10);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('waiting');
  expect(await sofia.queued()).toBe(true);
  await closePage(again, sofia.id);
  await minutes(6);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('abandoned');
});

it('a message or a poll without a stream counts as being there', async () => {
  const sofia = await waiting();
  await closePage(sofia.ws, sofia.id);
  await minutes(4);
  await sofia.say('still there?');
  await minutes(3);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('waiting');
  await fetch(dl(`/conversations/${sofia.id}/activities?watermark=0`), { headers: auth(sofia.token) });
  await minutes(4);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('waiting');
  await minutes(2);
  await app.directLine.away.sweep();
  expect(await sofia.status()).toBe('abandoned');
});
