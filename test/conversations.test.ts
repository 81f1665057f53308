/**
 * Runs every conversation test in test/conversations/ on each of its
 * channels, through the adapters `npm start` serves: Direct Line for chat,
 * signed Twilio webhooks for the phone. Add a YAML file there to add a test;
 * no code needed. One app serves the whole file; each test is a new
 * conversation or call.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Channel } from '../bot/engine/state';
import { conversationTestSchema, readConversationTest, runConversationTest } from './support/conversations';
import { startApp, type RunningApp } from './support/server';
import { AUTH_TOKEN, PUBLIC_URL } from './support/twilio';

const dir = join(__dirname, 'conversations');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((file) => {
    const spec = readConversationTest(join(dir, file));
    return spec.channels.map((channel) => ({ file, channel, spec }));
  });

let app: RunningApp;
/** The intents the conversations reached, per channel: every demo intent must be among them. */
const reached: Record<Channel, Set<string>> = { chat: new Set(), voice: new Set() };
let ran = 0;

beforeAll(async () => {
  app = await startApp({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
  // Watches the turns the adapters run, to see which intents the conversations reach.
  const engine = app.app.engine;
  const turn = engine.turn.bind(engine);
  engine.turn = async (input) => {
    const out = await turn(input);
    const state = await engine.peek(input.conversationId);
    for (const o of state?.outcomes ?? []) reached[input.channel].add(o.intent);
    if (out.handoff?.handoff.intent) reached[input.channel].add(out.handoff.handoff.intent.name);
    if (state?.topic) reached[input.channel].add(state.topic);
    return out;
  };
});
afterAll(() => app.close());

describe('conversation tests (test/conversations/*.yaml)', () => {
  it.each(cases)('$file on $channel', async ({ spec, channel }) => {
    ran++;
    const failures = await runConversationTest(spec, channel, app);
    if (failures.length) throw new Error(`${spec.name}:\n${failures.join('\n')}`);
  });

  it('between them reach every demo intent on both channels', () => {
    // Run alone (jest -t), the tests above cannot have reached them all.
    if (ran < cases.length) return;
    const intents = [...app.app.engine.current.content.intents.keys()];
    for (const channel of ['chat', 'voice'] as const) expect({ channel, missing: intents.filter((i) => !reached[channel].has(i)) }).toEqual({ channel, missing: [] });
  });

  it('fails when an expectation is wrong', async () => {
    const spec = conversationTestSchema.parse({
      name: 'wrong on purpose',
      customer: 'C1001',
      steps: [
        { say: "what's my balance", expect: ['Your balance is $999.00'] },
        { say: 'I want to cancel', handoff: { queue: 'billing', priority: 1, sections: ['orders'] } },
      ],
    });
    expect(await runConversationTest(spec, 'chat', app)).toEqual([
      expect.stringContaining('step 1 (what\'s my balance): expected "Your balance is $999.00"'),
      'step 2 (I want to cancel): handoff queue retention, expected billing',
      'step 2 (I want to cancel): handoff priority 88, expected 1',
      expect.stringContaining('step 2 (I want to cancel): summary sections [tenure,value'),
    ]);
    const voice = await runConversationTest({ ...spec, steps: [{ ...spec.steps[0]!, expect: [], heard: ['Your balance is $145.00'] }] }, 'voice', app);
    // On the phone, what counts is what the caller hears: the TwiML's <Say>, amounts spoken.
    expect(voice).toEqual([expect.stringMatching(/^step 1 \(what's my balance\): expected to hear "Your balance is \$145\.00" in:\n[^]*Your balance is 145 dollars/)]);
  });
});
