/**
 * Chat handoffs as TaskRouter tasks over the REST API (Twilio mocked with
 * nock), created from the store's outbox after the turn: retried when a
 * create fails, and created once when two instances send.
 */
import nock from 'nock';
import { silentLogger } from '../../bot/log';
import { MirroredTarget, TASKROUTER_TOPIC, TaskNotFoundError, TaskRouterTarget, type TaskRouterOptions } from '../../integrations/handoff/taskrouter';
import { MemoryOutbox } from '../../integrations/state/memory-outbox';
import { demoHarness, fixedClock, signedIn } from '../support/harness';
import { backends, makeHandoff, T0 } from '../support/store-backends';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const opts: TaskRouterOptions = {
  accountSid: 'AC00000000000000000000000000000000',
  authToken: 'tok',
  workspaceSid: 'WS00000000000000000000000000000000',
  workflowSid: 'WW00000000000000000000000000000000',
  timeoutSeconds: 600,
  outbox: new MemoryOutbox(),
  clock: fixedClock,
  log: silentLogger,
};
const TASKS = `/v1/Workspaces/${opts.workspaceSid}/Tasks`;
const created = (sid: string) => [201, { sid, attributes: '{}' }, { 'Content-Type': 'application/json' }] as const;

it('creates a task whose attributes carry the handoff, and the embedded queue still lists it', async () => {
  let form: URLSearchParams | null = null;
  const scope = nock('https://taskrouter.twilio.com')
    .post(`/v1/Workspaces/${opts.workspaceSid}/Tasks`, (body: Record<string, string>) => {
      form = new URLSearchParams(body);
      return true;
    })
    .basicAuth({ user: opts.accountSid, pass: opts.authToken })
    .reply(201, { sid: 'WT00000000000000000000000000000001', attributes: '{}' }, { 'Content-Type': 'application/json' });
  const target = new TaskRouterTarget({ ...opts, outbox: new MemoryOutbox() });
  const h = await demoHarness({ handoffs: (queue) => new MirroredTarget(target, queue) });
  const c = h.conversation({ identity: signedIn('C1003'), id: 'tr-1' });
  const out = await c.say('I was charged twice on my bill');
  await target.flush();
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

it('tries a failed create again later, first looking for the task by its handoff id', async () => {
  let now = T0;
  const outbox = new MemoryOutbox();
  const target = new TaskRouterTarget({ ...opts, outbox, clock: { now: () => new Date(now) }, retryBaseMs: 2000 });
  const failing = nock('https://taskrouter.twilio.com').post(TASKS).reply(503, { code: 20003, message: 'Service Unavailable' });
  await target.deliver(makeHandoff('h-retry', { channel: 'chat' }));
  await target.flush();
  failing.done();
  expect(await outbox.size(TASKROUTER_TOPIC)).toBe(1);
  await target.flush(); // not due yet: no request (nock would refuse one)
  now += 2000;
  let looked: string | null = null;
  const second = nock('https://taskrouter.twilio.com')
    .get(TASKS)
    .query((q) => ((looked = String(q.EvaluateTaskAttributes)), true))
    .reply(200, { tasks: [], meta: { key: 'tasks', page: 0, page_size: 1, next_page_url: null } })
    .post(TASKS)
    .reply(...created('WT2'));
  await target.flush();
  second.done();
  expect(looked).toBe('handoff_id == "h-retry"');
  expect(await outbox.size(TASKROUTER_TOPIC)).toBe(0);
});

describe.each(backends().filter((b) => b.durable).map((b) => [b.name, b] as const))('two instances on one %s store', (_name, backend) => {
  afterEach(() => backend.cleanup());

  it('create a waiting task once, whichever sends', async () => {
    const store = backend.open();
    const [a, b] = [store, backend.reopen()].map((s) => new TaskRouterTarget({ ...opts, outbox: s.outbox, clock: { now: () => new Date(T0) } }));
    let posts = 0;
    let arrived!: () => void;
    const postArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    nock('https://taskrouter.twilio.com')
      // While A's create is on its way, TaskRouter has no such task yet.
      .get(TASKS)
      .query(true)
      .optionally()
      .reply(200, { tasks: [], meta: { key: 'tasks', page: 0, page_size: 1, next_page_url: null } })
      .post(TASKS)
      .times(2)
      .reply((_uri, _body, callback) => {
        posts++;
        arrived();
        void released.then(() => callback(null, [...created('WT3')]));
      });
    await a!.deliver(makeHandoff('h-once', { channel: 'chat' })); // A starts sending at once
    await postArrived;
    await b!.flush();
    await b!.flush();
    release();
    await a!.flush();
    expect(posts).toBe(1);
    expect(await store.outbox.size(TASKROUTER_TOPIC)).toBe(0);
  });
});
