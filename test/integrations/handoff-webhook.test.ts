/**
 * The signed handoff webhook (HANDOFF_WEBHOOK_URL), through the wiring
 * `npm start` uses: a customer hands off in Web Chat (Direct Line) and the
 * receiver (mocked with nock) gets the handoff, signed, from the outbox —
 * again after a failure, once after a restart, and never in the customer's way.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { readConfig } from '../../bot/config';
import type { Handoff } from '../../bot/engine/handoff-record';
import type { Logger } from '../../bot/log';
import { HandoffWebhook, WEBHOOK_TOPIC } from '../../integrations/handoff/webhook';
import { MemoryOutbox } from '../../integrations/state/memory-outbox';
import { demoBrain, root, TODAY } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { chatSession } from '../support/sessions';
import { makeHandoff } from '../support/store-backends';

const HOOK = 'https://hooks.example.test';
const KEY = 'whsec-test-0123456789abcdef0123456789abcdef';
const env = { HANDOFF_WEBHOOK_URL: `${HOOK}/frontline`, HANDOFF_WEBHOOK_SECRET: KEY };

interface Received {
  raw: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What a receiver does: recompute the HMAC of the raw body and compare in constant time. */
function verifies(r: Received): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', KEY).update(r.raw).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-frontline-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A receiver answering each request with the next status; `null` never answers. */
function receiver(...statuses: (number | null)[]): { received: Received[]; scope: nock.Scope } {
  const received: Received[] = [];
  const scope = nock(HOOK);
  for (const status of statuses) {
    scope.post('/frontline').reply(function (_uri, body, callback) {
      received.push({ raw: typeof body === 'string' ? body : JSON.stringify(body), headers: this.req.headers });
      if (status !== null) callback(null, [status, '']);
    });
  }
  return { received, scope };
}

const apps: RunningApp[] = [];
async function start(extra: Record<string, string> = {}): Promise<RunningApp> {
  const app = await startApp({ ...env, ...extra });
  apps.push(app);
  return app;
}
async function shutDown(app: RunningApp): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.app.handoffWebhook?.stop();
  await app.close();
  await app.app.store.close();
}

async function billingHandoff(app: RunningApp) {
  const chat = await chatSession(app, 'C1003');
  await chat.start();
  const reply = await chat.say('I was charged twice on my bill');
  expect(reply.handedOff).toBe(true);
  return { chat, reply };
}

