/**
 * The demo outage is happening whenever someone tries the demo: at 8:05pm in
 * California (04:05 UTC) Maya, at ZIP 94110, hears of it on chat and on the
 * phone, and is not queued for technical support. Through Direct Line and
 * signed Twilio webhooks into the app `npm start` composes.
 */
import { chatSession, phoneSession } from '../support/sessions';
import { startApp, type RunningApp } from '../support/server';
import { TODAY } from '../support/harness';
import { AUTH_TOKEN, PUBLIC_URL } from '../support/twilio';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
  // The evening before the test day, when the outage used to be over.
  app.advance(Date.parse('2026-11-24T04:05:00Z') - TODAY.getTime());
});
afterAll(() => app.close());

describe('the demo outage at any time of day', () => {
  it('a signed-in customer at the outage ZIP hears of it in the evening, with a fix time', async () => {
    const chat = await chatSession(app, 'C1001');
    await chat.start();
    const said = await chat.say('is there an outage in my area');
    expect(said.lines.join('\n')).toContain("there's a known broadband outage in your area");
    expect(said.lines.join('\n')).toContain('fixed by Tuesday, November 24 at 6:00 AM');
    expect(said.handedOff).toBe(false);
  });

  it('a caller who keys in the ZIP hears of it too', async () => {
    const call = phoneSession(app, '+15550100001');
    await call.start();
    await call.say('is there an outage in my area');
    const heard = await call.press('94110');
    expect(heard.lines.join('\n')).toContain("there's a known broadband outage in your area");
    expect(heard.lines.join('\n')).not.toContain("can't see any known outage");
    expect(heard.handedOff).toBe(false);
    call.check();
  });
});
