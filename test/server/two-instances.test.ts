/**
 * Two real bot processes (`tsx bot/index.ts --demo`, as npm start runs it) on
 * one Redis, behind a round-robin HTTP proxy: a Web Chat conversation's turns
 * alternate between them, one is killed with kill -9 mid-dialog, and the
 * conversation carries on through the other with nothing lost. A message sent
 * to both at once with the same clientActivityID is answered once.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBot, type StartedBot } from '../support/spawn';
import { REDIS_URL } from '../support/store-backends';

const SECRET = 'two-instances-directline-secret-0123456789';
let bots: StartedBot[] = [];
let urls: string[] = [];
let alive: string[] = [];
let proxy: Server;
let proxyUrl = '';
let turn = 0;

beforeAll(async () => {
  const env = { REDIS_URL, REDIS_PREFIX: `frontline-test:two:${process.pid}:${Date.now()}:`, DIRECTLINE_SECRET: SECRET, CONTENT_RELOAD: 'off', DEMO_FIXED_DATES: 'true' };
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
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
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
