/**
 * A turn that takes too long: the caller hears a short line and goes to a
 * person well inside Twilio's 15 seconds, instead of silence.
 */
import type { AddressInfo } from 'node:net';
import { VoiceChannel } from '../../bot/channels/voice/routes';
import type { Engine } from '../../bot/engine/engine';
import { silentLogger } from '../../bot/log';
import { createServer } from '../../bot/server';
import { SmsOutbox } from '../../integrations/sms/outbox';
import { demoBrain } from '../support/harness';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';

it('puts the caller through to a person when the bot misses its deadline', async () => {
  const escalated: string[] = [];
  let finish: () => void = () => undefined;
  const slow = {
    current: demoBrain(),
    turn: () => new Promise((resolve) => (finish = () => resolve({ replies: [] }))),
    peek: async () => null,
    escalate: async (id: string) => void escalated.push(id),
  } as unknown as Engine;
  const stuck = slow;
  const server = createServer({ log: silentLogger, health: () => ({}), queues: () => [] });
  new VoiceChannel({
    engine: stuck,
    log: silentLogger,
    verify: { authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL },
    handoff: { kind: 'enqueue' },
    sms: new SmsOutbox(),
    deadlineMs: 600,
    publicUrl: PUBLIC_URL,
  }).register(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const call = phoneCall({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, '+15550100001');
    const started = Date.now();
    const out = await call.answer();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(out.status).toBe(200);
    expect(out.heard).toBe('Let me put you through to someone who can help.');
    expect(out.enqueue?.queue).toBe('customer_care');
    // When the slow turn finally ends, the agent's queue gets the conversation with its context.
    expect(escalated).toEqual([]);
    finish();
    await new Promise((r) => setTimeout(r, 50));
    expect(escalated).toEqual([`voice:${call.callSid}`]);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
