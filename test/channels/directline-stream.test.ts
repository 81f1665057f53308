/** The Direct Line WebSocket stream: pushed ActivitySets, reconnect with a watermark, one stream per conversation. */
import WebSocket from 'ws';
import { SECRET, startApp, type RunningApp } from '../support/server';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });

async function startConversation(user = 'C1001') {
  const gen = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: user } }) })).json()) as { token: string };
  return (await (await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth(gen.token) })).json()) as { conversationId: string; token: string; streamUrl: string };
}

type Frame = { activities: { type: string; text?: string; from: { role?: string } }[]; watermark: string };

function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const frames: Frame[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text) frames.push(JSON.parse(text) as Frame);
    });
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('error', reject);
  });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

it('pushes the bot\'s answers as they come', async () => {
  const c = await startConversation();
  expect(c.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${c.conversationId}/stream\\?t=`));
  const { ws, frames } = await connect(c.streamUrl);
  await fetch(`${app.url}/v3/directline/conversations/${c.conversationId}/activities`, { method: 'POST', headers: auth(c.token), body: JSON.stringify({ type: 'message', text: "what's my balance" }) });
  await until(() => frames.some((f) => f.activities.some((a) => a.text?.includes('$145.00'))));
  const all = frames.flatMap((f) => f.activities);
  expect(all.find((a) => a.text === "what's my balance")).toBeDefined();
  expect(all.some((a) => a.text?.startsWith('Your balance is $145.00'))).toBe(true);
  ws.close();
});

it('replays what was missed when reconnecting with a watermark', async () => {
  const c = await startConversation();
  const again = (await (await fetch(`${app.url}/v3/directline/conversations/${c.conversationId}?watermark=0`, { headers: auth(c.token) })).json()) as { streamUrl: string };
  const { ws, frames } = await connect(again.streamUrl);
  await until(() => frames.length > 0);
  expect(frames[0]!.activities.some((a) => a.text?.startsWith('Hi Maya'))).toBe(true);
  ws.close();
});

it('replays a history longer than one read, page after page, when reconnecting from the start', async () => {
  const c = await startConversation();
  // An agent's messages past the 500 activities one read returns.
  for (let i = 0; i < 510; i++) await app.app.outbound.send(`directline:${c.conversationId}`, { text: `line ${i}`, from: { kind: 'agent', name: 'Sam' } });
  const again = (await (await fetch(`${app.url}/v3/directline/conversations/${c.conversationId}?watermark=0`, { headers: auth(c.token) })).json()) as { streamUrl: string };
  const { ws, frames } = await connect(again.streamUrl);
  await until(() => frames.flatMap((f) => f.activities).some((a) => a.text === 'line 509'));
  const lines = frames.flatMap((f) => f.activities).filter((a) => a.text?.startsWith('line '));
  expect(lines.map((a) => a.text)).toEqual(Array.from({ length: 510 }, (_, i) => `line ${i}`));
  ws.close();
});

it('closes the older stream when a second one connects, and refuses a bad token', async () => {
  const c = await startConversation();
  const first = await connect(c.streamUrl);
  const second = await connect(c.streamUrl);
  expect(await first.closed).toEqual({ code: 1000, reason: 'collision' });
  second.ws.close();
  await expect(connect(c.streamUrl.replace(/t=[^&]+/, 't=forged'))).rejects.toThrow(/403/);
});

it("cuts the stream of a page that stopped answering the keep-alive ping, and keeps the one that answers", async () => {
  const gone = await connect((await startConversation()).streamUrl, { autoPong: false });
  const here = await connect((await startConversation('C1003')).streamUrl);
  const pinged = (ws: WebSocket) => new Promise((r) => ws.once('ping', r));
  const pings = [pinged(gone.ws), pinged(here.ws)];
  app.directLine.streams.heartbeat();
  await Promise.all(pings);
  // The answering page's pong is on its way; its own ping answered means the server has read it.
  await new Promise((r) => {
    here.ws.once('pong', r);
    here.ws.ping();
  });
  app.directLine.streams.heartbeat();
  expect((await gone.closed).code).toBe(1006);
  expect(here.ws.readyState).toBe(WebSocket.OPEN);
  here.ws.close();
});
