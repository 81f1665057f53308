/**
 * WORKERS=2 on SQLite, started as `npm start` runs it: one primary and two
 * worker processes serving one port. Every request here comes on a new
 * connection, so the cluster hands them to both workers in turn, and each
 * access line (by the answer's X-Request-Id) says which worker's pid served
 * it. A Web Chat stream held by one worker is pushed the replies of turns the
 * other made; a customer waiting for a person shows on an agent's desk
 * whichever worker the agent reads from (with the passwords printed once); a
 * worker killed with kill -9 is replaced; SIGTERM ends every worker's
 * graceful shutdown and exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { restartDelayMs } from '../../bot/cluster';
import { readConfig } from '../../bot/config';
import { root } from '../support/harness';
import { startBot, type StartedBot } from '../support/spawn';

jest.setTimeout(120_000);

let dataDir = '';
let bot: StartedBot;
let url = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'frontline-workers-'));
  // No DIRECTLINE_SECRET: the made-up one must be the same in both workers.
  bot = startBot({ env: { WORKERS: '2', DATA_DIR: dataDir, DIRECTLINE_SECRET: '', CONTENT_RELOAD: 'off', DEMO_FIXED_DATES: 'true' } });
  url = (await bot.listening).replace(/\/+$/, '');
  await bot.waitFor(/"event":"listening"[^]*"event":"listening"/);
}, 120_000);

afterAll(async () => {
  await bot.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  json: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** One request on a connection of its own (no keep-alive), so the cluster may hand it to either worker. */
function call(method: string, path: string, opts: { bearer?: string; cookie?: string; csrf?: string; body?: unknown } = {}): Promise<Answer> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = {
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(opts.bearer ? { authorization: `Bearer ${opts.bearer}` } : {}),
    ...(opts.cookie ? { cookie: opts.cookie } : {}),
    ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : null, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The pid of the worker that served a request, from its access line. */
async function servedBy(answer: Answer): Promise<number> {
  const reqId = String(answer.headers['x-request-id']);
  await bot.waitFor(new RegExp(`"reqId":"${reqId}".*"event":"http\\.request"`));
  const line = bot.out().stdout.split('\n').find((l) => l.includes(`"reqId":"${reqId}"`) && l.includes('"event":"http.request"'))!;
  return (JSON.parse(line) as { pid: number }).pid;
}

type Frame = { activities: { id: string; type: string; text?: string }[]; watermark: string };

/** A customer on the web chat page: a token from the page's endpoint, the conversation, its stream. */
async function webChat(customerId: string) {
  const { token, conversationId } = (await call('POST', '/api/webchat/token', { body: { customerId } })).json as { token: string; conversationId: string };
  expect((await call('POST', '/v3/directline/conversations', { bearer: token })).status).toBe(201);
  const { streamUrl } = (await call('GET', `/v3/directline/conversations/${conversationId}?watermark=0`, { bearer: token })).json as { streamUrl: string };
  const ws = new WebSocket(streamUrl);
  const frames: Frame[] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    if (text) frames.push(JSON.parse(text) as Frame);
  });
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
  const send = (text: string) => call('POST', `/v3/directline/conversations/${conversationId}/activities`, { bearer: token, body: { type: 'message', from: { id: customerId }, text } });
  const pushed = () => frames.flatMap((f) => f.activities);
  const said = () => pushed().filter((a) => a.type === 'message' && (a as { from?: { role?: string } }).from?.role === 'bot').map((a) => a.text ?? '');
  /** Waits (bounded) until the stream was pushed `count` bot messages that start with `start`, and returns every bot message. */
  const botMessages = async (count: number, start = '') => {
    for (let i = 0; i < 250 && said().filter((t) => t.startsWith(start)).length < count; i++) await new Promise((r) => setTimeout(r, 40));
    return said();
  };
  return { conversationId, token, ws, send, botMessages };
}

/** The demo agents' passwords as printed at the terminal (once, for every worker). */
function printedPassword(id: string): string {
  const { stderr } = bot.out();
  expect(stderr.match(/\*\*\* Agent desk:/g)).toHaveLength(1);
  return new RegExp(`^  ${id}\\s+(\\S+)\\s`, 'm').exec(stderr)![1]!;
}

it("pushes to a Web Chat stream held by one worker the replies of turns the other worker made", async () => {
  const chat = await webChat('C1001');
  await chat.botMessages(1);
  const servers = new Set<number>();
  const turns = 12;
  for (let i = 0; i < turns; i++) {
    const sent = await chat.send("what's my balance");
    expect(sent.status).toBe(200);
    servers.add(await servedBy(sent));
    // The stream is pushed this turn's answer before the next turn is sent, whichever worker made it.
    const balance = 'Your balance is $145.00';
    expect((await chat.botMessages(i + 1, balance)).filter((t) => t.startsWith(balance))).toHaveLength(i + 1);
  }
  // Both workers made turns of this conversation.
  expect(servers.size).toBe(2);
  chat.ws.close();
});

