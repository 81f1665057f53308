/**
 * Outbound calls that hang (Twilio mocked with nock `.delay()`): a chat's
 * TaskRouter task is created inside the customer's turn, so a hanging
 * TaskRouter must not hang the chat; a text message is sent after the turn,
 * and must not hang forever in the background either. Without the timeouts
 * these tests wait for Twilio's 30 s default and fail on Jest's 5 s limit.
 */
import nock from 'nock';
import { TwilioSms } from '../../integrations/sms/twilio-sms';
import { demoBrain } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { chatSession } from '../support/sessions';

const ACCOUNT = 'AC00000000000000000000000000000000';
const WORKSPACE = 'WS00000000000000000000000000000000';
const HANG = 60_000;

beforeAll(() => {
  demoBrain(); // trained before the tests, so their time is the requests'
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1'); // the app itself
}, 120_000);
afterEach(() => nock.abortPendingRequests());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());
jest.setTimeout(15_000);

describe('a web chat handoff while TaskRouter hangs', () => {
  let app: RunningApp;
  beforeEach(async () => {
    app = await startApp({
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: 'tok',
      TWILIO_WORKSPACE_SID: WORKSPACE,
      TWILIO_WORKFLOW_SID: 'WW00000000000000000000000000000000',
      TWILIO_API_TIMEOUT_MS: '500',
    });
  });
  afterEach(() => app.close());

  it('tells the customer the team cannot be reached, and the conversation goes on', async () => {
    const tasks = nock('https://taskrouter.twilio.com').post(`/v1/Workspaces/${WORKSPACE}/Tasks`).delay(HANG).reply(201, { sid: 'WT1' });
    const chat = await chatSession(app, 'C1001');
    await chat.start();
    const out = await chat.say('I want to talk to a person');
    expect(tasks.isDone()).toBe(true); // it was asked, and given up on
    expect(out.handedOff).toBe(false);
    expect(out.lines.join(' ')).toMatch(/can't reach our team right now/);
    // The conversation is not left locked behind the hanging request.
    expect((await chat.say('when is the San Jose store open?')).lines.join(' ')).toMatch(/San Jose store is/);
  });
});

describe('a text message while the Messages API hangs', () => {
  it('is given up on, so a send waiting in the background ends', async () => {
    nock('https://api.twilio.com').post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`).delay(HANG).reply(201, { sid: 'SM1' });
    const sms = new TwilioSms({ accountSid: ACCOUNT, authToken: 'tok', from: '+15550008888', requestTimeoutMs: 300 });
    await expect(sms.send('+15550100001', 'Pay securely: https://pay.example/p/1')).rejects.toThrow(/timeout/i);
  });
});
