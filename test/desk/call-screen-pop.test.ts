/**
 * Calls at the desk: a call put through to a person is found by its CallSid
 * and pops its card for the agent who takes it; with TaskRouter, the call's
 * task carries the same card once the summary is ready. Calls go through
 * the signed voice webhooks `npm start` serves, and the desk is the app's
 * (`app.desk`, on the store), with the call routes mounted on its web side.
 */
import nock from 'nock';
import type { DeskContact } from '../../bot/desk/desk';
import type { DeskRoutes } from '../../bot/desk/routes';
import type { Handoff } from '../../bot/engine/handoff-record';
import { makeProfile } from '../support/harness';
import { deskAgent } from '../support/desk-agent';
import { startApp, type RunningApp } from '../support/server';
import { AUTH_TOKEN, PUBLIC_URL, phoneCall } from '../support/twilio';

const CI = 'https://ci.example.test/api';
const WORKSPACE = 'WS00000000000000000000000000000000';
const TASKS = `/v1/Workspaces/${WORKSPACE}/Tasks`;

let running: RunningApp;
let routes: DeskRoutes;
const password = (id: string) => running.app.agents!.demoPasswords.find((a) => a.id === id)!.password;

beforeAll(async () => {
  running = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL, QUEUES_API: 'off' });
  routes = running.deskRoutes!;
}, 120_000);
afterAll(async () => {
  await running?.close();
});

/** A caller who asks to cancel is put through to retention: the handoff made a desk contact. */
async function cancellingCall(app: RunningApp): Promise<{ callSid: string; handoff: Handoff }> {
  const call = phoneCall({ baseUrl: app.url }, '+15550100003');
  await call.answer();
  expect((await call.say('I want to cancel my contract')).enqueue?.queue).toBe('retention');
  const state = await app.app.engine.peek(`voice:${call.callSid}`);
  const view = await app.app.queue.contact(state!.handedOff!.handoffId);
  return { callSid: call.callSid, handoff: view!.handoff };
}

it('the agent who takes a call gets its card, found by the CallSid', async () => {
  const { callSid, handoff } = await cancellingCall(running);
  const leo = deskAgent(running.url);
  expect((await leo.signIn('leo', password('leo'))).status).toBe(200);

  const peek = await leo.get(`/api/desk/calls/${callSid}`);
  expect(peek.status).toBe(200);
  const card = (await peek.json()) as DeskContact;
  expect(card).toMatchObject({ contactId: handoff.id, conversationId: `voice:${callSid}`, channel: 'voice', status: 'waiting', queue: 'retention' });
  expect(card.handoff).toMatchObject({ customer: { id: 'C1003' }, intent: { name: 'cancel_service' } });
  expect(card.handoff.summary.length).toBeGreaterThan(0);

  expect((await leo.post(`/api/desk/calls/${callSid}/take`, {}, null)).status).toBe(403);
  const taken = await leo.post(`/api/desk/calls/${callSid}/take`);
  expect(taken.status).toBe(200);
  expect(await taken.json()).toMatchObject({ contactId: handoff.id, status: 'with_agent', agent: { id: 'leo' } });
  // Popping again (a reload of the softphone) shows the same card.
  expect((await leo.post(`/api/desk/calls/${callSid}/take`)).status).toBe(200);

  const ruth = deskAgent(running.url);
  await ruth.signIn('ruth', password('ruth'));
  expect(await (await ruth.post(`/api/desk/calls/${callSid}/take`)).json()).toMatchObject({ code: 'NotYours' });
  const dana = deskAgent(running.url);
  await dana.signIn('dana', password('dana'));
  expect((await dana.get(`/api/desk/calls/${callSid}`)).status).toBe(404);
  expect((await leo.get(`/api/desk/calls/CA${'0'.repeat(32)}`)).status).toBe(404);
  expect((await fetch(`${running.url}/api/desk/calls/${callSid}`)).status).toBe(401);
});

describe('with TaskRouter', () => {
  const caller = '+15550142424';
  const profile = makeProfile({ id: 'C42', firstName: 'Ada', lastName: 'Quinn', phones: [caller], scores: { value: 75, potential: 20, churnRisk: 0.1 } });
  let slow: RunningApp;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    slow = await startApp({
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_URL,
      CI_API_URL: CI,
      VOICE_DEADLINE_MS: '500',
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
      TWILIO_WORKSPACE_SID: WORKSPACE,
      TWILIO_WORKFLOW_SID: 'WW00000000000000000000000000000000',
    });
  });
  afterAll(async () => {
    await slow.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("a call put through before its summary was ready: the task's attributes get the card, the desk's contact key included", async () => {
    nock(CI).get(`/customers/by-phone/${encodeURIComponent(caller)}`).delay(1500).reply(200, profile);
    const call = phoneCall({ baseUrl: slow.url }, caller);
    const conversationId = `voice:${call.callSid}`;
    let attributes: Record<string, unknown> | null = null;
    const taskRouter = nock('https://taskrouter.twilio.com')
      .get(TASKS)
      .query(true)
      .reply(200, {
        tasks: [{ sid: 'WT00000000000000000000000000000001', attributes: JSON.stringify({ call_sid: call.callSid, conversation_id: conversationId, summary_pending: true }) }],
        meta: { key: 'tasks', page: 0, page_size: 1, next_page_url: null },
      })
      .post(`${TASKS}/WT00000000000000000000000000000001`, (body: Record<string, string>) => {
        attributes = JSON.parse(new URLSearchParams(body).get('Attributes')!) as Record<string, unknown>;
        return true;
      })
      .reply(200, { sid: 'WT00000000000000000000000000000001' });

    const out = await call.answer();
    expect(out.enqueue?.task?.json).toMatchObject({ conversation_id: conversationId, summary_pending: true });
    while (!taskRouter.isDone()) await new Promise((r) => setTimeout(r, 25));

    const state = await slow.app.engine.peek(conversationId);
    const handoff = (await slow.app.queue.contact(state!.handedOff!.handoffId))!.handoff;
    expect(attributes).toMatchObject({
      call_sid: call.callSid,
      contact_id: handoff.id,
      conversation_id: conversationId,
      customer_id: 'C42',
      customer_name: 'Ada Quinn',
      segment: handoff.customer.segment,
      strategy: handoff.customer.strategy,
      intensity: handoff.customer.intensity,
      verified: handoff.customer.verified,
      queue: handoff.queue,
      priority: handoff.priority,
      reason: handoff.reason,
      customer_words: handoff.words,
      bot_actions: handoff.botActions,
      summary: handoff.summary.map((s) => ({ title: s.title, lines: s.lines })),
      next_best_actions: handoff.nextBestActions.map((a) => ({ kind: a.kind, offer: a.offer, prompt: a.prompt })),
    });
    expect(attributes!.summary_pending).toBeUndefined();
    expect(attributes).not.toHaveProperty('transcript');
  });
});