it('shows a customer waiting for a person on the desk of an agent signed in with the password printed once, on either worker', async () => {
  // The agent signs in on one worker and keeps the desk's event stream open there.
  const password = printedPassword('ruth');
  const pre = await call('GET', '/api/desk/sign-in');
  const cookieOf = (a: Answer) => ((a.headers['set-cookie'] ?? []) as string[]).map((c) => c.split(';')[0]!).join('; ');
  const preCsrf = (pre.json as { csrf: string }).csrf;
  const signedIn = await call('POST', '/api/desk/sign-in', { cookie: cookieOf(pre), csrf: preCsrf, body: { agentId: 'ruth', password } });
  expect(signedIn.status).toBe(200);
  const cookie = cookieOf(signedIn);
  const events = await new Promise<{ text: () => string; close: () => void }>((resolve, reject) => {
    let text = '';
    const req = request(`${url}/api/desk/events`, { headers: { cookie }, agent: false }, (res) => {
      res.on('data', (d: Buffer) => (text += d.toString()));
      resolve({ text: () => text, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });

  // Customers ask for a person until both workers have enqueued one: the stream, on one of them, hears of each.
  const enqueuers = new Set<number>();
  const waiting: string[] = [];
  for (const customer of ['C1002', 'C1003', 'C1004', 'C1005', 'C1006', 'C1007']) {
    if (enqueuers.size === 2) break;
    const chat = await webChat(customer);
    await chat.botMessages(1);
    const asked = await chat.send('I want to talk to a person');
    expect(asked.status).toBe(200);
    enqueuers.add(await servedBy(asked));
    waiting.push(chat.conversationId);
    chat.ws.close();
  }
  expect(enqueuers.size).toBe(2);
  for (const conversationId of waiting) {
    for (let i = 0; i < 250 && !events.text().includes(conversationId); i++) await new Promise((r) => setTimeout(r, 40));
    expect(events.text()).toMatch(new RegExp(`event: contact\ndata: .*"conversationId":"directline:${conversationId}"`));
  }

  // Whichever worker answers, the waiting customer is on the list.
  const readers = new Set<number>();
  for (let i = 0; i < 6; i++) {
    const queues = await call('GET', '/api/desk/queues', { cookie });
    expect(queues.status).toBe(200);
    for (const conversationId of waiting) expect(JSON.stringify(queues.json)).toContain(conversationId);
    readers.add(await servedBy(queues));
  }
  expect(readers.size).toBe(2);
  events.close();
});

/** The pids of the workers the primary started, in order. */
const started = () => [...bot.out().stdout.matchAll(/"event":"worker\.started","worker":\d+,"pid":(\d+)/g)].map((m) => Number(m[1]));

it('replaces a worker killed with kill -9, and the conversation goes on', async () => {
  const chat = await webChat('C1001');
  await chat.botMessages(1);
  const [victim, survivor] = started();
  process.kill(victim!, 'SIGKILL');
  // Started again after half a second: the first death this minute.
  await bot.waitFor(new RegExp(`"event":"worker\\.died","worker":\\d+,"pid":${victim},[^\\n]*"restartInMs":500`));
  await bot.waitFor(/"event":"worker\.started"[^]*"event":"worker\.started"[^]*"event":"worker\.started"/);
  const replacement = started()[2]!;
  await bot.waitFor(new RegExp(`"pid":${replacement},"event":"listening"`));
  // Turns go to the survivor and the replacement, none is lost.
  const servers = new Set<number>();
  for (let i = 0; i < 4; i++) {
    const sent = await chat.send("what's my balance");
    expect(sent.status).toBe(200);
    servers.add(await servedBy(sent));
  }
  expect([...servers].sort()).toEqual([survivor, replacement].sort());
  // The stream may have been on the dead worker: the history, read as a reconnecting page reads it, has every answer.
  const history = (await call('GET', `/v3/directline/conversations/${chat.conversationId}/activities`, { bearer: chat.token })).json as Frame;
  expect(history.activities.filter((a) => a.type === 'message' && a.text?.startsWith('Your balance is'))).toHaveLength(4);
  chat.ws.close();
});

it('waits longer before each restart while workers keep dying: 0.5 s, doubled per death in the last minute, at most 30 s', () => {
  expect([1, 2, 3, 4, 6, 7, 20].map(restartDelayMs)).toEqual([500, 1000, 2000, 4000, 16_000, 30_000, 30_000]);
});

it('WORKERS=auto starts one worker per CPU', () => {
  expect(readConfig({ WORKERS: 'auto', DATA_DIR: dataDir }, root, 'demo').WORKERS).toBe(availableParallelism());
});

it('SIGTERM to the primary: every worker finishes its graceful shutdown, then the primary exits 0', async () => {
  const workers = started().slice(1);
  bot.signal('SIGTERM', 'process');
  expect(await bot.exited).toBe(0);
  const { stdout } = bot.out();
  for (const pid of workers) expect(stdout).toMatch(new RegExp(`"pid":${pid},"event":"shutdown\\.done"`));
  expect(stdout).toMatch(/"event":"shutdown\.done","workers":2,"clean":true/);
});

it('refuses WORKERS=2 on the memory store with one line that says what to set', async () => {
  const memory = startBot({ env: { WORKERS: '2', DATA_DIR: '' } });
  expect(await memory.exited).toBe(1);
  expect(memory.out().stderr.trim().split('\n').at(-1)).toBe(
    'Frontline cannot start: WORKERS: 2 processes cannot share the memory store (DATA_DIR is empty): set DATA_DIR (SQLite) or REDIS_URL, or WORKERS=1',
  );
});
