/**
 * The log as an operator reads it (pino's JSON lines, at debug): customers
 * talk over Direct Line, the phone and Bot Framework through the routes
 * `npm start` serves, and nothing they said, nothing of their profile and
 * no error's message reaches a line; each turn's lines share one request id.
 */
import { join } from 'node:path';
import { createLogger } from '../../bot/log';
import type { ProfileSource } from '../../bot/engine/ports';
import { FileProfileSource } from '../../integrations/ci/file-profiles';
import { root } from '../support/harness';
import { SECRET, startApp, type RunningApp } from '../support/server';
import { chatSession } from '../support/sessions';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';

type Line = Record<string, unknown> & { event: string; level: string; reqId?: string };

const raw: string[] = [];
const lines = (): Line[] => raw.map((l) => JSON.parse(l) as Line);

/** The demo customers, but a lookup of James's number fails with his name and number in its message. */
async function profiles(): Promise<ProfileSource> {
  const file = await FileProfileSource.load(join(root, 'integrations', 'demo', 'customers.yaml'));
  return {
    byPhone: async (phone) => {
      if (phone === '+15550100002') throw new TypeError('CI row for James Okafor +15550100002 is garbled');
      return file.byPhone(phone);
    },
    byCustomerId: (id) => file.byCustomerId(id),
  };
}

let app: RunningApp;
beforeAll(async () => {
  app = await startApp(
    { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL },
    { log: createLogger('debug', (l) => raw.push(l)), profiles: await profiles() },
  );
});
afterAll(() => app.close());

/** What customers said and who they are: none of it may be logged. */
const said = [
  "I've been charged twice on my November bill",
  'my card is 4111 1111 1111 1111',
  'what is my balance',
  'what are your opening hours',
];
const personal = [/Sofia/i, /Ramirez/i, /Maya/i, /\bChen\b/, /James/i, /Okafor/i, /sofia\.ramirez/i, /5550100001/, /5550100002/, /\b94110\b/, /Mission Street/i, /4111/, /garbled/i, /charged/i, /opening hours/i];

/** The line without the ids the bot made up itself (random hex could spell a postcode). */
function withoutIds(line: Line): string {
  const { reqId: _r, conversationId: _c, callSid: _s, ...rest } = line;
  return JSON.stringify(rest);
}

describe('the log of a busy minute', () => {
  let handoffReqId = '';
  beforeAll(async () => {
    // Sofia, signed in on web chat, disputes a charge and reads out a card number: a handoff.
    const sofia = await chatSession(app, 'C1003');
    await sofia.start();
    await sofia.say(said[1]!);
    const token = (await (await fetch(`${app.url}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: 'C1003' } }),
    })).json()) as { token: string; conversationId: string };
    const started = (await (await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token.token}` } })).json()) as { conversationId: string; token: string };
    const res = await fetch(`${app.url}/v3/directline/conversations/${started.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'C1003' }, text: said[0] }),
    });
    expect(res.status).toBe(200);
    handoffReqId = res.headers.get('x-request-id') ?? '';

    // Maya calls and asks for her balance; James calls and his CI row is garbled.
    const maya = phoneCall({ baseUrl: app.url }, '+15550100001');
    await maya.answer();
    await maya.say(said[2]!);
    await maya.press('94110');
    await maya.hangUp();
    const james = phoneCall({ baseUrl: app.url }, '+15550100002');
    await james.answer();
    await james.say(said[2]!);

    // A Bot Framework channel asks for opening hours.
    const bf = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message', id: 'a1', text: said[3], channelId: 'webchat', serviceUrl: 'https://smba.example.test/',
        conversation: { id: 'conv-1' }, from: { id: 'user-1', name: 'Maya Chen' }, recipient: { id: 'bot' }, deliveryMode: 'expectReplies',
      }),
    });
    expect(bf.status).toBe(200);
  });

  it('holds nothing a customer said, nothing of their profile and no error message', () => {
    const all = lines();
    // The turns did happen and were logged: a handoff, a failed turn, calls on each channel.
    expect(all.filter((l) => l.event === 'turn').map((l) => l.channel)).toEqual(expect.arrayContaining(['chat', 'voice']));
    expect(all.some((l) => l.event === 'handoff')).toBe(true);
    expect(all.find((l) => l.event === 'turn.failed')).toMatchObject({ error: 'TypeError' });
    for (const line of all) {
      const text = withoutIds(line);
      for (const words of said) expect(text).not.toContain(words);
      for (const pattern of personal) expect({ line: text, leaks: pattern.test(text) }).toEqual({ line: text, leaks: false });
    }
  });

  it('gives every line of one turn the same request id, and the answer carries it', () => {
    expect(handoffReqId).toMatch(/^[\w-]{8,}$/);
    const ofTurn = lines().filter((l) => l.reqId === handoffReqId);
    expect(ofTurn.map((l) => l.event)).toEqual(expect.arrayContaining(['turn', 'handoff', 'http.request']));
    expect(ofTurn.find((l) => l.event === 'turn')).toMatchObject({ handoff: true });
    expect(ofTurn.find((l) => l.event === 'http.request')).toMatchObject({ method: 'POST', status: 200, route: '/v3/directline/conversations/:id/activities' });
    // Each turn on each channel has its own id, shared by its turn line and its access line.
    const turns = lines().filter((l) => l.event === 'turn');
    expect(turns.every((t) => typeof t.reqId === 'string')).toBe(true);
    expect(new Set(turns.map((t) => t.reqId)).size).toBe(turns.length);
    for (const t of turns) expect(lines().filter((l) => l.reqId === t.reqId && l.event === 'http.request')).toHaveLength(1);
  });
});

describe('a caller that slips', () => {
  it('still logs an Error by its name, and never a field named for words or people', () => {
    const out: string[] = [];
    const log = createLogger('info', (l) => out.push(l));
    log.warn('slip', { error: new Error('Sofia Ramirez said 4111'), text: 'my card is 4111', name: 'Sofia', queue: 'billing' });
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 'warn', event: 'slip', error: 'Error', text: '[redacted]', name: '[redacted]', queue: 'billing' });
    expect(out[0]).not.toMatch(/Sofia|4111/);
  });
});
