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

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-reload-'));
  for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('swaps in edited content and keeps the last good content on a broken edit', async () => {
  const h = harness({ profiles: new FixtureProfiles([makeProfile({ id: 'X1' })]), brain: buildBrain(dir) });
  const logged: string[] = [];
  const results: ReloadResult[] = [];
  let next: (r: ReloadResult) => void = () => undefined;
  const watcher = watchContent(dir, buildBrain, (b) => h.engine.swap(b), createLogger('info', (l) => logged.push(l)), {
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
  // The model is trained twice: slow on a busy machine.
}, 60_000);
