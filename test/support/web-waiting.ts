/**
 * A web chat customer waiting for a person, for the abandonment tests
 * (webchat-abandon*, two-instances-away): Sofia (C1003) told the bot about a
 * double charge and waits in the billing queue, as Dana's desk sees her;
 * her page's Direct Line stream; the store's note on that stream; time
 * passing with the open streams' heartbeat.
 */
import WebSocket from 'ws';
import type { Agent } from '../../bot/desk/desk';
import { SECRET, type RunningApp } from './server';

export const dana: Agent = { id: 'dana', name: 'Dana', roles: ['agent'], queues: ['billing', 'premium'] };
export const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });

/** Waits (up to 5 s) until `check` holds. */
export const until = async (check: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 250 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
};

/** Every page stream opened, for `cutStreams` (a server closes only once its connections have). */
const sockets: WebSocket[] = [];

/** Cuts every page stream the file opened. */
export function cutStreams(): void {
  for (const ws of sockets) ws.terminate();
}

/** Web Chat's stream of the conversation on the instance at `base`; resolves once open, with how it ends. */
export async function pageStream(base: string, c: { id: string; token: string }) {
  const { streamUrl } = (await (await fetch(`${base}/v3/directline/conversations/${c.id}`, { headers: auth(c.token) })).json()) as { streamUrl: string };
  const ws = new WebSocket(streamUrl);
  sockets.push(ws);
  let ended: { code: number; reason: string } | null = null;
  const closed = new Promise<number>((done) =>
    ws.on('close', (code, reason) => {
      ended = { code, reason: reason.toString() };
      done(code);
    }),
  );
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
  return { ws, closed, ended: () => ended };
}

/** The store's note on the conversation's stream, as `on` reads it. */
export const streamNote = async (on: RunningApp, id: string) =>
  (await on.app.store.records.get(`directline:stream:${id}`, on.app.clock.now().getTime())) as { open?: boolean; stream?: string } | null;

/** The page closes: its stream's note in the store (read through `on`) says so. */
export async function closePage(on: RunningApp, ws: WebSocket, id: string): Promise<void> {
  ws.close();
  await until(async () => (await streamNote(on, id))?.open === false);
}

/** Time passes on the apps' clocks; the streams still open renewed their leases meanwhile (their heartbeat). */
export async function minutesPass(apps: RunningApp[], n: number): Promise<void> {
  for (const app of apps) app.advance(n * 60_000);
  for (const app of apps) await app.directLine.streams.renew();
}

/** Sofia, started on the instance at `base` (its Direct Line secret), waiting in the billing queue as `desk`'s instance sees it (no stream open yet). */
export async function waitingSofia(base: string, desk: RunningApp, secret = SECRET) {
  const gen = (await (await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(secret), body: JSON.stringify({ user: { id: 'C1003' } }) })).json()) as { token: string; conversationId: string };
  const { conversationId: id, token } = gen;
  expect((await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: auth(token) })).status).toBe(201);
  const say = (text: string) => fetch(`${base}/v3/directline/conversations/${id}/activities`, { method: 'POST', headers: auth(token), body: JSON.stringify({ type: 'message', text }) });
  expect((await say("I've been charged twice on my November bill")).status).toBe(200);
  const contact = (await desk.app.desk.queues(dana)).flatMap((q) => q.waiting).find((c) => c.conversationId === `directline:${id}`)!;
  expect(contact).toBeDefined();
  return {
    id,
    token,
    say,
    contactId: contact.contactId,
    status: async () => {
      const found = await desk.app.desk.contact(dana, contact.contactId);
      return found.ok ? found.value.status : 'gone';
    },
    queued: async () => (await desk.app.desk.queues(dana)).flatMap((q) => q.waiting).some((c) => c.contactId === contact.contactId),
    abandonments: async () =>
      (await desk.app.store.events.read(-1)).map((e) => e.event).filter((e) => e.kind === 'abandoned' && e.detail.contactId === contact.contactId).length,
  };
}
