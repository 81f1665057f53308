/**
 * Something other than a turn writes into a chat: the outbound port, wired as
 * `npm start` wires it, puts an agent's message into the Direct Line history
 * and onto the open stream, under the agent's name.
 */
import WebSocket from 'ws';
import { SECRET, startApp, type RunningApp } from '../support/server';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
type Activity = { type: string; text?: string; from: { id: string; name?: string; role?: string } };

async function startConversation() {
  const gen = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: 'C1001' } }) })).json()) as { token: string };
  return (await (await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth(gen.token) })).json()) as { conversationId: string; token: string; streamUrl: string };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

it('an agent writes into a Direct Line conversation: in the history and on the stream, under the agent\'s name', async () => {
  const c = await startConversation();
  const pushed: Activity[] = [];
  const ws = new WebSocket(c.streamUrl);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text) pushed.push(...(JSON.parse(text) as { activities: Activity[] }).activities);
  });
  await new Promise((resolve) => ws.on('open', resolve));

  const result = await app.app.outbound.send(`directline:${c.conversationId}`, { text: 'Hi Maya, this is Sam from billing.', from: { kind: 'agent', name: 'Sam' } });
  expect(result).toBe('delivered');

  await until(() => pushed.some((a) => a.text === 'Hi Maya, this is Sam from billing.'));
  const live = pushed.find((a) => a.text === 'Hi Maya, this is Sam from billing.');
  expect(live?.from.name).toBe('Sam');
  const history = (await (await fetch(`${app.url}/v3/directline/conversations/${c.conversationId}/activities`, { headers: auth(c.token) })).json()) as { activities: Activity[] };
  const kept = history.activities.find((a) => a.text === 'Hi Maya, this is Sam from billing.');
  expect(kept).toMatchObject({ type: 'message', from: { name: 'Sam', role: 'bot' } });
  ws.close();
});

it('says when nobody can be reached: an unknown chat, or a channel that cannot be written into', async () => {
  await expect(app.app.outbound.send('directline:nope', { text: 'Hello?', from: { kind: 'bot' } })).resolves.toBe('unknown_conversation');
  await expect(app.app.outbound.send('voice:CA123', { text: 'Hello?', from: { kind: 'bot' } })).resolves.toBe('no_channel');
});