const waiting = (app: RunningApp) => app.app.store.outbox.size(WEBHOOK_TOPIC);

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  demoBrain(); // trained once, before the first test's clock starts
}, 120_000);
afterEach(async () => {
  for (const app of [...apps]) await shutDown(app);
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

it('posts the handoff as JSON with a signature the receiver can verify', async () => {
  const { received, scope } = receiver(200);
  const app = await start();
  const { chat } = await billingHandoff(app);
  await app.app.handoffWebhook!.flush();
  scope.done();
  const [got] = received;
  expect(verifies(got!)).toBe(true);
  expect(verifies({ ...got!, raw: got!.raw.replace('billing', 'premium') })).toBe(false);
  expect(got!.headers['content-type']).toBe('application/json');
  const handoff = JSON.parse(got!.raw) as Handoff;
  expect(got!.headers['x-frontline-delivery']).toBe(handoff.id);
  expect(handoff).toMatchObject({ conversationId: `directline:${chat.id}`, channel: 'chat', queue: 'billing', customer: { id: 'C1003', segment: 'gold', verified: true } });
  expect(handoff.intent?.name).toBe('billing_dispute');
  expect(handoff.summary.map((s) => s.title)).toContain('Recent invoices');
  expect(handoff.transcript.some((t) => t.text === 'I was charged twice on my bill')).toBe(true);
  expect(await waiting(app)).toBe(0);
});

it('tries again after a failure, when the backoff is over, and then stops', async () => {
  const { received, scope } = receiver(500, 200);
  const app = await start();
  await billingHandoff(app);
  const webhook = app.app.handoffWebhook!;
  await webhook.flush();
  expect(received).toHaveLength(1);
  expect(await waiting(app)).toBe(1);
  await webhook.flush();
  expect(received).toHaveLength(1); // not due yet
  app.advance(2000);
  await webhook.flush();
  scope.done();
  expect(received.map((r) => r.headers['x-frontline-attempt'])).toEqual(['1', '2']);
  expect(received[1]!.raw).toBe(received[0]!.raw);
  expect(verifies(received[1]!)).toBe(true);
  expect(await waiting(app)).toBe(0);
  app.advance(3_600_000);
  await webhook.flush();
  expect(received).toHaveLength(2);
});

it('a receiver that does not answer in time counts as a failure and is tried again', async () => {
  const { received, scope } = receiver(null, 200);
  const app = await start({ HANDOFF_WEBHOOK_TIMEOUT_MS: '1000' });
  await billingHandoff(app);
  await app.app.handoffWebhook!.flush();
  expect(await waiting(app)).toBe(1);
  app.advance(2000);
  await app.app.handoffWebhook!.flush();
  scope.done();
  expect(received).toHaveLength(2);
  expect(await waiting(app)).toBe(0);
});

it('a restart in the middle of the retries delivers the handoff once', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontline-webhook-'));
  try {
    const { received, scope } = receiver(500, 200);
    const before = await start({ DATA_DIR: dataDir });
    await billingHandoff(before);
    await before.app.handoffWebhook!.flush();
    expect(received).toHaveLength(1);
    await shutDown(before);

    const after = await start({ DATA_DIR: dataDir });
    expect(await waiting(after)).toBe(1);
    after.advance(2000);
    await after.app.handoffWebhook!.flush();
    scope.done();
    after.advance(3_600_000);
    await after.app.handoffWebhook!.flush();
    expect(received).toHaveLength(2);
    expect(received[1]!.raw).toBe(received[0]!.raw);
    expect(await waiting(after)).toBe(0);
  } finally {
    for (const app of [...apps]) await shutDown(app);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('a slow receiver does not hold up the customer', async () => {
  let answer: () => void = () => undefined;
  const received: string[] = [];
  nock(HOOK)
    .post('/frontline')
    .reply((_uri, body, callback) => {
      received.push(JSON.stringify(body));
      answer = () => callback(null, [200, '']);
    });
  const app = await start();
  const { chat, reply } = await billingHandoff(app);
  // The customer heard where they are going while the receiver still has not answered.
  expect(reply.lines.join(' ')).toMatch(/Billing/);
  const more = await chat.say('it was on my last invoice');
  expect(more.lines.length).toBeGreaterThan(0);
  expect(await waiting(app)).toBe(1);
  answer();
  await app.app.handoffWebhook!.flush();
  expect(received).toHaveLength(1);
  expect(await waiting(app)).toBe(0);
});

it('waits twice as long after each failure, and gives up after the last try with an error for the operator', async () => {
  let now = TODAY.getTime();
  const lines: [string, string, Record<string, unknown>][] = [];
  const log = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (event: string, fields: Record<string, unknown> = {}) => void lines.push([level, event, fields])]),
  ) as unknown as Logger;
  const outbox = new MemoryOutbox();
  let tries = 0;
  const webhook = new HandoffWebhook({
    url: env.HANDOFF_WEBHOOK_URL,
    secret: KEY,
    timeoutMs: 1000,
    outbox,
    clock: { now: () => new Date(now) },
    log,
    maxAttempts: 4,
    fetch: async () => {
      tries += 1;
      return new Response('', { status: 503 });
    },
  });
  await webhook.deliver(makeHandoff('h-gone', { customer: { ...makeHandoff('x').customer, name: 'Sofia Rossi' } }));
  await webhook.flush();
  const delays: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    const retry = lines.filter(([, event]) => event === 'handoff_webhook.retry').at(-1)![2];
    delays.push(retry.delayMs);
    now += retry.delayMs as number;
    await webhook.flush();
  }
  expect(delays).toEqual([2000, 4000, 8000]);
  expect(tries).toBe(4);
  expect(await outbox.size(WEBHOOK_TOPIC)).toBe(0);
  expect(lines.at(-1)).toEqual(['error', 'handoff_webhook.gave_up', expect.objectContaining({ handoffId: 'h-gone', attempt: 4, failure: 'status 503' })]);
  // The log names the handoff, never the customer.
  expect(JSON.stringify(lines)).not.toContain('Sofia');
  now += 3_600_000;
  await webhook.flush();
  expect(tries).toBe(4);
});

