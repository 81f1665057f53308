/**
 * Text messages on a shared store: two instances of the app (as behind a
 * load balancer) on one SQLite file and on one Redis. Twilio delivering the
 * same message (one MessageSid) to both, at once or again later, runs one
 * turn and gets one answer; a number texting both shares one message rate;
 * an agent's reply goes out from the instance their desk is on.
 */
import { sharedBackends, twoInstances } from '../support/instances';
import type { RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, textingPhone } from '../support/twilio';

describe.each(sharedBackends)('two instances on one %s store', (_name, shared) => {
  let a: RunningApp;
  let b: RunningApp;
  // A small message budget, so a test can spend it: 3 at once, then one every 10 s.
  twoInstances(() => shared('sms'), { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL, MESSAGE_RATE_BURST: '3', MESSAGE_RATE_PER_MINUTE: '6' }, (x, y) => {
    [a, b] = [x, y];
  });

  it('runs a message Twilio delivers to both instances once, and answers every delivery alike', async () => {
    const [onA, onB] = [textingPhone({ baseUrl: a.url }, '+15550100001'), textingPhone({ baseUrl: b.url }, '+15550100001')];
    const request = onA.request("what's my balance?");
    const [first, second] = await Promise.all([onA.post(request), onB.post(request)]);
    expect(first.messages[0]).toContain('ZIP code or the date of birth');
    expect(second).toEqual(first);
    // Twilio again, later, to the other instance.
    expect(await onB.post(request)).toEqual(first);
    const state = await b.app.engine.peek('sms:+15550100001');
    expect(state?.transcript.filter((t) => t.from === 'customer').map((t) => t.text)).toEqual(["what's my balance?"]);
    // The next message (a new MessageSid) runs, on either instance.
    const told = await onB.post(onA.request('94110'));
    expect(told.messages.join('\n')).toContain('Your balance is $145.00');
  });

  it('gives a number whose messages reach both instances one message rate, not one each', async () => {
    const [onA, onB] = [textingPhone({ baseUrl: a.url }, '+15550100002'), textingPhone({ baseUrl: b.url }, '+15550100002')];
    // Each message a new MessageSid (one sequence for both), so none is a repeat of another.
    const answered = async (phone: typeof onA) => (await phone.post(onA.request('what are your opening hours'))).messages.length > 0;
    expect([await answered(onA), await answered(onB), await answered(onA)]).toEqual([true, true, true]);
    // Over the budget: no answer, on either instance.
    expect([await answered(onB), await answered(onA)]).toEqual([false, false]);
    for (const app of [a, b]) app.advance(10_000);
    expect([await answered(onB), await answered(onA)]).toEqual([true, false]);
  });

  it("sends an agent's reply through the instance the agent's desk is on, not only the one the number texted", async () => {
    await textingPhone({ baseUrl: a.url }, '+15550100003').text('hi');
    const agent = { kind: 'agent', name: 'Dana' } as const;
    expect(await b.app.outbound.send('sms:+15550100003', { text: 'Hello, this is Dana.', from: agent })).toBe('delivered');
    expect(b.sms.sent.filter((m) => m.to === '+15550100003').map((m) => m.body)).toEqual(['Dana: Hello, this is Dana.']);
    // Still never to a number that did not write, on either instance.
    expect(await b.app.outbound.send('sms:+15550199999', { text: 'spam', from: agent })).toBe('unknown_conversation');
  });
});
