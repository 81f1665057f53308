/**
 * Text messages: Twilio's incoming message webhook through the real routes,
 * signed exactly as Twilio signs it; every answer is TwiML for Messaging,
 * checked against test/fixtures/twiml-messaging.xsd.
 */
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, textingPhone } from '../support/twilio';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterAll(() => app.close());

const phone = (from: string) => textingPhone({ baseUrl: app.url }, from);

it('answers a text with a text: the number on file is found, verified, and the balance written, not spoken', async () => {
  const jane = phone('+15550100001');
  const asked = await jane.text("what's my balance?");
  expect(asked.status).toBe(200);
  expect(asked.messages).toHaveLength(1);
  expect(asked.messages[0]).toContain('ZIP code or the date of birth');
  const told = await jane.text('94110');
  expect(told.messages.join('\n')).toContain('Your balance is $145.00, due on Saturday, December 5.');
  expect(told.messages.join('\n')).not.toContain('dollars');
  const state = await app.app.engine.peek('sms:+15550100001');
  expect(state).toMatchObject({ channel: 'sms', customerId: 'C1001', verified: true });
});

it('offers choices as words to reply with, and takes the words back', async () => {
  const sam = phone('+15550100006');
  const which = await sam.text('bill');
  expect(which.messages[0]).toContain('Do you want to make a payment, dispute a charge or check your balance?');
  expect(which.messages[0]).toMatch(/\nReply Make a payment, Dispute a charge or Check your balance\.$/i);
  const picked = await sam.text('check your balance');
  expect(picked.messages[0]).toContain('ZIP code or the date of birth');
});

it('refuses a forged or unsigned message, and answers a message Twilio delivers twice only once', async () => {
  const someone = phone('+15550100002');
  const request = someone.request('hello');
  expect((await someone.post(request, null)).status).toBe(403);
  expect((await someone.post(request, 'forged')).status).toBe(403);
  expect(await app.app.engine.peek('sms:+15550100002')).toBeNull();
  const first = await someone.post(request);
  const again = await someone.post(request);
  expect(again).toEqual(first);
  const state = await app.app.engine.peek('sms:+15550100002');
  expect(state?.transcript.filter((t) => t.from === 'customer')).toHaveLength(1);
});

it('lets an agent write to a number that texted in, and to no other', async () => {
  await phone('+15550100004').text('hi');
  const sent = app.sms.sent.length;
  expect(await app.app.outbound.send('sms:+15550100004', { text: 'Hello, this is Dana.', from: { kind: 'agent', name: 'Dana' } })).toBe('delivered');
  expect(app.sms.sent.slice(sent)).toEqual([expect.objectContaining({ to: '+15550100004', body: 'Dana: Hello, this is Dana.' })]);
  expect(await app.app.outbound.send('sms:+15550199999', { text: 'spam', from: { kind: 'bot' } })).toBe('unknown_conversation');
  // The desk reports an agent typing; a text message cannot show it, so nothing is sent.
  const typed = app.sms.sent.length;
  expect(await app.app.outbound.send('sms:+15550100004', { text: '', from: { kind: 'agent', name: 'Dana' }, typing: true })).toBe('delivered');
  expect(app.sms.sent.length).toBe(typed);
});

it('stops answering a number that texts faster than the settings allow, until the clock says it may again', async () => {
  const limited = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL, MESSAGE_RATE_BURST: '2', MESSAGE_RATE_PER_MINUTE: '1' });
  try {
    const flood = textingPhone({ baseUrl: limited.url }, '+15550100005');
    expect((await flood.text('hello')).messages).toHaveLength(1);
    expect((await flood.text('hello')).messages).toHaveLength(1);
    expect(await flood.text('hello')).toEqual({ status: 200, messages: [] });
    limited.advance(60_000);
    expect((await flood.text('what are your opening hours')).messages).toHaveLength(1);
  } finally {
    await limited.close();
  }
});

it('hands a texter to a team in words for a text (no chat to keep open), and asks before a "bye" takes them out of the queue', async () => {
  const texter = phone('+15550100007');
  await texter.text('hi');
  const handed = (await texter.text('I want to talk to a person')).messages.join('\n');
  expect(handed).toContain("They'll text you back at this number as soon as someone is back.");
  expect(handed).not.toContain('chat');
  expect((await texter.text('ok thanks bye')).messages.join('\n')).toBe("Do you want to leave the queue? If you do, our Customer Care team won't be able to answer you here.\nReply Yes or No.");
  expect((await texter.text('yes')).messages.join('\n')).toContain("I've taken you out of the queue for our Customer Care team.");
  expect((await app.app.engine.peek('sms:+15550100007'))?.handedOff).toBeNull();
});
