/**
 * Outbound calls that are slow or hang (Twilio mocked with nock): a chat's
 * TaskRouter task is created after the customer's turn, from the store's
 * outbox, so a TaskRouter that takes its time holds neither the customer's
 * answer nor the conversation, and a hanging request is given up on and
 * tried again; a text message is sent after the turn, and must not hang
 * forever in the background either. Without the timeouts these tests wait
 * for Twilio's 30 s default and fail on Jest's limit.
 */
import nock from 'nock';
import { TASKROUTER_TOPIC } from '../../integrations/handoff/taskrouter';
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

describe('a web chat handoff while TaskRouter is slow or hangs', () => {
  let app: RunningApp;
  /** The bot with TaskRouter given up on after `timeoutMs`. */
  const start = async (timeoutMs: number) => {
    app = await startApp({
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: 'tok',
      TWILIO_WORKSPACE_SID: WORKSPACE,
      TWILIO_WORKFLOW_SID: 'WW00000000000000000000000000000000',
      TWILIO_API_TIMEOUT_MS: String(timeoutMs),
    });
  };
  afterEach(() => app.close());

  it('puts the customer in the queue and answers at once while the task is on its way; the lock is free meanwhile', async () => {
    const events: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let attributes: Record<string, unknown> = {};
    const tasks = nock('https://taskrouter.twilio.com')
      .post(`/v1/Workspaces/${WORKSPACE}/Tasks`)
      .reply((_uri, body, callback) => {
        events.push('task requested');
        attributes = JSON.parse(new URLSearchParams(body as string).get('Attributes') ?? '{}') as Record<string, unknown>;
        // TaskRouter answers only when the test says so (a slow one: seconds).
        void released.then(() => {
          events.push('task created');
          callback(null, [201, { sid: 'WT1', attributes: '{}' }]);
        });
      });
    // A slow TaskRouter, not a hanging one: two turns on a busy machine must not outlast the timeout.
    await start(10_000);
    const chat = await chatSession(app, 'C1003');
    await chat.start();
    const out = await chat.say('I was charged twice on my bill');
    events.push('customer answered');
    expect(out.handedOff).toBe(true);
    expect(out.lines.join(' ')).toMatch(/Billing/);
    const waiting = (await app.app.queue.list()).find((q) => q.queue === 'billing')!.waiting;
    expect(waiting.map((w) => w.conversationId)).toEqual([`directline:${chat.id}`]);
    // Another turn of the same conversation: it would wait for the lock if the task were created inside the turn.
    expect((await chat.say('are you still there?')).lines.join(' ')).toMatch(/Billing team will see it/);
    events.push('next turn answered');
    release();
    await app.app.taskRouter!.flush();
    expect(events).toEqual(['task requested', 'customer answered', 'next turn answered', 'task created']);
    tasks.done();
    expect(attributes).toMatchObject({ queue: 'billing', customer_id: 'C1003', handoff_id: waiting[0]!.id });
    expect(await app.app.store.outbox.size(TASKROUTER_TOPIC)).toBe(0);
  });

  it('gives up on a hanging request and tries again later, the customer waiting in the desk queue meanwhile', async () => {
    await start(500);
    const hanging = nock('https://taskrouter.twilio.com').post(`/v1/Workspaces/${WORKSPACE}/Tasks`).delay(HANG).reply(201, { sid: 'WT1' });
    const chat = await chatSession(app, 'C1003');
    await chat.start();
    expect((await chat.say('I was charged twice on my bill')).handedOff).toBe(true);
    await app.app.taskRouter!.flush(); // ends: the request timed out (TWILIO_API_TIMEOUT_MS)
    expect(hanging.isDone()).toBe(true);
    expect(await app.app.store.outbox.size(TASKROUTER_TOPIC)).toBe(1);
    const again = nock('https://taskrouter.twilio.com')
      .get(`/v1/Workspaces/${WORKSPACE}/Tasks`)
      .query(true)
      .reply(200, { tasks: [], meta: { key: 'tasks', page: 0, page_size: 1, next_page_url: null } })
      .post(`/v1/Workspaces/${WORKSPACE}/Tasks`)
      .reply(201, { sid: 'WT2' });
    app.advance(2000);
    await app.app.taskRouter!.flush();
    again.done();
    expect(await app.app.store.outbox.size(TASKROUTER_TOPIC)).toBe(0);
  });
});

describe('a text message while the Messages API hangs', () => {
  it('is given up on, so a send waiting in the background ends', async () => {
    nock('https://api.twilio.com').post(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`).delay(HANG).reply(201, { sid: 'SM1' });
    const sms = new TwilioSms({ accountSid: ACCOUNT, authToken: 'tok', from: '+15550008888', requestTimeoutMs: 300 });
    await expect(sms.send('+15550100001', 'Pay securely: https://pay.example/p/1')).rejects.toThrow(/timeout/i);
  });
});
