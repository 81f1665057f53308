/** Chat handoffs as TaskRouter tasks over the REST API (Twilio mocked with nock). */
import nock from 'nock';
import { MirroredTarget, TaskNotFoundError, TaskRouterTarget } from '../../integrations/handoff/taskrouter';
import { demoHarness, signedIn } from '../support/harness';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const opts = {
  accountSid: 'AC00000000000000000000000000000000',
  authToken: 'tok',
  workspaceSid: 'WS00000000000000000000000000000000',
  workflowSid: 'WW00000000000000000000000000000000',
  timeoutSeconds: 600,
};

it('creates a task whose attributes carry the handoff, and the embedded queue still lists it', async () => {
  let form: URLSearchParams | null = null;
  const scope = nock('https://taskrouter.twilio.com')
    .post(`/v1/Workspaces/${opts.workspaceSid}/Tasks`, (body: Record<string, string>) => {
      form = new URLSearchParams(body);
      return true;
    })
    .basicAuth({ user: opts.accountSid, pass: opts.authToken })
    .reply(201, { sid: 'WT00000000000000000000000000000001', attributes: '{}' }, { 'Content-Type': 'application/json' });
  const h = await demoHarness({ handoffs: (queue) => new MirroredTarget(new TaskRouterTarget(opts), queue) });
  const c = h.conversation({ identity: signedIn('C1003'), id: 'tr-1' });
  const out = await c.say('I was charged twice on my bill');
  scope.done();
  expect(form).not.toBeNull();
  const f = form as unknown as URLSearchParams;
  expect(f.get('WorkflowSid')).toBe(opts.workflowSid);
  expect(f.get('Priority')).toBe('70');
  expect(f.get('TaskChannel')).toBe('chat');
  const attributes = JSON.parse(f.get('Attributes')!);
  expect(attributes).toMatchObject({ queue: 'billing', segment: 'gold', intent: 'billing_dispute', customer_id: 'C1003' });
  expect(attributes.summary.map((s: { title: string }) => s.title)).toEqual(['Recent invoices', 'Last payment', 'Balance', 'Recent contacts']);
  expect(out.handoff?.receipt.queue).toBe('billing');
  expect(h.queue.list().find((q) => q.queue === 'billing')?.waiting.map((w) => w.conversationId)).toContain('tr-1');
});

it('does not create tasks for calls: TwiML enqueues those', async () => {
  const target = new TaskRouterTarget(opts);
  const receipt = await target.deliver({ channel: 'voice', queue: 'billing' } as never);
  expect(receipt).toEqual({ queue: 'billing' });
});

it('says so when the call it should update has no waiting task', async () => {
  const scope = nock('https://taskrouter.twilio.com')
    .get(`/v1/Workspaces/${opts.workspaceSid}/Tasks`)
    .query(true)
    .times(2)
    .reply(200, { tasks: [], meta: { key: 'tasks', page: 0, page_size: 1, next_page_url: null } });
  const target = new TaskRouterTarget({ ...opts, findTries: 2, findDelayMs: 0 });
  await expect(target.update({ channel: 'voice', conversationId: 'voice:CA1', queue: 'billing' } as never)).rejects.toThrow(TaskNotFoundError);
  scope.done();
});
