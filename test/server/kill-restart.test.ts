/**
 * kill -9 and a restart, on SQLite (DATA_DIR) and on Redis (REDIS_URL): the
 * bot runs as `npm start` runs it (`tsx bot/index.ts --demo`), a Web Chat
 * customer is mid-dialog and two more wait in the billing queue; the process
 * is killed without a word and a new one starts on the same store. The
 * dialog goes on from its question, the history reads back whole from the
 * watermark, and the waiting customers keep their place, priority and card:
 * an agent who signs in to the new process accepts one and writes to them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../bot/desk/agents';
import { RedisStore } from '../../integrations/state/redis';
import { deskAgent, type DeskAgentClient } from '../support/desk-agent';
import { root } from '../support/harness';
import { startBot, type StartedBot } from '../support/spawn';
import { REDIS_URL } from '../support/store-backends';

jest.setTimeout(120_000);

const SECRET = 'kill-restart-directline-secret-0123456789';
const PASSWORD = 'kill-restart-agent-password';

type Activity = { id: string; type: string; text?: string; from: { role?: string; name?: string } };
type ActivitySet = { activities: Activity[]; watermark: string };
type Summary = { contactId: string; conversationId: string; priority: number; status: string; enqueuedAt: string; customerName: string | null };
type Queues = { queues: { queue: string; waiting: Summary[] }[] };

const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

/** A Web Chat customer's Direct Line client, pointed at whichever process runs now. */
function webChat(user: string) {
  let token = '';
  let id = '';
  const dl = (base: string, path: string) => `${base}/v3/directline${path}`;
  return {
    get conversationId() {
      return id;
    },
    async begin(base: string) {
      const gen = await fetch(dl(base, '/tokens/generate'), { method: 'POST', headers: auth(SECRET), body: JSON.stringify({ user: { id: user } }) });
      ({ token, conversationId: id } = (await gen.json()) as { token: string; conversationId: string });
      expect((await fetch(dl(base, '/conversations'), { method: 'POST', headers: auth(token) })).status).toBe(201);
    },
    async say(base: string, text: string) {
      const res = await fetch(dl(base, `/conversations/${id}/activities`), { method: 'POST', headers: auth(token), body: JSON.stringify({ type: 'message', text, from: { id: user } }) });
      expect(res.status).toBe(200);
    },
    async read(base: string, watermark?: string): Promise<ActivitySet> {
      const query = watermark === undefined ? '' : `?watermark=${watermark}`;
      return (await (await fetch(dl(base, `/conversations/${id}/activities${query}`), { headers: auth(token) })).json()) as ActivitySet;
    },
  };
}
const botTexts = (set: ActivitySet) => set.activities.filter((a) => a.type === 'message' && a.from.role === 'bot').map((a) => a.text ?? '');

async function agentOn(base: string): Promise<DeskAgentClient> {
  const agent = deskAgent(base);
  expect((await agent.signIn('kim', PASSWORD)).status).toBe(200);
  return agent;
}
const billing = async (agent: DeskAgentClient) => ((await (await agent.get('/api/desk/queues')).json()) as Queues).queues.find((q) => q.queue === 'billing')!.waiting;
const card = async (agent: DeskAgentClient, contactId: string) => (await agent.get(`/api/desk/contacts/${encodeURIComponent(contactId)}`)).json() as Promise<{ handoff: unknown }>;

interface StoreUnderTest {
  name: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'frontline-kill-'));
