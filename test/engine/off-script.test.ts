/**
 * Conversations that leave the script, through the engine with the demo
 * content: what the agent learns when a flow is dropped, what is never
 * kept as an answer, and the pure checks the decide stage relies on.
 * (What the customer sees is in test/conversations/offscript_*.yaml.)
 */
import { isEscape, leaving, severalRequests, vagueOpener } from '../../bot/engine/interrupt';
import { parseSlot } from '../../bot/engine/slots';
import { demoBrain, demoHarness, signedIn, type Harness } from '../support/harness';
import type { FileProfileSource } from '../../integrations/ci/file-profiles';

let h: Harness & { profiles: FileProfileSource };
beforeAll(async () => {
  h = await demoHarness();
});

const patterns = { orderNumber: /\bBW[-\s]?\d{6}\b/i, postcode: /\b\d{5}\b/ };
const slotCtx = { choices: [], patterns, now: new Date('2026-11-24T17:00:00Z') };

describe('leaving a flow', () => {
  it('"never mind" drops the address change and tells the agent where it was left', async () => {
    const c = h.conversation({ identity: signedIn('C1006') });
    await c.start();
    await c.say('I moved house and need to change my address');
    await c.say('400 Capitol Mall');
    await c.say('never mind');
    const state = await h.engine.peek(c.id);
    expect(state?.dialog).toBeNull();
    expect(state?.actions).toContain('Started to update their address; left it when asked for "city": the customer changed their mind');
    const out = await c.say('agent');
    expect(out.handoff?.handoff.botActions.join('\n')).toContain('left it when asked for "city"');
  });

  it('"no, I meant my PLAN" is never stored as a street', async () => {
    const c = h.conversation({ identity: signedIn('C1006') });
    await c.start();
    await c.say('I moved house and need to change my address');
    const out = await c.say('no, I meant my PLAN');
    expect(JSON.stringify(await h.engine.peek(c.id))).not.toMatch(/"line1":/);
    expect(out.handoff?.handoff.intent?.name).toBe('change_plan');
  });

  it('of two requests, the one the bot serves itself comes before the one a person takes', async () => {
    const c = h.conversation({ identity: signedIn('C1001') });
    await c.start();
    const out = await c.say('I was charged twice on my bill and where is my order?');
    expect(c.texts.join('\n')).toContain('Your order BW-482913 (Mesh WiFi extender) is shipped.');
    expect(out.handoff?.handoff.intent?.name).toBe('billing_dispute');
    expect(out.handoff?.handoff.botActions.join('\n')).toContain('Told the customer order BW-482913 is shipped');
  });

  it('a customer who declines the payment link gets none', async () => {
    const c = h.conversation({ identity: signedIn('C1008') });
    await c.start();
    await c.say("what's my balance");
    const out = await c.say('no');
    expect(out.replies.some((r) => r.link)).toBe(false);
    expect((await h.engine.peek(c.id))?.outcomes.map((o) => o.outcome)).toEqual(['overdue_told']);
  });
});

describe('what a message means besides an answer', () => {
  const brain = demoBrain();

  it('an escape is a request for a person, not the word "agent"', () => {
    expect(isEscape(brain, 'agent', '')).toBe(true);
    expect(isEscape(brain, 'I want to talk to a real person', '')).toBe(true);
    expect(isEscape(brain, '', '0')).toBe(true);
    expect(isEscape(brain, 'my agent said my bill was wrong', '')).toBe(false);
  });

  it('finds a change of mind and what follows it', () => {
    expect(leaving(brain.content, 'never mind')).toEqual({ rest: '' });
    expect(leaving(brain.content, "actually, forget that — where's my order?")).toEqual({ rest: "where's my order?" });
    expect(leaving(brain.content, '400 Capitol Mall')).toBeNull();
  });

  it('splits two requests, and leaves one request whole', () => {
    expect(severalRequests(brain, "what's my balance and where is my order?")?.map((r) => r.intent)).toEqual(['check_balance', 'track_order']);
    expect(severalRequests(brain, 'I moved and need to change my address')).toBeNull();
  });

  it('a vague opener has two or three readings; a clear one has none', () => {
    expect(vagueOpener(brain.content, 'bill')).toEqual(['make_payment', 'billing_dispute', 'check_balance']);
    expect(vagueOpener(brain.content, 'balance')).toBeNull();
    expect(vagueOpener(brain.content, 'where is my order')).toBeNull();
  });
});

describe('answers checked by type', () => {
  it('a street has a number or a street word', () => {
    expect(parseSlot('street', { text: '400 Capitol Mall' }, slotCtx)).toEqual({ ok: true, value: '400 Capitol Mall' });
    expect(parseSlot('street', { text: 'Market Street, Apt 4' }, slotCtx).ok).toBe(true);
    expect(parseSlot('street', { text: 'no, I meant my PLAN' }, slotCtx).ok).toBe(false);
  });

  it('a city is a place name, not a sentence', () => {
    expect(parseSlot('city', { text: 'San Luis Obispo' }, slotCtx)).toEqual({ ok: true, value: 'San Luis Obispo' });
    expect(parseSlot('city', { text: 'my plan' }, slotCtx).ok).toBe(false);
    expect(parseSlot('city', { text: '94110' }, slotCtx).ok).toBe(false);
  });

  it('a ZIP code has five digits', () => {
    expect(parseSlot('postcode', { text: '958' }, slotCtx).ok).toBe(false);
    expect(parseSlot('postcode', { digits: '95816' }, slotCtx)).toEqual({ ok: true, value: '95816' });
  });
});
