/**
 * Something other than a turn writes into a chat: the outbound port, wired as
 * `npm start` wires it, puts an agent's message into the Direct Line history
 * and onto the open stream, under the agent's name.
 */
import { startApp, type RunningApp } from '../support/server';
import { streamCustomer } from '../support/stream-customer';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

it('an agent writes into a Direct Line conversation: in the history and on the stream, under the agent\'s name', async () => {
  const c = await streamCustomer(app, 'C1001');

  const result = await app.app.outbound.send(`directline:${c.conversationId}`, { text: 'Hi Maya, this is Sam from billing.', from: { kind: 'agent', name: 'Sam' } });
  expect(result).toBe('delivered');

  await c.arrives((a) => a.text === 'Hi Maya, this is Sam from billing.');
  const live = c.seen.find((a) => a.text === 'Hi Maya, this is Sam from billing.');
  expect(live?.from.name).toBe('Sam');
  const kept = (await c.history()).find((a) => a.text === 'Hi Maya, this is Sam from billing.');
  expect(kept).toMatchObject({ type: 'message', from: { name: 'Sam', role: 'bot' } });
  c.close();
});

it('says when nobody can be reached: an unknown chat, or a channel that cannot be written into', async () => {
  await expect(app.app.outbound.send('directline:nope', { text: 'Hello?', from: { kind: 'bot' } })).resolves.toBe('unknown_conversation');
  await expect(app.app.outbound.send('voice:CA123', { text: 'Hello?', from: { kind: 'bot' } })).resolves.toBe('no_channel');
});
