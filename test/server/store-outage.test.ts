/**
 * Redis goes away under a running bot and comes back. The bot runs as `npm start` runs it, on its own
 * redis-server (append-only file, so the data outlives the outage). While Redis is gone: /readyz says
 * 503, a Web Chat message gets 503 in Direct Line's error shape (Web Chat offers "Retry") and an agent
 * signing in is told the store does not answer (503 with Retry-After, not "something went wrong"), a
 * caller hears the apology and is put through to a person instead of Twilio's "application error", the
 * log says once that the store is unreachable, and nothing (no ioredis stack) is written to stderr. Once it is back:
 * ready again, and the customer's dialog carries on from its question. A Redis that hangs (SIGSTOP: the
 * connection stays open, nothing answers) fails requests the same way instead of holding them for ever.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RedisStore } from '../../integrations/state/redis';
import { root } from '../support/harness';
import { SECRET } from '../support/server';
import { startBot, type StartedBot } from '../support/spawn';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';
import { deskAgent } from '../support/desk-agent';
import { webCustomer } from '../support/web-customer';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'frontline-outage-'));
const lines = (parse(readFileSync(join(root, 'rules', 'assistant.yaml'), 'utf8')) as { messages: Record<string, string> }).messages;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of this test's own, writing an append-only file to `dir`; SIGTERM saves it. */
function redisServer(port: number): { process: ChildProcess; ready: Promise<void> } {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return { process: child, ready };
}
const stopped = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ${what} after 20 s`);
}

let redis: ReturnType<typeof redisServer>;
let port = 0;
let bot: StartedBot;
let base = '';

beforeAll(async () => {
  port = await freePort();
  redis = redisServer(port);
  await redis.ready;
  bot = startBot({
    env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: 'outage:', DIRECTLINE_SECRET: SECRET, TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL, CONTENT_RELOAD: 'off', DEMO_FIXED_DATES: 'true', MODEL_CACHE_DIR: join(root, 'data', 'models') },
  });
  base = (await bot.listening).replace(/\/+$/, '');
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  if (redis) await stopped(redis.process);
  rmSync(dir, { recursive: true, force: true });
});

const ready = async () => (await fetch(`${base}/readyz`)).status;
const UNAVAILABLE = { code: 'ServiceUnavailable', message: 'Briefly unavailable: our data store does not answer. Nothing was lost; try again in a few seconds.' };

/** A request the store's outage failed: 503 with Retry-After and the body `shape` gives the error in. */
async function expectUnavailable(res: Response, shape: (error: typeof UNAVAILABLE) => unknown = (error) => ({ error })): Promise<void> {
  expect({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }).toEqual({ status: 503, retryAfter: '5', body: shape(UNAVAILABLE) });
}

it('while Redis is gone: not ready, clear errors, the caller put through, one log line and no stack; back: the dialog carries on', async () => {
  const chat = await webCustomer({ url: base }, 'C1011');

  expect((await chat.say('where is my order')).join(' ')).toContain('Which one would you like to track?');
  const caller = phoneCall({ baseUrl: base }, '+15550100001');
  expect((await caller.answer()).gather).not.toBeNull();

  await stopped(redis.process);
  await until('unready', async () => (await ready()) === 503);

  await expectUnavailable(await chat.post('2'));
  // An agent signing in meanwhile (the demo's, with the password printed at start) is told why it failed.
  const password = /^ {2}ruth +(\S+) /m.exec(bot.out().stderr)![1]!;
  await expectUnavailable(await deskAgent(base).signIn('ruth', password), (error) => error);

  const heard = await caller.say('I want to talk about my bill');
  expect(heard.status).toBe(200);
  expect(heard.says).toEqual([lines.error]);
  expect(heard.gather).toBeNull();
  expect(heard.enqueue ?? heard.dial).toBeTruthy();
  // The call's end, told meanwhile, puts nobody through.
  const ended = await caller.hangUp();
  expect([ended.status, ended.says, ended.enqueue ?? ended.dial]).toEqual([200, [], null]);

  redis = redisServer(port);
  await redis.ready;
  await until('ready again', async () => (await ready()) === 200);
  await until('logged as back', async () => bot.out().stdout.includes('"event":"store.reachable"'));

  expect((await chat.say('2')).join(' ')).toContain('Your order BW-550002 (Samsung Galaxy S25) is processing');

  await until('the desk timers back', async () => bot.out().stdout.includes('"event":"desk.offer_sweep_recovered"'));
  const { stdout, stderr } = bot.out();
  expect(stdout.match(/"event":"store.unreachable"[^\n]*/g)).toEqual([expect.stringContaining('"error":"ECONNREFUSED"')]);
  // The desk's timers failed every round meanwhile: each says so once, and that it recovered.
  const events = (name: string) => stdout.split('\n').filter((l) => l.includes(`"event":"${name}"`)).length;
  expect([events('desk.offer_sweep_failed'), events('desk.offer_sweep_recovered')]).toEqual([1, 1]);
  expect(stderr).not.toMatch(/ioredis|\n\s+at /);
});

it('a Redis that hangs fails requests after a moment instead of holding them; when it answers again the chat goes on', async () => {
  const chat = await webCustomer({ url: base }, 'C1004');
  await chat.say('what are your store hours');
  const caller = phoneCall({ baseUrl: base }, '+15550100002');
  expect((await caller.answer()).gather).not.toBeNull();

  redis.process.kill('SIGSTOP');
  try {
    await expectUnavailable(await chat.post('where is my order'));
    const heard = await caller.say('I want to talk about my bill');
    expect(heard.status).toBe(200);
    expect(heard.gather).toBeNull();
    expect(heard.enqueue ?? heard.dial).toBeTruthy();
    expect((await ready())).toBe(503);
    // No connection error tells a hang: the store's own PING does, once.
    await until('logged as hung', async () => bot.out().stdout.includes('"error":"TIMEOUT"'));
  } finally {
    redis.process.kill('SIGCONT');
  }
  await until('ready again', async () => (await ready()) === 200);
  await until('logged as back', async () => bot.out().stdout.match(/"event":"store.reachable"/g)?.length === 2);
  expect(bot.out().stdout.match(/"event":"store.unreachable"/g)).toHaveLength(2);
  expect((await chat.say('where is my order')).join(' ')).toMatch(/order/i);
  expect(bot.out().stderr).not.toMatch(/ioredis|\n\s+at /);
});

it('a lease asked for while Redis hung is not left holding the conversation once Redis runs the late command', async () => {
  const store = new RedisStore({ url: `redis://127.0.0.1:${port}`, prefix: 'outage-lease:', stateTtlMs: 60_000 });
  try {
    // Redis knows the script by then (a first EVALSHA would be refused as NOSCRIPT, running nothing).
    await store.leases.release((await store.leases.acquire('directline:early', 30_000, Date.now()))!);
    redis.process.kill('SIGSTOP');
    try {
      await expect(store.leases.acquire('directline:late', 30_000, Date.now())).rejects.toThrow(/timed out/);
    } finally {
      redis.process.kill('SIGCONT');
    }
    // The next turn finds the conversation free, not locked for 30 s by the acquire Redis ran late.
    expect(await store.leases.acquire('directline:late', 30_000, Date.now())).toMatchObject({ key: 'directline:late' });
  } finally {
    await store.destroy();
    await store.close();
  }
});
