/**
 * An agent writes into a Bot Framework conversation from outside a turn: the
 * outbound port, wired as `npm start` wires it, posts to the conversation's
 * serviceUrl (here a stand-in connector on loopback, as demo mode requires)
 * under the agent's name.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type RunningApp } from '../support/server';

type Posted = { path: string; body: { type?: string; text?: string; from?: { id?: string; name?: string } } };

let app: RunningApp;
let connector: { url: string; received: Posted[]; close(): Promise<void> };
beforeAll(async () => {
  app = await startApp();
  connector = await listener();
});
afterAll(async () => {
  await connector.close();
  await app.close();
});

const post = (activity: Record<string, unknown>) =>
  fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });

const activity = (conversation: string, serviceUrl: string) => ({
  type: 'message',
  id: 'a1',
  text: 'what are your opening hours',
  channelId: 'msteams',
  serviceUrl,
  conversation: { id: conversation },
  from: { id: 'user-1' },
  recipient: { id: 'bot-1', name: 'Brightwave' },
});

it("an agent writes into a Bot Framework conversation: posted to its serviceUrl under the agent's name", async () => {
  expect((await post(activity('conv-9', connector.url))).status).toBeLessThan(300);
  connector.received.length = 0;

  const result = await app.app.outbound.send('botframework:msteams:conv-9', { text: 'Hi Maya, this is Sam from billing.', from: { kind: 'agent', name: 'Sam' } });
  expect(result).toBe('delivered');
  // The SDK replies to its own continuation activity: the path may end in /{replyToId}.
  const sent = connector.received.find((r) => r.body.text === 'Hi Maya, this is Sam from billing.');
  expect(sent?.path).toMatch(/^\/v3\/conversations\/conv-9\/activities(\/|$)/);
  expect(sent?.body).toMatchObject({ type: 'message', from: { id: 'bot-1', name: 'Sam' } });
});

it('says when the conversation is unknown, and keeps none it may not write to without credentials', async () => {
  await expect(app.app.outbound.send('botframework:msteams:nope', { text: 'Hello?', from: { kind: 'bot' } })).resolves.toBe('unknown_conversation');
  // Answered in the response, an off-machine serviceUrl is fine now, but must not be written to later.
  expect((await post({ ...activity('conv-far', 'https://smba.example.test/'), deliveryMode: 'expectReplies' })).status).toBe(200);
  await expect(app.app.outbound.send('botframework:msteams:conv-far', { text: 'Hello?', from: { kind: 'bot' } })).resolves.toBe('unknown_conversation');
});

it('does not claim delivery when the connector refuses the message', async () => {
  expect((await post(activity('conv-down', `${connector.url}down/`))).status).toBeLessThan(500);
  await expect(app.app.outbound.send('botframework:msteams:conv-down', { text: 'Hello?', from: { kind: 'bot' } })).rejects.toThrow('did not take');
});

/** A stand-in Bot Framework connector on loopback that records each POST. */
async function listener(): Promise<typeof connector> {
  const received: Posted[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body || '{}') as Posted['body'] });
      // restify patches http.ServerResponse: plain calls, not writeHead's chaining.
      res.statusCode = req.url?.startsWith('/down/') ? 403 : 200;
      res.setHeader('content-type', 'application/json');
      res.setHeader('connection', 'close');
      res.end('{"id":"r1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
