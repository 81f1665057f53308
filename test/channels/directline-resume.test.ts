/**
 * Resuming a Direct Line conversation as the web chat page does after a
 * reload: refresh the saved token, reconnect to the same conversation from
 * watermark 0 (no second welcome, the dialog goes on), and never with a
 * token of another conversation. An expired conversation is not resumed.
 */
import WebSocket from 'ws';
import { SECRET, startApp, type RunningApp } from '../support/server';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const dl = (path: string) => `${app.url}/v3/directline${path}`;
const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
type Activity = { type: string; text?: string; from: { role?: string } };
type Frame = { activities: Activity[]; watermark: string };

async function started(user: string) {
  const gen = (await (await fetch(dl('/tokens/generate'), { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: user } }) })).json()) as { token: string };
  const res = await fetch(dl('/conversations'), { method: 'POST', headers: auth(gen.token) });
  expect(res.status).toBe(201);
  return (await res.json()) as { conversationId: string; token: string };
}

async function refresh(token: string) {
  return fetch(dl('/tokens/refresh'), { method: 'POST', headers: auth(token) });
}

async function say(id: string, token: string, text: string) {
  expect((await fetch(dl(`/conversations/${id}/activities`), { method: 'POST', headers: auth(token), body: JSON.stringify({ type: 'message', text }) })).status).toBe(200);
}

/** Everything a stream sends until `done` says it has it all. */
async function streamed(url: string, done: (all: Activity[]) => boolean): Promise<Activity[]> {
  const ws = new WebSocket(url);
  const all: Activity[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const text = data.toString();
      if (text) all.push(...(JSON.parse(text) as Frame).activities);
      if (done(all)) resolve();
    });
    ws.on('error', reject);
    setTimeout(() => reject(new Error(`the stream sent only: ${JSON.stringify(all.map((a) => a.text ?? a.type))}`)), 10_000).unref();
  }).finally(() => ws.close());
  return all;
}

const botSaid = (all: Activity[], text: string) => all.filter((a) => a.type === 'message' && a.from.role === 'bot' && a.text?.includes(text));

it('a refreshed token reconnects to the same conversation from the start: one welcome, and the dialog goes on', async () => {
  const c = await started('C1011');
  await say(c.conversationId, c.token, 'track my order');
  const res = await refresh(c.token);
  expect(res.status).toBe(200);
  const { token, conversationId } = (await res.json()) as { token: string; conversationId: string };
  expect(conversationId).toBe(c.conversationId);

  const again = await fetch(dl(`/conversations/${c.conversationId}?watermark=0`), { headers: auth(token) });
  expect(again.status).toBe(200);
  const { streamUrl } = (await again.json()) as { streamUrl: string };
  // The question that followed "track my order" comes back too.
  const asked = (all: Activity[]) => all.findIndex((a) => a.text === 'track my order');
  const history = await streamed(streamUrl, (all) => asked(all) >= 0 && all.slice(asked(all)).some((a) => a.type === 'message' && a.from.role === 'bot'));
  expect(botSaid(history, 'Hi Hannah')).toHaveLength(1);

  await say(c.conversationId, token, 'the Samsung Galaxy S25');
  const read = (await (await fetch(dl(`/conversations/${c.conversationId}/activities`), { headers: auth(token) })).json()) as Frame;
  expect(botSaid(read.activities, 'expected on Saturday, November 28')).toHaveLength(1);
  expect(botSaid(read.activities, 'Hi Hannah')).toHaveLength(1);
});

it("a token of one conversation, refreshed or not, never opens another's", async () => {
  const x = await started('C1001');
  const y = await started('C1003');
  const { token: refreshed } = (await (await refresh(x.token)).json()) as { token: string };
  for (const token of [x.token, refreshed]) {
    expect((await fetch(dl(`/conversations/${y.conversationId}?watermark=0`), { headers: auth(token) })).status).toBe(403);
    expect((await fetch(dl(`/conversations/${y.conversationId}/activities`), { headers: auth(token) })).status).toBe(403);
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/v3/directline/conversations/${y.conversationId}/stream?t=${encodeURIComponent(token)}&watermark=0`);
    const refused = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).on('open', () => resolve(101)));
    expect(refused).toBe(403);
  }
});

it('a conversation whose history expired (STATE_TTL_MINUTES) is not resumed: 404 (the page starts a new one)', async () => {
  const c = await started('C1001');
  let token = c.token;
  // The token is kept fresh (Web Chat refreshes it) while nobody writes for longer than the history is kept.
  for (const minutes of [29, 29, 5]) {
    app.advance(minutes * 60_000);
    token = ((await (await refresh(token)).json()) as { token: string }).token;
  }
  expect((await fetch(dl(`/conversations/${c.conversationId}?watermark=0`), { headers: auth(token) })).status).toBe(404);
});
