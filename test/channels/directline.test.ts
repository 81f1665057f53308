/**
 * The Direct Line 3.0 endpoint as a Direct Line client uses it: tokens,
 * conversations, sending, watermark polling, isolation, and every error.
 */
import { DirectLineConversations } from '../../bot/channels/directline/conversations';
import { conversationsOf } from '../../bot/engine/conversations';
import { DirectLine } from '../../bot/channels/directline/routes';
import { silentLogger } from '../../bot/log';
import { MemoryStore } from '../../integrations/state/memory';
import { demoHarness, TODAY } from '../support/harness';
import { SECRET, startApp, type RunningApp } from '../support/server';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const dl = (path: string) => `${app.url}/v3/directline${path}`;
const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function generate(user?: string) {
  const res = await fetch(dl('/tokens/generate'), { method: 'POST', headers: auth(SECRET), body: JSON.stringify(user ? { user: { id: user } } : {}) });
  expect(res.status).toBe(200);
  return (await res.json()) as { conversationId: string; token: string; expires_in: number };
}

async function start(token: string) {
  const res = await fetch(dl('/conversations'), { method: 'POST', headers: auth(token) });
  return { status: res.status, body: (await res.json()) as { conversationId: string; token: string } };
}

async function send(conversationId: string, token: string, activity: object) {
  return fetch(dl(`/conversations/${conversationId}/activities`), { method: 'POST', headers: auth(token), body: JSON.stringify(activity) });
}

type ActivitySet = { activities: { type: string; text?: string; from: { id: string; role?: string }; suggestedActions?: { actions: { title: string }[] } }[]; watermark: string };
async function poll(conversationId: string, token: string, watermark?: string): Promise<ActivitySet> {
  const res = await fetch(dl(`/conversations/${conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`), { headers: auth(token) });
  expect(res.status).toBe(200);
  return (await res.json()) as ActivitySet;
}
const botTexts = (set: ActivitySet) => set.activities.filter((a) => a.type === 'message' && a.from.role === 'bot').map((a) => a.text);

describe('tokens', () => {
  it('are generated only with the secret', async () => {
    expect((await fetch(dl('/tokens/generate'), { method: 'POST' })).status).toBe(403);
    expect((await fetch(dl('/tokens/generate'), { method: 'POST', headers: auth('not-the-secret') })).status).toBe(403);
    const t = await generate('C1001');
    expect(t.expires_in).toBe(1800);
    expect(t.token).not.toContain(SECRET);
  });

  it('refresh into a new working token; an expired token is refused', async () => {
    const t = await generate();
    await start(t.token);
    app.advance(60_000);
    const res = await fetch(dl('/tokens/refresh'), { method: 'POST', headers: auth(t.token) });
    expect(res.status).toBe(200);
    const refreshed = (await res.json()) as { token: string; conversationId: string };
    expect(refreshed.conversationId).toBe(t.conversationId);
    expect(refreshed.token).not.toBe(t.token);
    app.advance(29.5 * 60_000); // the first token is now past its 30 minutes; the refreshed one is not
    expect((await fetch(dl(`/conversations/${t.conversationId}/activities`), { headers: auth(t.token) })).status).toBe(403);
    expect((await fetch(dl(`/conversations/${t.conversationId}/activities`), { headers: auth(refreshed.token) })).status).toBe(200);
    expect((await fetch(dl('/tokens/refresh'), { method: 'POST', headers: auth(t.token) })).status).toBe(403);
  });

  it('a tampered token is refused', async () => {
    const t = await generate('C1001');
    const [body, sig] = t.token.split('.');
    const forged = Buffer.from(JSON.stringify({ user: 'C1002', conversation: t.conversationId, exp: 9999999999 })).toString('base64url');
    expect((await start(`${forged}.${sig}`)).status).toBe(403);
    const flipped = `${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`; // one character of the signature changed
    expect((await start(`${body}.${flipped}`)).status).toBe(403);
  });
});

