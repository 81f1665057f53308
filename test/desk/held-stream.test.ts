/**
 * A chat an agent holds, as the customer's Web Chat sees it on its Direct
 * Line stream: the bot stays silent, yet every message the customer sends
 * comes back on the stream (Web Chat shows a message as sent only once its
 * echo arrives), and the agent's answer follows it.
 */
import { signedInDemoAgent } from '../support/desk-agent';
import { appPerFile } from '../support/server';
import { streamCustomer } from '../support/stream-customer';

jest.setTimeout(60_000);

const file = appPerFile();

it("echoes the customer's messages on the stream while an agent holds the chat and the bot is silent", async () => {
  const chat = await streamCustomer(file.app, 'C1003');
  const { seen, send, arrives } = chat;

  expect((await send("I've been charged twice on my November bill")).status).toBe(200);
  const dana = await signedInDemoAgent(file.app, 'dana');
  const { queues } = (await (await dana.get('/api/desk/queues')).json()) as { queues: { waiting: { contactId: string; conversationId: string }[] }[] };
  const contactId = queues.flatMap((q) => q.waiting).find((w) => w.conversationId === `directline:${chat.conversationId}`)!.contactId;
  expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/accept`)).status).toBe(200);
  expect(await arrives((a) => a.text === 'Dana from Billing has joined.')).toBe(true);

  const posted = await send('It was $80 instead of $40');
  expect(posted.status).toBe(200);
  expect(await arrives((a) => a.from.role === 'user' && a.text === 'It was $80 instead of $40')).toBe(true);
  expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/messages`, { text: 'Let me look' })).status).toBe(200);
  expect(await arrives((a) => a.text === 'Let me look')).toBe(true);
  const mine = seen.findIndex((a) => a.text === 'It was $80 instead of $40');
  expect(seen.findIndex((a) => a.text === 'Let me look')).toBeGreaterThan(mine);
  chat.close();
});
