/**
 * A handoff on the Azure Bot Service channel, through the real
 * `/api/messages` route: besides the customer's messages, the channel gets
 * the Bot Framework handoff protocol's `handoff.initiate` event, the whole
 * handoff in `value` and the transcript as its attachment, for an agent hub.
 */
import { startApp, type RunningApp } from '../support/server';

type Sent = {
  type: string;
  name?: string;
  text?: string;
  value?: Record<string, unknown>;
  conversation?: { id: string };
  relatesTo?: { conversation?: { id: string } };
  attachments?: { contentType: string; name?: string; content: { activities: { type: string; text: string; from: { role: string } }[] } }[];
};

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
}, 120_000);
afterAll(async () => {
  await app.close();
});

async function say(conversation: string, text: string, id: string): Promise<Sent[]> {
  const res = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id,
      text,
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.test/',
      conversation: { id: conversation },
      from: { id: 'user-1', name: 'Customer' },
      recipient: { id: 'bot-1', name: 'Brightwave' },
      deliveryMode: 'expectReplies',
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { activities: Sent[] }).activities;
}

it('hands off with a handoff.initiate event: the handoff in value, the transcript attached', async () => {
  await say('conv-h1', 'hello', 'a0');
  const sent = await say('conv-h1', 'my internet keeps dropping', 'a1');
  const events = sent.filter((a) => a.type === 'event');
  expect(events.map((e) => e.name)).toEqual(['handoff.initiate']);
  const event = events[0]!;
  // The customer still reads where they are going, before the event.
  expect(sent.findIndex((a) => a.type === 'message')).toBeLessThan(sent.indexOf(event));
  expect(event.conversation?.id).toBe('conv-h1');
  expect(event.relatesTo?.conversation?.id).toBe('conv-h1');

  const value = event.value!;
  expect(value).toMatchObject({ conversationId: 'botframework:msteams:conv-h1', channel: 'chat', queue: 'tech_support' });
  expect(value).toHaveProperty('customer.segment');
  expect(value).toHaveProperty('summary');
  expect(value.words).toEqual(expect.arrayContaining(['my internet keeps dropping']));
  expect(value).not.toHaveProperty('transcript');

  const [attachment] = event.attachments!;
  expect(attachment).toMatchObject({ contentType: 'application/json', name: 'Transcript' });
  const lines = attachment!.content.activities;
  expect(lines.every((a) => a.type === 'message')).toBe(true);
  expect(lines.filter((a) => a.from.role === 'user').map((a) => a.text)).toEqual(['hello', 'my internet keeps dropping']);
  expect(lines.some((a) => a.from.role === 'bot')).toBe(true);
});

it('sends no handoff event on a turn that does not hand off, nor again for what the customer writes while waiting', async () => {
  expect((await say('conv-h2', 'what are your opening hours', 'b1')).some((a) => a.type === 'event')).toBe(false);
  expect((await say('conv-h1', 'it drops every evening', 'a2')).some((a) => a.type === 'event')).toBe(false);
});
