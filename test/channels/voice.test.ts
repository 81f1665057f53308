/**
 * The phone IVR over Twilio Voice, with requests signed exactly as Twilio
 * signs them; every TwiML answer is checked against test/fixtures/twiml.xsd.
 */
import { sign } from '../../bot/channels/voice/signature';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall, twilioPost } from '../support/twilio';

const voiceEnv = { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL };
let app: RunningApp;
let withTaskRouter: RunningApp;
let withDial: RunningApp;
beforeAll(async () => {
  app = await startApp(voiceEnv);
  withTaskRouter = await startApp({
    ...voiceEnv,
    TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
    TWILIO_WORKSPACE_SID: 'WS00000000000000000000000000000000',
    TWILIO_WORKFLOW_SID: 'WW0123456789abcdef0123456789abcdef',
  });
  withDial = await startApp({ ...voiceEnv, VOICE_AGENT_NUMBER: '+15550001111' });
});
afterAll(async () => {
  await Promise.all([app, withTaskRouter, withDial].map((a) => a.close()));
});

const on = (a: RunningApp) => ({ baseUrl: a.url });

describe('a call', () => {
  it('greets and listens for speech and keypad together', async () => {
    const call = phoneCall(on(app), '+15550100001');
    const first = await call.answer();
    expect(first.heard).toMatch(/^Hi, I'm the Brightwave Assistant/);
    expect(first.gather).toMatchObject({ input: 'dtmf speech', speechTimeout: 'auto', actionOnEmptyResult: 'true', language: 'en-US', method: 'POST' });
    expect(first.gather?.action).toBe(`${PUBLIC_URL}/api/voice/gather?turn=1`);
    expect(first.gather?.hints).toContain('pay my bill');
  });

  it('a verified caller hears the balance, as a person would say it', async () => {
    const call = phoneCall(on(app), '+15550100001');
    await call.answer();
    const ask = await call.say("what's my balance");
    expect(ask.heard).toContain('enter the 5 digit ZIP code');
    expect(ask.heard).not.toContain('145');
    const told = await call.press('94110');
    expect(told.heard).toContain('Your balance is 145 dollars, due on Saturday, December 5th.');
    expect(told.heard).toContain('Your last payment was 145 dollars on Wednesday, October 28th.');
  });

  it('tracks an order by speech: choices read out, the order spelled, the link kept in the demo outbox and the caller told so', async () => {
    const call = phoneCall(on(app), '+15550100011');
    await call.answer();
    await call.say('where is my order');
    const which = await call.press('94103');
    expect(which.heard).toContain('Which one would you like to track? Say eSIM activation kit or press 1, or say Samsung Galaxy S25 or press 2.');
    expect(which.gather?.numDigits).toBe('1');
    const told = await call.say('the Samsung one');
    expect(told.heard).toContain('Your Samsung Galaxy S25, order number B W 5 5 0 0 0 2, is processing');
    expect(told.heard).toContain('expected on Saturday, November 28th');
    // No SMS sender configured: the caller is told the truth, before "anything else?".
    expect(told.heard).toContain('This is a demo, so no text message really goes out: the link is waiting in the demo outbox. Is there anything else');
    expect(told.heard).not.toContain("I've sent you a text");
    expect(told.heard).not.toMatch(/https?:|<|\*/);
    expect(app.sms.sent.at(-1)).toEqual(expect.objectContaining({ to: '+15550100011', body: 'Track your parcel: https://track.example.com/ups/1Z999AA10123450002' }));
  });

  it('accepts the date of birth on the keypad', async () => {
    const call = phoneCall(on(app), '+15550100003');
    await call.answer();
    await call.say('how much do I owe');
    expect((await call.press('07041990')).heard).toContain('Your balance is 80 dollars');
  });
});

describe('handoff', () => {
  it('a cancel is enqueued to TaskRouter with a Task whose JSON carries the summary', async () => {
    const call = phoneCall(on(withTaskRouter), '+15550100003');
    await call.answer();
    const out = await call.say('I want to cancel my contract');
    expect(out.heard).toContain('Let me put you through to our Customer Loyalty team.');
    expect(out.enqueue?.attrs.workflowSid).toBe('WW0123456789abcdef0123456789abcdef');
    expect(out.enqueue?.task?.attrs).toEqual({ priority: '88', timeout: '600' });
    const task = out.enqueue!.task!.json;
    expect(task).toMatchObject({ queue: 'retention', segment: 'gold', intent: 'cancel_service', priority: 88, verified: false, customer_id: 'C1003', channel: 'voice' });
    expect(JSON.stringify(task.summary)).toContain('81% (high)');
    expect(JSON.stringify(task.next_best_actions)).toContain('Unlimited Plus at no extra cost for 6 months');
    // The embedded queue lists the call too.
    expect((await withTaskRouter.app.queue.list()).find((q) => q.queue === 'retention')?.waiting.some((h) => h.conversationId === `voice:${call.callSid}`)).toBe(true);
  });

  it('without TaskRouter: enqueued by queue name, or dialled to the configured number', async () => {
    const named = phoneCall(on(app), '+15550100007');
    await named.answer();
    expect((await named.say('I want to make a complaint')).enqueue?.queue).toBe('customer_care');
    const dialled = phoneCall(on(withDial), '+15550100007');
    await dialled.answer();
    expect((await dialled.press('0')).dial).toBe('+15550001111');
  });

  it('silence twice reaches an agent, after a re-prompt in other words', async () => {
    const call = phoneCall(on(app), '+15550100004');
    await call.answer();
    const first = await call.silence();
    expect(first.heard).toBe("Sorry, I didn't hear anything. What can I help you with? You can say things like: my balance, where's my order, or agent.");
    expect(first.gather).not.toBeNull();
    const second = await call.silence();
    expect(second.enqueue?.queue).toBe('customer_care');
    expect(second.gather).toBeNull();
  });

  it('speech too unclear to use is asked again, not guessed', async () => {
    const call = phoneCall(on(app), '+15550100004');
    await call.answer();
    const out = await call.say('cancel my contract', '0.12');
    expect(out.enqueue).toBeNull();
    expect(out.heard).toContain("Sorry, I didn't quite catch that.");
  });

  it('"agent" and 0 always reach a person', async () => {
    const spoken = phoneCall(on(app), '+15550100004');
    await spoken.answer();
    await spoken.say('I moved house and need to change my address');
    expect((await spoken.say('agent')).enqueue).not.toBeNull();
    const keyed = phoneCall(on(app), '+15559999999');
    await keyed.answer();
    await keyed.say('what is my balance');
    expect((await keyed.press('0')).enqueue?.queue).toBe('billing'); // the queue of the topic: the balance
  });
});

describe('robust under Twilio\'s behaviour', () => {
  it('answers 403 to a forged or missing signature and changes nothing', async () => {
    const call = phoneCall(on(app), '+15550100001');
    await call.answer();
    const params = call.pressRequest('0');
    const forged = await twilioPost(on(app), params.path, params.params, 'bm90IGEgc2lnbmF0dXJl');
    expect(forged.status).toBe(403);
    const unsigned = await twilioPost(on(app), params.path, params.params, null);
    expect(unsigned.status).toBe(403);
    const wrongUrl = await twilioPost({ ...on(app), publicUrl: 'https://attacker.example' }, params.path, params.params);
    expect(wrongUrl.status).toBe(403);
    const state = await app.app.engine.peek(`voice:${call.callSid}`);
    expect(state?.handedOff).toBeNull();
    expect(state?.transcript.filter((t) => t.from === 'customer')).toEqual([]);
  });

  it('the same request delivered twice answers the same TwiML and runs once', async () => {
    const call = phoneCall(on(app), '+15550100001');
    await call.answer();
    await call.say('where is my order');
    const { path, params } = call.pressRequest('94110');
    const [a, b] = await Promise.all([twilioPost(on(app), path, params), twilioPost(on(app), path, params)]);
    const c = await twilioPost(on(app), path, params);
    expect(b.xml).toBe(a.xml);
    expect(c.xml).toBe(a.xml);
    const state = await app.app.engine.peek(`voice:${call.callSid}`);
    expect(state?.transcript.filter((t) => t.from === 'customer')).toHaveLength(2);
    expect(state?.actions.filter((x) => x.startsWith('Told the customer order'))).toHaveLength(1);
  });

  it('a replay of a genuine request with a forged signature gets 403, never the cached answer', async () => {
    const call = phoneCall(on(app), '+15550100001');
    await call.answer();
    await call.say('where is my order');
    const genuine = call.pressRequest('94110');
    const answered = await twilioPost(on(app), genuine.path, genuine.params);
    expect(answered.status).toBe(200);
    const signatureOf = (path: string, params: Record<string, string>) => sign(AUTH_TOKEN, `${PUBLIC_URL}${path}`, params);
    // The same body under the signature of another request of this call.
    const other = call.pressRequest('94111');
    const replayed = await twilioPost(on(app), genuine.path, genuine.params, signatureOf(other.path, other.params));
    // The genuine signature over a body with one parameter changed.
    const modified = await twilioPost(on(app), genuine.path, { ...genuine.params, From: '+15550100002' }, signatureOf(genuine.path, genuine.params));
    for (const forged of [replayed, modified]) {
      expect(forged.status).toBe(403);
      expect(forged.xml).not.toContain('<Response>');
    }
    const state = await app.app.engine.peek(`voice:${call.callSid}`);
    expect(state?.transcript.filter((t) => t.from === 'customer')).toHaveLength(2);
  });

  it('the same key pressed at two different prompts counts twice', async () => {
    const call = phoneCall(on(app), '+15550100004');
    await call.answer();
    await call.say('I need to update my address');
    await call.press('94704');
    await call.say('12 Main Street');
    await call.say('Berkeley');
    await call.press('94705');
    const first = await call.press('2'); // "no" to the read-back
    expect(first.heard).toContain("OK, I haven't changed anything.");
  });

  it('records how a call ended', async () => {
    const handed = phoneCall(on(app), '+15550100007');
    await handed.answer();
    await handed.press('0');
    await handed.hangUp();
    const quiet = phoneCall(on(app), '+15550100007');
    await quiet.answer();
    await quiet.hangUp();
    const done = phoneCall(on(app), '+15550100007');
    await done.answer();
    await done.say('what are your opening hours');
    await done.hangUp();
    const outcome = (sid: string) => app.voice.calls.find((c) => c.callSid === sid)?.outcome;
    expect(outcome(handed.callSid)).toBe('handed_off');
    expect(outcome(quiet.callSid)).toBe('hung_up');
    expect(outcome(done.callSid)).toBe('completed_in_bot');
  });
});
