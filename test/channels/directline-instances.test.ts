/**
 * Direct Line on a shared store: two instances of the app on one Redis (as
 * behind a load balancer) serve one conversation. Each reads the history the
 * other wrote, the stream held by one hears the replies the other made, a
 * retried message (same clientActivityID) runs once whichever instance it
 * reaches, an agent writing through either reaches the customer, a
 * conversation spreading its messages over both gets one message rate, and
 * an address asking both for web chat tokens gets one budget of chats.
 */
import WebSocket from 'ws';
import { sharedRedis, twoInstances } from '../support/instances';
import { SECRET, type RunningApp } from '../support/server';

let a: RunningApp;
let b: RunningApp;
// Small budgets, so a test can spend them: 4 messages at once, then one every 10 s; 4 chats, then one every 15 s.
twoInstances(() => sharedRedis('dl'), { MESSAGE_RATE_BURST: '4', MESSAGE_RATE_PER_MINUTE: '6', WEBCHAT_TOKENS_PER_MINUTE: '4' }, (x, y) => {
  [a, b] = [x, y];
});

const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
type Activity = { id: string; type: string; text?: string; from: { id: string; name?: string; role?: string } };
type ActivitySet = { activities: Activity[]; watermark: string };

async function begin(on: RunningApp, user = 'C1001') {
  const gen = (await (await fetch(`${on.url}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: user } }) })).json()) as { token: string; conversationId: string };
  const res = await fetch(`${on.url}/v3/directline/conversations`, { method: 'POST', headers: auth(gen.token) });
  return { status: res.status, ...((await res.json()) as { conversationId: string; token: string; streamUrl: string }) };
}

const send = (on: RunningApp, c: { conversationId: string; token: string }, activity: object) =>
  fetch(`${on.url}/v3/directline/conversations/${c.conversationId}/activities`, { method: 'POST', headers: auth(c.token), body: JSON.stringify(activity) });

async function history(on: RunningApp, c: { conversationId: string; token: string }, watermark = 0): Promise<ActivitySet> {
  const res = await fetch(`${on.url}/v3/directline/conversations/${c.conversationId}/activities?watermark=${watermark}`, { headers: auth(c.token) });
  expect(res.status).toBe(200);
  return (await res.json()) as ActivitySet;
}

const texts = (set: { activities: Activity[] }) => set.activities.filter((x) => x.type === 'message').map((x) => x.text);

function connect(url: string): Promise<{ ws: WebSocket; seen: Activity[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const seen: Activity[] = [];
    ws.on('message', (data) => {
      const text = data.toString();
      if (text) seen.push(...(JSON.parse(text) as ActivitySet).activities);
    });
    ws.on('open', () => resolve({ ws, seen }));
    ws.on('error', reject);
  });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

it('reads on one instance the history written on the other, and welcomes once', async () => {
  const c = await begin(a);
  expect(c.status).toBe(201);
  const seenOnA = await history(a, c);
  // Web Chat starting the same conversation again, on the other instance: nothing new.
  const again = await fetch(`${b.url}/v3/directline/conversations`, { method: 'POST', headers: auth(c.token) });
  expect(again.status).toBe(200);
  const seenOnB = await history(b, c);
  expect(texts(seenOnB)[0]).toMatch(/^Hi Maya/);
  expect(seenOnB).toEqual(seenOnA);
});

it('pushes a reply produced on instance B to the stream held by instance A', async () => {
  const c = await begin(a);
  const { ws, seen } = await connect(c.streamUrl);
  await until(() => seen.some((x) => x.text?.startsWith('Hi Maya')));
  const sent = await send(b, c, { type: 'message', text: "what's my balance", from: { id: 'C1001' } });
  expect(sent.status).toBe(200);
  await until(() => seen.some((x) => x.text?.includes('$145.00')));
  expect(seen.map((x) => x.text)).toEqual(expect.arrayContaining(["what's my balance", expect.stringContaining('$145.00')]));
  // Each activity once, in the order of the history.
  expect(seen.map((x) => x.id)).toEqual((await history(b, c)).activities.map((x) => x.id));
  ws.close();
});

it('runs a message Web Chat sent twice, to both instances at once, once', async () => {
  const c = await begin(a);
  const message = { type: 'message', text: "what's my balance", channelData: { clientActivityID: 'web-chat-1700000000000-abc' } };
  const [first, second] = await Promise.all([send(a, c, message), send(b, c, message)]);
  expect([first.status, second.status]).toEqual([200, 200]);
  const ids = [((await first.json()) as { id: string }).id, ((await second.json()) as { id: string }).id];
  expect(ids[0]).toBe(ids[1]);
  const said = texts(await history(a, c));
  expect(said.filter((t) => t === "what's my balance")).toHaveLength(1);
  expect(said.filter((t) => t?.startsWith('Your balance is $145.00'))).toHaveLength(1);
  // Sent again later (Web Chat's retry): the same id, nothing runs.
  const retry = await send(b, c, message);
  expect(((await retry.json()) as { id: string }).id).toBe(ids[0]);
  expect(texts(await history(b, c))).toEqual(said);
});

it('lets an agent on either instance write into the conversation, and the stream on the other shows it', async () => {
  const c = await begin(a);
  const { ws, seen } = await connect(c.streamUrl);
  await until(() => seen.some((x) => x.text?.startsWith('Hi Maya')));
  expect(await b.app.outbound.send(`directline:${c.conversationId}`, { text: 'Hello, this is Sam from billing.', from: { kind: 'agent', name: 'Sam' } })).toBe('delivered');
  await until(() => seen.some((x) => x.text === 'Hello, this is Sam from billing.'));
  expect(seen.find((x) => x.text === 'Hello, this is Sam from billing.')?.from).toMatchObject({ name: 'Sam', role: 'bot' });
  expect(await b.app.outbound.send('directline:never-started', { text: 'hi', from: { kind: 'agent', name: 'Sam' } })).toBe('unknown_conversation');
  ws.close();
});

it('gives a conversation spreading its messages over both instances one message rate, not one each', async () => {
  const c = await begin(a);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await send(i % 2 ? b : a, c, { type: 'message', text: 'hello' })).status);
  expect(statuses).toEqual([200, 200, 200, 200]);
  for (const on of [a, b]) {
    const refused = await send(on, c, { type: 'message', text: 'hello' });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: { code: 'TooManyRequests', message: expect.stringMatching(/too many messages/) } });
  }
  // Ten seconds later (on both clocks) one more message, on either instance, and not two.
  for (const on of [a, b]) on.advance(10_000);
  expect((await send(b, c, { type: 'message', text: 'hello' })).status).toBe(200);
  expect((await send(a, c, { type: 'message', text: 'hello' })).status).toBe(429);
  // Another conversation has its own budget.
  expect((await send(b, await begin(b, 'C1003'), { type: 'message', text: 'hello' })).status).toBe(200);
});

it('gives an address asking both instances for web chat tokens one budget of chats, not one each', async () => {
  const token = async (on: RunningApp) => (await fetch(`${on.url}/api/webchat/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status;
  expect([await token(a), await token(b), await token(a), await token(b)]).toEqual([200, 200, 200, 200]);
  expect([await token(a), await token(b)]).toEqual([429, 429]);
  // Fifteen seconds later (on both clocks) one more chat, on either instance, and not two.
  for (const on of [a, b]) on.advance(15_000);
  expect([await token(b), await token(a)]).toEqual([200, 429]);
});
