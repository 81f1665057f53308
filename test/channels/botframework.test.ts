/** The Azure Bot Service channel (/api/messages) through botbuilder's CloudAdapter. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { readConfig } from '../../bot/config';
import { root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';

const activity = (text: string) => ({
  type: 'message',
  id: 'a1',
  text,
  channelId: 'webchat',
  serviceUrl: 'https://smba.example.test/',
  conversation: { id: 'conv-1' },
  from: { id: 'user-1' },
  recipient: { id: 'bot' },
  deliveryMode: 'expectReplies',
});

describe('Bot Framework channel', () => {
  let open: RunningApp;
  let secured: RunningApp;
  beforeAll(async () => {
    open = await startApp();
    secured = await startApp({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'pw' });
  });
  afterAll(async () => {
    await open.close();
    await secured.close();
  });

  it('answers through the engine (replies in the response with expectReplies)', async () => {
    const res = await fetch(`${open.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity('what are your opening hours')),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { activities: { text?: string }[] };
    expect(body.activities.map((a) => a.text).join(' ')).toContain('Brightwave Union Square');
  });

  it('runs an activity the connector delivers twice once, and answers the repeat with the same replies', async () => {
    const once = { ...activity('what is the status of my order'), id: 'repeat-1', conversation: { id: 'conv-repeat' } };
    const post = async () =>
      (await (await fetch(`${open.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(once) })).json()) as {
        activities: { text?: string }[];
      };
    const first = await post();
    const again = await post();
    expect(again.activities.map((a) => a.text)).toEqual(first.activities.map((a) => a.text));
    const state = await open.app.engine.peek('botframework:webchat:conv-repeat');
    expect(state?.transcript.filter((t) => t.from === 'customer')).toHaveLength(1);
  });

  it('without credentials (demo mode), never posts replies to a serviceUrl off loopback', async () => {
    // This machine's own network address stands in for an internal one: the test sees whether anything arrives.
    const address = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!address) throw new Error('this test needs a non-loopback IPv4 address');
    const target = await listener(address);
    try {
      const res = await fetch(`${open.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...activity('what are your opening hours'), serviceUrl: target.url, deliveryMode: 'normal' }),
      });
      expect(res.status).toBe(400);
      expect(target.received).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('without credentials, replies to a loopback serviceUrl (the Bot Framework Emulator)', async () => {
    const emulator = await listener('127.0.0.1');
    try {
      const res = await fetch(`${open.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...activity('what are your opening hours'), id: 'a2', serviceUrl: emulator.url.replace('127.0.0.1', 'localhost'), deliveryMode: 'normal' }),
      });
      expect(res.status).toBeLessThan(300);
      expect(emulator.received.join(' ')).toContain('Brightwave Union Square');
    } finally {
      await emulator.close();
    }
  });

  it('refuses unauthenticated requests when an app id is set, without echoing why', async () => {
    for (const headers of [{}, { authorization: 'Bearer garbage.token.here' }] as Record<string, string>[]) {
      const res = await fetch(`${secured.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity('what is my balance')),
      });
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).toBe('{"error":{"code":"Unauthorized"}}');
    }
  });

  it('is never silently open in production', () => {
    const ci = { CI_API_URL: 'https://ci.example.test/api' };
    expect(() => readConfig({ NODE_ENV: 'production', DIRECTLINE_SECRET: 'x'.repeat(40), ...ci }, root)).toThrow(/MicrosoftAppId: required in production/);
    expect(() => readConfig({ NODE_ENV: 'production', DIRECTLINE_SECRET: 'x'.repeat(40), BOTFRAMEWORK_CHANNEL: 'off', ...ci }, root)).not.toThrow();
    expect(() => readConfig({ NODE_ENV: 'production', MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', ...ci }, root)).toThrow(/^DIRECTLINE_SECRET: required in production/);
  });
});

describe('the development queue listing', () => {
  it('is off in production unless asked for', async () => {
    const prod = await startApp({ FRONTLINE_MODE: 'production', BOTFRAMEWORK_CHANNEL: 'off', CI_API_URL: 'https://ci.example.test/api' });
    try {
      expect((await fetch(`${prod.url}/api/queues`)).status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});

/** A stand-in Bot Framework connector that records what is posted to it. */
async function listener(host: string): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(body);
      // restify patches http.ServerResponse: plain calls, not writeHead's chaining.
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      res.setHeader('connection', 'close');
      res.end('{"id":"r1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