/** A webhook on `outbox` at TODAY, posting through `fetch`, its log dropped. */
function quietWebhook(outbox: MemoryOutbox, fetch: typeof globalThis.fetch): HandoffWebhook {
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
  return new HandoffWebhook({ url: env.HANDOFF_WEBHOOK_URL, secret: KEY, timeoutMs: 1000, outbox, clock: { now: () => TODAY }, log, fetch });
}

it('flush() resolves once a handoff queued while a round was on its way has been sent too', async () => {
  const outbox = new MemoryOutbox();
  const sent: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const webhook = quietWebhook(outbox, async (_url, init) => {
    const id = (JSON.parse(String(init?.body)) as Handoff).id;
    // The first receiver is slow; the second answers a moment later.
    await (id === 'h-slow' ? held : new Promise((resolve) => setImmediate(resolve)));
    sent.push(id);
    return new Response('', { status: 200 });
  });
  await webhook.deliver(makeHandoff('h-slow'));
  // Queued while the first is on its way: sent by the round right after it.
  await webhook.deliver(makeHandoff('h-next'));
  const flushed = webhook.flush();
  release();
  await flushed;
  expect(sent).toEqual(['h-slow', 'h-next']);
  expect(await outbox.size(WEBHOOK_TOPIC)).toBe(0);
});

it('flush() waits for every try of its round, also when the store failed for another handoff of it', async () => {
  // The store fails to mark one handoff done (it is sent again after its lease).
  const outbox = new (class extends MemoryOutbox {
    override async done(topic: string, id: string): Promise<boolean> {
      if (id === 'h-unmarked') throw new Error('disk I/O error');
      return super.done(topic, id);
    }
  })();
  const sent: string[] = [];
  const webhook = quietWebhook(outbox, async (_url, init) => {
    const id = (JSON.parse(String(init?.body)) as Handoff).id;
    // The other receiver answers a few moments later than the first.
    for (let i = 0; id === 'h-later' && i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    sent.push(id);
    return new Response('', { status: 200 });
  });
  for (const id of ['h-unmarked', 'h-later']) await outbox.add(WEBHOOK_TOPIC, id, JSON.stringify(makeHandoff(id)), TODAY.getTime());
  await webhook.flush();
  expect(sent.sort()).toEqual(['h-later', 'h-unmarked']);
  expect(await outbox.size(WEBHOOK_TOPIC)).toBe(1);
});

describe('settings', () => {
  const production = { NODE_ENV: 'production', DIRECTLINE_SECRET: 'x'.repeat(40), BOTFRAMEWORK_CHANNEL: 'off', CI_API_URL: 'https://ci.example.test/api' };

  it('takes both or neither, and says which is missing', () => {
    expect(() => readConfig({ HANDOFF_WEBHOOK_URL: 'http://127.0.0.1:9/hook' }, root, 'demo')).toThrow(/^HANDOFF_WEBHOOK_SECRET: The handoff webhook needs/);
    expect(() => readConfig({ ...production, HANDOFF_WEBHOOK_SECRET: KEY }, root)).toThrow(/^HANDOFF_WEBHOOK_URL: The handoff webhook needs/);
    expect(readConfig({}, root, 'demo').handoffWebhook).toBeNull();
    expect(readConfig({ ...env, HANDOFF_WEBHOOK_TIMEOUT_MS: '2500' }, root, 'demo').handoffWebhook).toEqual({ url: env.HANDOFF_WEBHOOK_URL, secret: KEY, timeoutMs: 2500 });
  });

  it('in production, wants https and a long secret', () => {
    expect(() => readConfig({ ...production, HANDOFF_WEBHOOK_URL: 'http://hooks.example.test/x', HANDOFF_WEBHOOK_SECRET: KEY }, root)).toThrow(/^HANDOFF_WEBHOOK_URL: must be https/);
    expect(() => readConfig({ ...production, ...env, HANDOFF_WEBHOOK_SECRET: 'short' }, root)).toThrow(/^HANDOFF_WEBHOOK_SECRET: at least 32/);
    expect(readConfig({ ...production, ...env }, root).handoffWebhook?.url).toBe(env.HANDOFF_WEBHOOK_URL);
  });
});
