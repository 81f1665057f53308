/**
 * A turn that takes too long (here: a slow CI system): the caller hears a
 * short line and is put through where the engine decides, inside Twilio's
 * 15 seconds; when the slow turn ends, the TaskRouter task of that call gets
 * the whole handoff (Twilio and the CI API mocked with nock).
 */
import nock from 'nock';
import type { Handoff } from '../../bot/engine/handoff-record';
import type { Profile } from '../../bot/domain/profile';
import { demoHarness, harness, makeProfile } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';

const CI = 'https://ci.example.test/api';
const ACCOUNT = 'AC00000000000000000000000000000000';
const WORKSPACE = 'WS00000000000000000000000000000000';
const WORKFLOW = 'WW00000000000000000000000000000000';
const TASKS = `/v1/Workspaces/${WORKSPACE}/Tasks`;
const caller = '+15550142424';
const profile = makeProfile({ id: 'C42', phones: [caller], scores: { value: 75, potential: 20, churnRisk: 0.1 } });

let app: RunningApp;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  app = await startApp({
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_URL,
    CI_API_URL: CI,
    // The CI system answers only after the deadline has put the caller through (the test releases it):
    // its own timeout must not run out first, however loaded the machine.
    CI_API_TIMEOUT_MS: '5000',
    VOICE_DEADLINE_MS: '500',
    TWILIO_ACCOUNT_SID: ACCOUNT,
    TWILIO_WORKSPACE_SID: WORKSPACE,
    TWILIO_WORKFLOW_SID: WORKFLOW,
  });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await app.close();
  nock.enableNetConnect();
});

const settled = async (scope: nock.Scope) => {
  while (!scope.isDone()) await new Promise((r) => setTimeout(r, 25));
};

it('puts the caller through where the engine decides, then gives the waiting task the summary', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  nock(CI)
    .get(`/customers/by-phone/${encodeURIComponent(caller)}`)
    .reply((_uri, _body, callback) => void released.then(() => callback(null, [200, profile])));
  const call = phoneCall({ baseUrl: app.url }, caller);
  const conversationId = `voice:${call.callSid}`;
  let updated: URLSearchParams | null = null;
  const taskRouter = nock('https://taskrouter.twilio.com')
    .get(TASKS)
    .query((q) => q.EvaluateTaskAttributes === `conversation_id == "${conversationId}"`)
    .reply(200, {
      tasks: [{ sid: 'WT00000000000000000000000000000001', attributes: JSON.stringify({ call_sid: call.callSid, conversation_id: conversationId, summary_pending: true }) }],
      meta: { key: 'tasks', page: 0, page_size: 1, next_page_url: null },
    })
    .post(`${TASKS}/WT00000000000000000000000000000001`, (body: Record<string, string>) => {
      updated = new URLSearchParams(body);
      return true;
    })
    .reply(200, { sid: 'WT00000000000000000000000000000001' });

  const out = await call.answer();
  release(); // the slow turn ends only now, after the deadline's answer, however long either took
  expect(out.heard).toBe('Let me put you through to someone who can help.');
  expect(out.enqueue?.attrs.workflowSid).toBe(WORKFLOW);
  // The engine's routing, not a queue and priority picked by the channel.
  expect(out.enqueue?.task?.attrs.priority).toBe('20');
  expect(out.enqueue?.task?.json).toMatchObject({ conversation_id: conversationId, queue: 'customer_care', priority: 20, summary_pending: true });

  await settled(taskRouter);
  const sent = updated as unknown as URLSearchParams;
  const attributes = JSON.parse(sent.get('Attributes')!) as Record<string, unknown>;
  expect(attributes).toMatchObject({ call_sid: call.callSid, conversation_id: conversationId, customer_id: 'C42', segment: 'gold', queue: 'customer_care' });
  expect(attributes.summary_pending).toBeUndefined();
  expect(attributes.reason).toBe('The bot did not answer within 500 ms');
  expect(sent.get('Priority')).toBe('60');
  expect((await app.app.queue.list()).find((q) => q.queue === 'customer_care')?.waiting.map((w) => w.conversationId)).toContain(conversationId);
});

it('routes by what the conversation is about, without waiting for the turn', async () => {
  const h = await demoHarness();
  const c = h.conversation({ channel: 'voice', identity: { kind: 'phone', value: '+15550100001' }, id: 'voice:late' });
  await c.say("what's my balance");
  const route = await h.engine.routeNow('voice:late', 'voice', 'late');
  expect(route).toMatchObject({ queue: 'billing', attributes: { intent: 'check_balance', queue: 'billing', conversation_id: 'voice:late' } });
});

it('a late turn that handed off itself gives the waiting contact its own handoff', async () => {
  let release: (p: Profile) => void = () => undefined;
  const slow = new Promise<Profile>((resolve) => (release = resolve));
  const updated: Handoff[] = [];
  const h = harness({
    profiles: { byPhone: () => slow, byCustomerId: async () => profile },
    handoffs: (queue) => ({ deliver: (x) => queue.deliver(x), update: async (x) => void updated.push(x) }),
  });
  const running = h.engine.turn({ conversationId: 'voice:slow', channel: 'voice', identity: { kind: 'phone', value: caller }, text: 'I want to cancel my contract' });
  const route = await h.engine.routeNow('voice:slow', 'voice', 'late');
  expect(route.queue).toBe('customer_care'); // nothing known yet
  const escalated = h.engine.escalate('voice:slow', 'voice', 'late', running);
  release(profile);
  await escalated;
  expect(updated.map((x) => [x.intent?.name, x.queue])).toEqual([['cancel_service', 'retention']]);
});
