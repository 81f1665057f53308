/**
 * The phone on two instances sharing one Redis: Twilio repeating a webhook
 * (the same signed request twice) runs the turn once whichever instances the
 * two deliveries reach, and both get the same TwiML; the call carries on
 * through either instance.
 */
import { sharedRedis, twoInstances } from '../support/instances';
import type { RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall, twilioPost } from '../support/twilio';

let a: RunningApp;
let b: RunningApp;
twoInstances(() => sharedRedis('voice'), { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL }, (x, y) => {
  [a, b] = [x, y];
});

const on = (app: RunningApp) => ({ baseUrl: app.url });

it('runs a request Twilio delivered to both instances once, and answers both with the same TwiML', async () => {
  const call = phoneCall(on(a), '+15550100001');
  await call.answer();
  await call.say('where is my order');
  const { path, params } = call.pressRequest('94110');
  const [first, second] = await Promise.all([twilioPost(on(a), path, params), twilioPost(on(b), path, params)]);
  expect(second.xml).toBe(first.xml);
  // Later, again, on the other instance: the stored answer, nothing runs.
  expect((await twilioPost(on(b), path, params)).xml).toBe(first.xml);
  const state = await b.app.engine.peek(`voice:${call.callSid}`);
  expect(state?.actions.filter((x) => x.startsWith('Told the customer order'))).toHaveLength(1);
  expect(state?.transcript.filter((t) => t.from === 'customer')).toHaveLength(2);
});
