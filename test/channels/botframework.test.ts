/** The Azure Bot Service channel (/api/messages) through botbuilder's CloudAdapter. */
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
    expect(() => readConfig({ NODE_ENV: 'production', DIRECTLINE_SECRET: 'x'.repeat(40) }, root)).toThrow(/^MicrosoftAppId: required in production/);
    expect(() => readConfig({ NODE_ENV: 'production', DIRECTLINE_SECRET: 'x'.repeat(40), BOTFRAMEWORK_CHANNEL: 'off', CI_API_URL: 'https://ci.example.test/api' }, root)).not.toThrow();
    expect(() => readConfig({ NODE_ENV: 'production', MicrosoftAppId: 'id' }, root)).toThrow(/^DIRECTLINE_SECRET: required in production/);
  });
});

describe('the development queue listing', () => {
  it('is off in production unless asked for', async () => {
    const prod = await startApp({ NODE_ENV: 'production', BOTFRAMEWORK_CHANNEL: 'off', CI_API_URL: 'https://ci.example.test/api' });
    try {
      expect((await fetch(`${prod.url}/api/queues`)).status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
