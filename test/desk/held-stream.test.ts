/**
 * A chat an agent holds, as the customer's Web Chat sees it on its Direct
 * Line stream: the bot stays silent, yet every message the customer sends
 * comes back on the stream (Web Chat shows a message as sent only once its
 * echo arrives), and the agent's answer follows it.
 */
import WebSocket from 'ws';
import { signedInDemoAgent } from '../support/desk-agent';
import { appPerFile, SECRET } from '../support/server';

jest.setTimeout(60_000);

const file = appPerFile();

type Activity = { type: string; text?: string; from: { role?: string; name?: string } };

const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

it("echoes the customer's messages on the stream while an agent holds the chat and the bot is silent", async () => {
  const dl = (path: string) => `${file.app.url}/v3/directline${path}`;
  const gen = (await (await fetch(dl('/tokens/generate'), { method: 'POST', headers: headers(SECRET), body: JSON.stringify({ user: { id: 'C1003' } }) })).json()) as { token: string };
  const c = (await (await fetch(dl('/conversations'), { method: 'POST', headers: headers(gen.token) })).json()) as { conversationId: string; token: string; streamUrl: string };
  const seen: Activity[] = [];
  const ws = new WebSocket(c.streamUrl);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text) seen.push(...(JSON.parse(text) as { activities: Activity[] }).activities);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  const send = (text: string) => fetch(dl(`/conversations/${c.conversationId}/activities`), { method: 'POST', headers: headers(c.token), body: JSON.stringify({ type: 'message', text }) });
  const arrives = async (check: (a: Activity) => boolean) => {
    for (let i = 0; i < 150 && !seen.some(check); i++) await new Promise((r) => setTimeout(r, 20));
    return seen.some(check);
  };

  expect((await send("I've been charged twice on my November bill")).status).toBe(200);
  const dana = await signedInDemoAgent(file.app, 'dana');
  const { queues } = (await (await dana.get('/api/desk/queues')).json()) as { queues: { waiting: { contactId: string; conversationId: string }[] }[] };
  const contactId = queues.flatMap((q) => q.waiting).find((w) => w.conversationId === `directline:${c.conversationId}`)!.contactId;
  expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/accept`)).status).toBe(200);
  expect(await arrives((a) => a.text === 'Dana from Billing has joined.')).toBe(true);

  const posted = await send('It was $80 instead of $40');
  expect(posted.status).toBe(200);
  expect(await arrives((a) => a.from.role === 'user' && a.text === 'It was $80 instead of $40')).toBe(true);
  expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/messages`, { text: 'Let me look' })).status).toBe(200);
  expect(await arrives((a) => a.text === 'Let me look')).toBe(true);
  const mine = seen.findIndex((a) => a.text === 'It was $80 instead of $40');
  expect(seen.findIndex((a) => a.text === 'Let me look')).toBeGreaterThan(mine);
  ws.close();
});
