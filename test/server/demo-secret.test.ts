/**
 * Demo mode without DIRECTLINE_SECRET makes one up. The web chat page holds
 * a token signed with it; after a restart on the same DATA_DIR (as `npm
 * start` runs by default) that token still opens the conversation, and the
 * dialog goes on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../support/server';

jest.setTimeout(60_000);

let dataDir = '';
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'frontline-demo-secret-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

type Activity = { type: string; text?: string; from: { role?: string } };

async function send(url: string, token: string, conversationId: string, text: string): Promise<Response> {
  return fetch(`${url}/v3/directline/conversations/${conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', from: { id: 'visitor' }, text }),
  });
}

async function botSaid(url: string, token: string, conversationId: string): Promise<string[]> {
  const res = await fetch(`${url}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } });
  const set = (await res.json()) as { activities: Activity[] };
  return set.activities.filter((a) => a.type === 'message' && a.from.role === 'bot').map((a) => a.text ?? '');
}

it("the page's token from before a restart still opens its conversation, which goes on where it was", async () => {
  const env = { DIRECTLINE_SECRET: '', DATA_DIR: dataDir, CONTENT_RELOAD: 'off' };
  const first = await startApp(env);
  let token = '';
  let conversationId = '';
  try {
    // What the web chat page does: a token from the page's endpoint, then the conversation.
    ({ token, conversationId } = (await (await fetch(`${first.url}/api/webchat/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string; conversationId: string });
    expect((await fetch(`${first.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).ok).toBe(true);
    expect((await send(first.url, token, conversationId, 'is there an outage')).ok).toBe(true);
  } finally {
    await first.close();
  }
  const second = await startApp(env);
  try {
    const asked = (await botSaid(second.url, token, conversationId)).at(-1) ?? '';
    expect((await send(second.url, token, conversationId, '94110')).status).toBe(200);
    const said = await botSaid(second.url, token, conversationId);
    expect(said.at(-1)).not.toBe(asked);
    // The ZIP answers the dialog's question: the outage in 94110, not "didn't get that".
    expect(said.slice(-2).join('\n')).toMatch(/outage/i);
    expect(said.join('\n')).not.toMatch(/didn't get that/);
  } finally {
    await second.close();
  }
});