describe('conversations', () => {
  it('start with the welcome; starting again answers 200 and changes nothing', async () => {
    const t = await generate();
    const first = await start(t.token);
    expect(first.status).toBe(201);
    expect(first.body.conversationId).toBe(t.conversationId);
    const again = await start(t.token);
    expect(again.status).toBe(200);
    expect(botTexts(await poll(t.conversationId, t.token))).toHaveLength(1);
  });

  it('poll by watermark: each activity once', async () => {
    const t = await generate();
    await start(t.token);
    const first = await poll(t.conversationId, t.token);
    expect(botTexts(first)[0]).toMatch(/^Hi, I'm the Brightwave Assistant/);
    expect((await poll(t.conversationId, t.token, first.watermark)).activities).toEqual([]);
    const sent = await send(t.conversationId, t.token, { type: 'message', text: 'what are your opening hours', from: { id: 'me' } });
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as { id: string }).id).toMatch(new RegExp(`^${t.conversationId}\\|\\d+$`));
    const next = await poll(t.conversationId, t.token, first.watermark);
    expect(next.activities[0]).toMatchObject({ type: 'message', text: 'what are your opening hours' });
    expect(botTexts(next).join(' ')).toContain('Brightwave Union Square');
    expect(Number(next.watermark)).toBeGreaterThan(Number(first.watermark));
  });

  it('two conversations never see each other\'s messages', async () => {
    const a = await generate('C1001');
    const b = await generate('C1002');
    await start(a.token);
    await start(b.token);
    await send(a.conversationId, a.token, { type: 'message', text: 'what is my balance' });
    await send(b.conversationId, b.token, { type: 'message', text: 'where is my order' });
    const seenByA = JSON.stringify(await poll(a.conversationId, a.token));
    const seenByB = JSON.stringify(await poll(b.conversationId, b.token));
    expect(seenByA).toContain('$145.00');
    expect(seenByA).not.toContain('order');
    expect(seenByB).toContain('open orders');
    expect(seenByB).not.toContain('$145.00');
    expect((await fetch(dl(`/conversations/${b.conversationId}/activities`), { headers: auth(a.token) })).status).toBe(403);
  });

  it('takes the customer from the token, never from the activity', async () => {
    const anonymous = await generate();
    await start(anonymous.token);
    await send(anonymous.conversationId, anonymous.token, { type: 'message', text: 'what is my balance', from: { id: 'C1001' } });
    const seen = botTexts(await poll(anonymous.conversationId, anonymous.token)).join(' ');
    expect(seen).not.toContain('$145.00');
    expect(seen).toContain('phone number on your account');
  });

  it('offers choices as suggested actions', async () => {
    const t = await generate('C1011');
    await start(t.token);
    await send(t.conversationId, t.token, { type: 'message', text: 'track my order' });
    const set = await poll(t.conversationId, t.token);
    const ask = set.activities.find((a) => a.suggestedActions);
    expect(ask?.suggestedActions?.actions.map((x) => x.title)).toEqual(['eSIM activation kit (BW-550001)', 'Samsung Galaxy S25 (BW-550002)']);
  });
});

describe('errors', () => {
  it('403 without a token or with a bad one', async () => {
    const t = await generate();
    await start(t.token);
    expect((await fetch(dl(`/conversations/${t.conversationId}/activities`))).status).toBe(403);
    expect((await send(t.conversationId, 'garbage', { type: 'message', text: 'hi' })).status).toBe(403);
    expect((await fetch(dl('/conversations'), { method: 'POST' })).status).toBe(403);
  });

  it('404 for an unknown conversation', async () => {
    const res = await fetch(dl('/conversations/nope/activities'), { headers: auth(SECRET) });
    expect(res.status).toBe(404);
  });

  it('413 for an oversized activity', async () => {
    const t = await generate();
    await start(t.token);
    const res = await send(t.conversationId, t.token, { type: 'message', text: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
    expect(botTexts(await poll(t.conversationId, t.token))).toHaveLength(1);
  });

  it('400 for malformed JSON or a body that is not an activity, with no internals in the answer', async () => {
    const t = await generate();
    await start(t.token);
    const bad = await fetch(dl(`/conversations/${t.conversationId}/activities`), { method: 'POST', headers: auth(t.token), body: '{"type": "message", "text": ' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toMatch(/at .*\.(ts|js):\d+/);
    expect((await send(t.conversationId, t.token, ['not', 'an', 'activity'])).status).toBe(400);
    expect((await send(t.conversationId, t.token, { text: 'no type' })).status).toBe(400);
  });
});

describe('memory stays bounded', () => {
  it('forgets the least recently used conversations past the cap', async () => {
    const h = await demoHarness();
    const line = new DirectLine({ conversations: conversationsOf(h.engine), store: new MemoryStore({ stateTtlMs: 60_000 }), secret: SECRET, log: silentLogger, maxConversations: 3 });
    const ids = [1, 2, 3, 4].map((i) => line.conversations.create(`c${i}`, 'dl_x').id);
    expect(line.conversations.get(ids[0]!)).toBeUndefined();
    expect(line.conversations.get(ids[3]!)).toBeDefined();
    expect(line.conversations.size).toBe(3);
    line.close();
  });

  it('forgets idle conversations in memory and reads their whole history back from the store, in pages', async () => {
    const conversations = new DirectLineConversations(new MemoryStore({ stateTtlMs: 60_000 }), { maxConversations: 10, idleMs: 50, pageSize: 5 }, () => TODAY);
    const c = conversations.create('c1', 'dl_x');
    for (let i = 0; i < 8; i++) await conversations.add(c, [{ type: 'message', text: `m${i}` }]);
    // The cache idles out on the process's clock; the store's expiry follows the injected one, still at TODAY.
    await new Promise((r) => setTimeout(r, 120));
    expect(conversations.get('c1')).toBeUndefined();
    const first = await conversations.since('c1', 0);
    expect(first.activities.map((a) => a.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(first.watermark).toBe('5');
    expect((await conversations.since('c1', 5)).activities.map((a) => [a.id, a.text])).toEqual([
      ['c1|0000005', 'm5'],
      ['c1|0000006', 'm6'],
      ['c1|0000007', 'm7'],
    ]);
    expect(await conversations.since('c1', 8)).toEqual({ activities: [], watermark: '8' });
    conversations.close();
  });
});
