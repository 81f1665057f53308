/**
 * Two real bot processes (`tsx bot/index.ts --demo`, as npm start runs it) on
 * one Redis, behind a round-robin HTTP proxy: a Web Chat conversation's turns
 * alternate between them, one is killed with kill -9 mid-dialog, and the
 * conversation carries on through the other with nothing lost. A message sent
 * to both at once with the same clientActivityID is answered once. The proxy
 * carries the Direct Line WebSocket too (to the first instance alive, as a
 * load balancer keeps a stream where it landed): replies made on the other
 * instance reach it, and after kill -9 the client reconnects with its
 * watermark and misses nothing.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { startBot, type StartedBot } from '../support/spawn';
import { REDIS_URL } from '../support/store-backends';

const SECRET = 'two-instances-directline-secret-0123456789';
let bots: StartedBot[] = [];
let urls: string[] = [];
let alive: string[] = [];
let proxy: Server;
let proxyUrl = '';
let turn = 0;
let env: Record<string, string> = {};
const tunnels = new Set<Duplex>();

/** A WebSocket upgrade goes, bytes both ways, to the first instance alive; it ends when either side does. */
function tunnel(req: IncomingMessage, client: Duplex, head: Buffer): void {
  tunnels.add(client);
  client.on('close', () => tunnels.delete(client));
  const target = new URL(alive[0]!);
  const upstream = connect(Number(target.port), target.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    upstream.write(head);
    client.pipe(upstream).pipe(client);
  });
  upstream.on('error', () => client.destroy());
  upstream.on('close', () => client.destroy());
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}

