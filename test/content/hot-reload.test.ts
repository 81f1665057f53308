/**
 * Hot reload: a saved edit retrains and swaps in the new content; a broken
 * edit keeps the last good content and the log says why.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBrain } from '../../bot/compose';
import { watchContent, type ReloadResult } from '../../bot/content/watch';
import { createLogger } from '../../bot/log';
import { harness, makeProfile, FixtureProfiles, root } from '../support/harness';
import { startBot } from '../support/spawn';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-reload-'));
  for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** As `npm start` builds: the model kept for these examples (data/models) is used, other examples train. */
const build = (d: string) => buildBrain(d, join(root, 'data', 'models'));

it('swaps in edited content and keeps the last good content on a broken edit', async () => {
  const h = harness({ profiles: new FixtureProfiles([makeProfile({ id: 'X1' })]), brain: build(dir) });
  const logged: string[] = [];
  const results: ReloadResult[] = [];
  let next: (r: ReloadResult) => void = () => undefined;
  const watcher = watchContent(dir, build, (b) => h.engine.swap(b), createLogger('info', (l) => logged.push(l)), {
    debounceMs: 100,
    onReload: (r) => {
      results.push(r);
      next(r);
    },
  });
  const saved = () => new Promise<ReloadResult>((resolve) => (next = resolve));
  try {
    const before = h.conversation({});
    await before.start();
    expect((await before.say('hello')).replies[0]!.text).toBe('Hello! How can I help you today?');

    // A product owner changes the greeting.
    let reloaded = saved();
    const file = join(dir, 'dialogs', 'greeting.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Hello! How can I help you today?', 'Hi there! What can I do for you?'));
    expect(await reloaded).toEqual({ ok: true });
    // Warnings of the full check are logged on reload too (this copy has no conversation tests).
    expect(logged.some((l) => l.includes('content.warning') && l.includes('no conversation tests'))).toBe(true);
    const after = h.conversation({});
    await after.start();
    expect((await after.say('hello')).replies[0]!.text).toBe('Hi there! What can I do for you?');

    // Then saves a broken intent file.
    reloaded = saved();
    const intent = join(dir, 'intents', 'thanks.yaml');
    writeFileSync(intent, readFileSync(intent, 'utf8').replace('topic: false', 'topic: [oops'));
    const refused = await reloaded;
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/^intents\/thanks\.yaml:\d+ /);
    expect(logged.some((l) => l.includes('content.reload_refused') && l.includes('intents/thanks.yaml'))).toBe(true);
    const still = h.conversation({});
    await still.start();
    expect((await still.say('hello')).replies[0]!.text).toBe('Hi there! What can I do for you?');
    expect((await still.say('thank you so much')).replies[0]!.text).toContain("You're welcome");
  } finally {
    watcher.close();
  }
}, 60_000);
it('under npm start, a new intent file is picked up and a broken edit keeps the old content with one log line', async () => {
  const bot = startBot({ env: { CONTENT_DIR: dir } });
  try {
    const url = await bot.listening;
    const intents = async () => ((await (await fetch(`${url}healthz`)).json()) as { intents: number }).intents;
    const before = await intents();

    const examples = ['I lost my phone', 'my phone was stolen', 'someone stole my mobile', 'I left my phone on the bus', 'block my stolen phone',
      'my handset is missing', 'report a lost phone', 'I cannot find my phone anywhere', 'lost mobile', 'stolen phone',
      'my phone got nicked', 'suspend my line my phone is lost', 'I dropped my phone somewhere', 'phone stolen last night',
      'my cell phone is gone', 'I think my phone was taken', 'lost my cell', 'help my phone is lost', 'my mobile was robbed',
      'freeze my sim my phone is gone', 'I misplaced my phone', 'a thief took my phone', 'phone missing since yesterday',
      'stop my sim card it was stolen', 'report stolen handset'];
    writeFileSync(
      join(dir, 'intents', 'lost_phone.yaml'),
      ['intent: lost_phone', 'label: report a lost phone', 'description: A lost or stolen phone.', 'handoff: true', 'queue: customer_care',
        'examples:', ...examples.map((e) => `- ${e}`), ''].join('\n'),
    );
    await bot.waitFor(/content\.reloaded/);
    expect(await intents()).toBe(before + 1);

    const file = join(dir, 'intents', 'thanks.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('topic: false', 'topic: [oops'));
    await bot.waitFor(/content\.reload_refused/);
    const refused = bot.out().stdout.split('\n').filter((l) => l.includes('content.reload_refused'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/intents\/thanks\.yaml:\d+/);
    expect(await intents()).toBe(before + 1);
  } finally {
    await bot.stop();
  }
}, 120_000);
