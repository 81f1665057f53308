/**
 * Direct Line under abuse: token minting does not push live conversations
 * out, chats per address are limited, and errors never carry internal messages.
 */
import { DirectLine } from '../../bot/channels/directline/routes';
import { conversationsOf } from '../../bot/engine/conversations';
import { silentLogger } from '../../bot/log';
import { MemoryStore } from '../../integrations/state/memory';
import { demoHarness } from '../support/harness';
import { SECRET, startApp } from '../support/server';

it('keeps a live web chat when someone mints thousands of tokens', async () => {
  const h = await demoHarness();
  const line = new DirectLine({ conversations: conversationsOf(h.engine), store: new MemoryStore({ stateTtlMs: 60_000 }), secret: SECRET, log: silentLogger, maxConversations: 10 });
  const live = line.generate('C1001');
  line.conversations.create(live.conversationId, 'C1001');
  for (let i = 0; i < 2000; i++) line.generate(`dl_${i}`);
  expect(line.conversations.get(live.conversationId)).toBeDefined();
  expect(line.conversations.size).toBe(1);
  line.close();
});

it('carries on with a conversation pushed out of memory while its token holds', async () => {
  const app = await startApp();
  try {
    const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
    const gen = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: '{}' })).json()) as { conversationId: string; token: string };
    await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth(gen.token) });
    const read = async () => (await (await fetch(`${app.url}/v3/directline/conversations/${gen.conversationId}/activities`, { headers: auth(gen.token) })).json()) as { activities: { id: string; text?: string }[] };
    const welcome = (await read()).activities;
    expect(welcome.some((a) => a.text)).toBe(true);
    for (let i = 0; i < 5001; i++) app.directLine.conversations.create(`filler${i}`, 'dl_x'); // the cap is 5000
    expect(app.directLine.conversations.get(gen.conversationId)).toBeUndefined();
    const sent = await fetch(`${app.url}/v3/directline/conversations/${gen.conversationId}/activities`, {
      method: 'POST',
      headers: auth(gen.token),
      body: JSON.stringify({ type: 'message', text: 'what are your opening hours' }),
    });
    expect(sent.status).toBe(200);
    const got = await read();
    // Read back from the store: the welcome is still there, then the answer.
    expect(got.activities.slice(0, welcome.length)).toEqual(welcome);
    expect(got.activities.map((a) => a.text).join(' ')).toContain('Brightwave Union Square');
  } finally {
    await app.close();
  }
});

it('limits how many chats one address can open per minute', async () => {
  const app = await startApp();
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await fetch(`${app.url}/api/webchat/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  } finally {
    await app.close();
  }
});

it('behind a trusted proxy, counts chats per visitor address, not per proxy', async () => {
  const app = await startApp({ TRUST_PROXY: '1', WEBCHAT_TOKENS_PER_MINUTE: '2' });
  try {
    const token = async (visitor: string) =>
      (await fetch(`${app.url}/api/webchat/token`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': visitor }, body: '{}' })).status;
    expect([await token('203.0.113.7'), await token('203.0.113.7'), await token('203.0.113.7')]).toEqual([200, 200, 429]);
    expect(await token('198.51.100.20')).toBe(200);
  } finally {
    await app.close();
  }
});

it('answers errors with Direct Line\'s shape, and never with an internal message', async () => {
  const app = await startApp();
  try {
    const gen = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: '{}' })).json()) as { conversationId: string; token: string };
    const big = await fetch(`${app.url}/v3/directline/conversations/${gen.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gen.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('MessageSizeTooBig');
    const messages = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(messages.status).toBe(400);
    expect(await messages.text()).not.toMatch(/validateAndFixActivity|Error:/);
  } finally {
    await app.close();
  }
});
