/**
 * A payment link on the phone really goes by text message (Twilio's Messages
 * API, mocked with nock), and the caller hears that it went only when it
 * did. In production, start-up refuses settings that would fake it.
 */
import nock from 'nock';
import { compose } from '../../bot/compose';
import { ConfigError, readConfig } from '../../bot/config';
import { silentLogger } from '../../bot/log';
import { demoBrain, root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';

const ACCOUNT = 'AC11111111111111111111111111111111';
const FROM = '+15550008888';
const messages = () => nock('https://api.twilio.com').post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);

let app: RunningApp;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_SMS_FROM: FROM });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await app.close();
  nock.enableNetConnect();
});

async function payByPhone(): Promise<string> {
  const call = phoneCall({ baseUrl: app.url }, '+15550100001');
  await call.answer();
  await call.say('I want to pay my bill');
  return (await call.press('94110')).heard;
}

describe('a payment link on the phone', () => {
  it('is sent once through the Messages API, and the caller hears so before "anything else?"', async () => {
    const sent: Record<string, string>[] = [];
    const scope = messages()
      .basicAuth({ user: ACCOUNT, pass: AUTH_TOKEN })
      .reply(201, (_uri, body) => {
        sent.push(Object.fromEntries(new URLSearchParams(body as string)));
        return { sid: 'SM00000000000000000000000000000001', status: 'queued' };
      });
    const heard = await payByPhone();
    scope.done();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ To: '+15550100001', From: FROM });
    expect(sent[0]!.Body).toMatch(/^Pay securely: https:\/\/pay\.brightwave\.example\/p\/\S+$/);
    expect(heard).toContain(
      "I have a secure payment link for 145 dollars for you. I've sent you a text message with the link. For your security, please never read card numbers out on a call.",
    );
    expect(heard.indexOf("I've sent you a text")).toBeLessThan(heard.indexOf('anything else'));
    expect(app.sms.sent).toEqual([]); // the demo outbox was not used
  });

  it('is not claimed when Twilio refuses it', async () => {
    const scope = messages().reply(400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 });
    const heard = await payByPhone();
    scope.done();
    expect(heard).not.toContain("I've sent you a text");
    expect(heard).toContain("I couldn't send you the link by text message just now.");
  });
});

describe('production start-up', () => {
  const prod = {
    NODE_ENV: 'production',
    DIRECTLINE_SECRET: 'x'.repeat(40),
    BOTFRAMEWORK_CHANNEL: 'off',
    CI_API_URL: 'https://ci.example.test/api',
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_URL,
  };

  it('refuses a phone line whose dialogs send links without an SMS sender', async () => {
    const config = readConfig(prod, root);
    await expect(compose(config, silentLogger, { brain: demoBrain() })).rejects.toThrow(ConfigError);
    await expect(compose(config, silentLogger, { brain: demoBrain() })).rejects.toThrow(/^TWILIO_SMS_FROM: required in production, because the dialogs .*make_payment/);
    const withSms = readConfig({ ...prod, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_SMS_FROM: FROM }, root);
    await expect(compose(withSms, silentLogger, { brain: demoBrain() })).resolves.toBeDefined();
  });

  it('refuses demo customers standing in for a missing CI_API_URL', () => {
    expect(() => readConfig({ ...prod, CI_API_URL: '' }, root)).toThrow(/^CI_API_URL: required in production/);
  });

  it('refuses half-configured TaskRouter or SMS, naming what is missing', () => {
    expect(() => readConfig({ TWILIO_WORKFLOW_SID: 'WW0' }, root, 'demo')).toThrow(
      /^TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WORKSPACE_SID: TaskRouter needs/,
    );
    expect(() => readConfig({ TWILIO_SMS_FROM: FROM, TWILIO_AUTH_TOKEN: 't' }, root, 'demo')).toThrow(/^TWILIO_ACCOUNT_SID: Text messages needs/);
    const full = readConfig({ TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 't', TWILIO_WORKSPACE_SID: 'WS0', TWILIO_WORKFLOW_SID: 'WW0' }, root, 'demo');
    expect(full.taskRouter).toMatchObject({ workspaceSid: 'WS0', workflowSid: 'WW0' });
    expect(full.sms).toBeNull();
  });
});
