/**
 * Runs every conversation test in test/conversations/ on each of its
 * channels. Add a YAML file there to add a test; no code needed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { conversationTestSchema, readConversationTest, runConversationTest } from './support/conversations';
import { demoBrain, demoHarness } from './support/harness';

const dir = join(__dirname, 'conversations');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((file) => {
    const spec = readConversationTest(join(dir, file));
    return spec.channels.map((channel) => ({ file, channel, spec }));
  });

describe('conversation tests (test/conversations/*.yaml)', () => {
  it.each(cases)('$file on $channel', async ({ spec, channel }) => {
    const failures = await runConversationTest(spec, channel, await demoHarness());
    if (failures.length) throw new Error(`${spec.name}:\n${failures.join('\n')}`);
  });

  it('covers every demo intent on both channels', async () => {
    const intents = [...demoBrain().content.intents.keys()];
    const h = await demoHarness();
    const seen = { chat: new Set<string>(), voice: new Set<string>() };
    // Record which intents each conversation test reaches.
    const original = h.engine.turn.bind(h.engine);
    for (const c of cases) {
      const reached = new Set<string>();
      h.engine.turn = async (input) => {
        const out = await original(input);
        const state = await h.engine.peek(input.conversationId);
        for (const o of state?.outcomes ?? []) reached.add(o.intent);
        if (out.handoff?.handoff.intent) reached.add(out.handoff.handoff.intent.name);
        if (state?.topic) reached.add(state.topic);
        return out;
      };
      await runConversationTest(c.spec, c.channel, h);
      for (const i of reached) seen[c.channel].add(i);
    }
    h.engine.turn = original;
    for (const channel of ['chat', 'voice'] as const) expect(intents.filter((i) => !seen[channel].has(i))).toEqual([]);
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
    const failures = await runConversationTest(spec, 'chat', await demoHarness());
    expect(failures).toEqual([
      expect.stringContaining('step 1 (what\'s my balance): expected "Your balance is $999.00"'),
      'step 2 (I want to cancel): handoff queue retention, expected billing',
      'step 2 (I want to cancel): handoff priority 88, expected 1',
      expect.stringContaining('step 2 (I want to cancel): summary sections [tenure,value'),
    ]);
  });
});