beforeAll(async () => {
  env = { REDIS_URL, REDIS_PREFIX: `frontline-test:two:${process.pid}:${Date.now()}:`, DIRECTLINE_SECRET: SECRET, CONTENT_RELOAD: 'off', DEMO_FIXED_DATES: 'true' };
  bots = [startBot({ env }), startBot({ env })];
  urls = (await Promise.all(bots.map((b) => b.listening))).map((u) => u.replace(/\/+$/, ''));
  alive = [...urls];
  // Round robin over the instances still alive: each request to the next one.
  proxy = createServer((req, res) => {
    const target = new URL(req.url ?? '/', alive[turn++ % alive.length]);
    const forward = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  proxy.on('upgrade', tunnel);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  for (const socket of tunnels) socket.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await Promise.all(bots.map((b) => b.stop()));
});

const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
type ActivitySet = { activities: { id: string; type: string; text?: string }[]; watermark: string };

async function begin(on: string, user: string) {
  const gen = (await (await fetch(`${on}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: user } }) })).json()) as { token: string; conversationId: string };
  const started = await fetch(`${on}/v3/directline/conversations`, { method: 'POST', headers: auth(gen.token) });
  expect(started.status).toBe(201);
  return gen;
}
const send = (on: string, c: { conversationId: string; token: string }, activity: object) =>
  fetch(`${on}/v3/directline/conversations/${c.conversationId}/activities`, { method: 'POST', headers: auth(c.token), body: JSON.stringify({ type: 'message', ...activity }) });
const read = async (on: string, c: { conversationId: string; token: string }) =>
  (await (await fetch(`${on}/v3/directline/conversations/${c.conversationId}/activities`, { headers: auth(c.token) })).json()) as ActivitySet;
const texts = (set: ActivitySet) => set.activities.filter((a) => a.type === 'message').map((a) => a.text ?? '');

it('answers a message sent to both instances at once, with the same clientActivityID, once', async () => {
  const c = await begin(urls[0]!, 'C1001');
  const message = { text: "what's my balance", channelData: { clientActivityID: 'retry-both-1' } };
  const answers = await Promise.all(urls.map((u) => send(u, c, message)));
  expect(answers.map((a) => a.status)).toEqual([200, 200]);
  const ids = await Promise.all(answers.map(async (a) => ((await a.json()) as { id: string }).id));
  expect(ids[1]).toBe(ids[0]);
  const said = texts(await read(urls[1]!, c));
  expect(said.filter((t) => t === "what's my balance")).toHaveLength(1);
  expect(said.filter((t) => t.startsWith('Your balance is $145.00'))).toHaveLength(1);
});

it('carries a dialog on through the other instance after one is killed with kill -9, with nothing lost', async () => {
  const c = await begin(proxyUrl, 'C1011');
  expect((await send(proxyUrl, c, { text: 'where is my order' })).status).toBe(200);
  const asked = await read(proxyUrl, c);
  expect(texts(asked).at(-1)).toContain('You have 2 open orders. Which one would you like to track?');
  // Mid-dialog, the instance next in line dies without a word.
  const victim = alive[turn % alive.length]!;
  const bot = bots[urls.indexOf(victim)]!;
  process.kill(-bot.pid, 'SIGKILL');
  await bot.exited;
  alive = alive.filter((u) => u !== victim);
  expect((await send(proxyUrl, c, { text: '2' })).status).toBe(200);
  const after = await read(proxyUrl, c);
  // The history the dead instance wrote is all there, in order, and the dialog went on from its question.
  expect(after.activities.slice(0, asked.activities.length)).toEqual(asked.activities);
  expect(texts(after).slice(texts(asked).length).join(' ')).toContain('Your order BW-550002 (Samsung Galaxy S25) is processing');
});

type Frame = { activities: { id: string; type: string; text?: string }[]; watermark: string };

/** Web Chat's stream: every frame it was pushed, and how it ended. */
function stream(url: string): Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Frame[] = [];
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text) frames.push(JSON.parse(text) as Frame);
    });
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('error', reject);
  });
}
/** Waits (bounded) until a pushed frame says `pattern`. */
async function pushed(frames: Frame[], pattern: RegExp): Promise<void> {
  for (let i = 0; i < 250 && !frames.some((f) => f.activities.some((a) => pattern.test(a.text ?? ''))); i++) await new Promise((r) => setTimeout(r, 40));
  expect(frames.flatMap((f) => f.activities.map((a) => a.text ?? ''))).toContainEqual(expect.stringMatching(pattern));
}

it('carries the Web Chat stream through the proxy: replies made on either instance reach it, and after kill -9 it reconnects with its watermark and misses nothing', async () => {
  // The instance killed above is replaced, and takes the streams (first alive).
  const replacement = startBot({ env });
  bots.push(replacement);
  const fresh = (await replacement.listening).replace(/\/+$/, '');
  alive = [fresh, ...alive];
  const [holder, other] = [bots.at(-1)!, bots[urls.indexOf(alive[1]!)]!];

  const c = await begin(proxyUrl, 'C1011');
  const conversation = (await (await fetch(`${proxyUrl}/v3/directline/conversations/${c.conversationId}?watermark=0`, { headers: auth(c.token) })).json()) as { streamUrl: string };
  expect(conversation.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${new URL(proxyUrl).port}/`));
  const first = await stream(conversation.streamUrl);
  // Two turns in a row through the round robin: one of them is made on the instance without the stream.
  expect((await send(proxyUrl, c, { text: "what's my balance" })).status).toBe(200);
  expect((await send(proxyUrl, c, { text: 'where is my order' })).status).toBe(200);
  await pushed(first.frames, /^Your balance is \$105\.00/);
  await pushed(first.frames, /Which one would you like to track\?/);
  // Both instances made turns of it (the welcome and two messages): the stream on one was pushed what the other said.
  const turnsOn = (bot: StartedBot) => bot.out().stdout.split('\n').filter((l) => l.includes('"event":"turn"') && l.includes(c.conversationId)).length;
  expect([turnsOn(holder) > 0, turnsOn(other) > 0, turnsOn(holder) + turnsOn(other)]).toEqual([true, true, 3]);

  // The instance holding the stream dies; a turn is made on the other while the client is away.
  process.kill(-holder.pid, 'SIGKILL');
  await holder.exited;
  alive = alive.filter((u) => u !== fresh);
  expect(await first.closed).toBe(1006); // cut off, no close frame: Web Chat reconnects
  const watermark = first.frames.at(-1)!.watermark;
  expect((await send(proxyUrl, c, { text: '2' })).status).toBe(200);

  const again = (await (await fetch(`${proxyUrl}/v3/directline/conversations/${c.conversationId}?watermark=${watermark}`, { headers: auth(c.token) })).json()) as { streamUrl: string };
  const second = await stream(again.streamUrl);
  await pushed(second.frames, /Your order BW-550002 \(Samsung Galaxy S25\) is processing/);
  second.ws.close();
  // Before and after the reconnect, the client saw the whole history once, in order.
  const seen = [...first.frames, ...second.frames].flatMap((f) => f.activities.map((a) => a.id));
  expect(seen).toEqual((await read(proxyUrl, c)).activities.map((a) => a.id));
}, 120_000);