const agentsFile = join(dir, 'agents.yaml');
beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  writeFileSync(agentsFile, `agents:\n  - { id: kim, name: Kim Lee, queues: [billing], password_hash: "${hash}" }\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: (() => StoreUnderTest)[] = [
  () => ({
    name: 'SQLite',
    // The trained model is kept where the other tests keep it: only the store is new.
    env: { DATA_DIR: mkdtempSync(join(dir, 'data-')), MODEL_CACHE_DIR: join(root, 'data', 'models') },
    cleanup: async () => undefined,
  }),
  () => {
    const prefix = `frontline-test:kill:${process.pid}:${Date.now()}:`;
    return {
      name: 'Redis',
      env: { REDIS_URL, REDIS_PREFIX: prefix },
      cleanup: async () => {
        const store = new RedisStore({ url: REDIS_URL, prefix, stateTtlMs: 60_000 });
        await store.destroy();
        await store.close();
      },
    };
  },
];

describe.each([['SQLite', 0] as const, ['Redis', 1] as const])('kill -9 on %s, then a new process on the same store', (_name, which) => {
  const store = stores[which]!();
  const env = { ...store.env, AGENTS_FILE: agentsFile, DIRECTLINE_SECRET: SECRET, CONTENT_RELOAD: 'off', DEMO_FIXED_DATES: 'true' };
  let after: StartedBot;
  let base = '';
  const hannah = webChat('C1011'); // mid-dialog: which of two orders
  const david = webChat('C1004'); // gold: priority 60
  const sofia = webChat('C1003'); // gold with a churn risk: 70, served first although she came later
  let asked: ActivitySet;
  let queueBefore: Summary[];
  let cardsBefore: unknown[];

  beforeAll(async () => {
    const before = startBot({ env });
    try {
      const url = (await before.listening).replace(/\/+$/, '');
      await hannah.begin(url);
      await hannah.say(url, 'where is my order');
      asked = await hannah.read(url);
      expect(botTexts(asked).at(-1)).toContain('You have 2 open orders. Which one would you like to track?');
      for (const customer of [david, sofia]) {
        await customer.begin(url);
        await customer.say(url, 'I was charged twice on my bill');
      }
      const kim = await agentOn(url);
      queueBefore = await billing(kim);
      expect(queueBefore.map((c) => [c.conversationId, c.priority, c.status])).toEqual([
        [`directline:${sofia.conversationId}`, 70, 'waiting'],
        [`directline:${david.conversationId}`, 60, 'waiting'],
      ]);
      cardsBefore = await Promise.all(queueBefore.map((c) => card(kim, c.contactId)));
    } finally {
      // No SIGTERM, no drain, no close: the whole process group dies at once.
      before.signal('SIGKILL');
      await before.exited;
    }
    after = startBot({ env });
    base = (await after.listening).replace(/\/+$/, '');
  }, 180_000);

  afterAll(async () => {
    await after?.stop();
    await store.cleanup();
  });

  it('reads the history back whole, from the start and from the watermark the client holds', async () => {
    expect(await hannah.read(base)).toEqual(asked);
    expect(await hannah.read(base, asked.watermark)).toEqual({ activities: [], watermark: asked.watermark });
  });

  it('takes the next answer as the answer to the question the dialog was waiting on', async () => {
    await hannah.say(base, '2');
    const next = await hannah.read(base, asked.watermark);
    expect(botTexts(next).join(' ')).toContain('Your order BW-550002 (Samsung Galaxy S25) is processing');
    expect(botTexts(next).join(' ')).not.toMatch(/Hello|Hi there/);
  });

  it('keeps the waiting customers in the queue with the same place, priority and card; an agent accepts one and writes to her', async () => {
    const kim = await agentOn(base);
    expect(await billing(kim)).toEqual(queueBefore);
    expect(await Promise.all(queueBefore.map((c) => card(kim, c.contactId)))).toEqual(cardsBefore);

    // Sofia, still waiting, writes: it goes onto her contact, she is not greeted anew.
    const seen = (await sofia.read(base)).watermark;
    await sofia.say(base, 'are you still there?');
    expect(botTexts(await sofia.read(base, seen)).join(' ')).toContain('Our Billing team will see it as soon as they pick it up');

    const first = queueBefore[0]!.contactId;
    expect((await kim.post(`/api/desk/contacts/${encodeURIComponent(first)}/accept`)).status).toBe(200);
    expect((await kim.post(`/api/desk/contacts/${encodeURIComponent(first)}/messages`, { text: 'Hi Sofia, I can see the double charge.' })).status).toBe(200);
    const shown = (await sofia.read(base)).activities.filter((a) => a.type === 'message' && a.from.role === 'bot');
    expect(shown.slice(-2).map((a) => [a.from.name, a.text])).toEqual([
      ['Brightwave Assistant', 'Kim Lee from Billing has joined.'],
      ['Kim Lee', 'Hi Sofia, I can see the double charge.'],
    ]);
    expect(await billing(kim)).toEqual([queueBefore[1]]);
  });
});
