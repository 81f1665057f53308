/**
 * Bounded memory: however many Web Chat conversations there are, this
 * process caches at most DIRECTLINE_MAX_CONVERSATIONS of them; the rest live
 * in the store (SQLite under DATA_DIR, as npm start keeps them) and an old
 * conversation's history is read back whole, never answered as empty.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET, startApp, type RunningApp } from '../support/server';

const CAP = 20;
let app: RunningApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'frontline-dl-memory-'));
  app = await startApp({ DATA_DIR: dataDir, DIRECTLINE_MAX_CONVERSATIONS: String(CAP) });
});
afterAll(async () => {
  await app.close();
  await app.app.store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
type ActivitySet = { activities: { id: string; type: string; text?: string }[]; watermark: string };

async function converse(user: string, text: string) {
  const gen = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: user } }) })).json()) as { token: string; conversationId: string };
  await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth(gen.token) });
  await fetch(`${app.url}/v3/directline/conversations/${gen.conversationId}/activities`, { method: 'POST', headers: auth(gen.token), body: JSON.stringify({ type: 'message', text }) });
  return gen;
}

const read = async (c: { conversationId: string; token: string }) =>
  (await (await fetch(`${app.url}/v3/directline/conversations/${c.conversationId}/activities`, { headers: auth(c.token) })).json()) as ActivitySet;

it('caches at most the configured number of conversations, and reads older ones back from the store whole', async () => {
  const first = await converse('C1001', "what's my balance");
  const before = await read(first);
  expect(before.activities.map((a) => a.text)).toEqual(expect.arrayContaining(["what's my balance", expect.stringMatching(/^Your balance is \$145\.00/)]));
  const sizes: number[] = [];
  for (let i = 0; i < CAP * 5; i++) {
    await converse(`dl_visitor${i}`, 'what are your opening hours');
    sizes.push(app.directLine.conversations.size);
  }
  expect(Math.max(...sizes)).toBe(CAP);
  expect(app.directLine.conversations.get(first.conversationId)).toBeUndefined();
  // Pushed out long ago: read back from the store, every activity, same ids, same watermark.
  expect(await read(first)).toEqual(before);
  // And the conversation carries on where it was.
  const sent = await fetch(`${app.url}/v3/directline/conversations/${first.conversationId}/activities`, { method: 'POST', headers: auth(first.token), body: JSON.stringify({ type: 'message', text: 'thanks' }) });
  expect(sent.status).toBe(200);
  const after = await read(first);
  expect(after.activities.slice(0, before.activities.length)).toEqual(before.activities);
  expect(Number(after.watermark)).toBeGreaterThan(Number(before.watermark));
});
