/**
 * A broken content file stops start-up with one line naming file, line and
 * field — for every kind of file a product owner edits.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose } from '../../bot/compose';
import { readConfig } from '../../bot/config';
import { loadContent } from '../../bot/content/load';
import { ContentError } from '../../bot/content/yaml-file';
import { createLogger } from '../../bot/log';
import { EmbeddedBackOffice } from '../../integrations/backoffice/embedded';
import { channelRegistry } from '../../bot/compose';

const root = join(__dirname, '..', '..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-content-'));
  for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function edit(file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

/** Loads content the way start-up and hot reload do. */
const load = (from: string) => loadContent(from, { actions: EmbeddedBackOffice.actionNames, channels: channelRegistry.names() });

function errorOf(): ContentError {
  try {
    load(dir);
  } catch (err) {
    if (err instanceof ContentError) return err;
    throw err;
  }
  throw new Error('content loaded although it is broken');
}

/** The 1-based line of the first line matching `pattern` in a content file. */
function lineOf(file: string, pattern: RegExp): number {
  return readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => pattern.test(l)) + 1;
}

describe('loading content', () => {
  it('loads the demo content', () => {
    const c = load(root);
    expect(c.intents.size).toBeGreaterThanOrEqual(20);
    expect(c.dialogs.get('track_order')?.needs).toBe('verified');
  });

  it('names file, line and field of a wrong value in an intent', () => {
    edit('intents/check_balance.yaml', (t) => t.replace(/^queue: billing$/m, 'queue: Billing Team'));
    const err = errorOf();
    expect(err.message).toBe(
      `intents/check_balance.yaml:${lineOf('intents/check_balance.yaml', /^queue:/)} queue: lower-case letters, digits and _ only, starting with a letter (e.g. check_balance)`,
    );
  });

  it('names the step and field of a mistake deep in a dialog', () => {
    edit('dialogs/update_address.yaml', (t) => t.replace('type: postcode', 'type: zipcode'));
    const err = errorOf();
    expect(err.file).toBe('dialogs/update_address.yaml');
    expect(err.line).toBe(lineOf('dialogs/update_address.yaml', /type: zipcode/));
    expect(err.field).toBe('steps[2].type');
    expect(err.message).toMatch(/^dialogs\/update_address\.yaml:\d+ steps\[2\]\.type: Invalid enum value/);
  });

  it('reports a YAML syntax error with its line', () => {
    edit('dialogs/greeting.yaml', (t) => `${t}\n  - say: [unclosed\n`);
    expect(errorOf().message).toMatch(/^dialogs\/greeting\.yaml:\d+ /);
  });

  it('reports an unclosed quote at the line where it opens, not where the file ends', () => {
    edit('dialogs/update_address.yaml', (t) => t.replace('prompt: "Which city is that in?"', 'prompt: "Which city is that in?'));
    expect(errorOf().message).toBe(`dialogs/update_address.yaml:${lineOf('dialogs/update_address.yaml', /Which city/)} steps[1].prompt: this " quote is never closed`);
  });

  it('runs the same full check as npm run validate: names inside conditions, unknown facts, repeated examples', () => {
    edit('rules/offers.yaml', (t) => t.replace('when: { intent: cancel_service,', 'when: { intent: cancel_services,'));
    expect(errorOf().message).toBe(
      `rules/offers.yaml:${lineOf('rules/offers.yaml', /cancel_services/)} offers[0].when.intent: no intent "cancel_services"; did you mean cancel_service?`,
    );
    edit('rules/offers.yaml', (t) => t.replace('cancel_services', 'cancel_service').replace('data_used_pct: ">= 90"', 'data_use: ">= 90"'));
    expect(errorOf().message).toBe(`rules/offers.yaml:${lineOf('rules/offers.yaml', /data_use:/)} offers[1].when.data_use: unknown fact "data_use"`);
    edit('rules/offers.yaml', (t) => t.replace('data_use:', 'data_used_pct:'));
    edit('intents/check_balance.yaml', (t) => t.replace("- what's my balance\n", "- what's my balance\n- I was charged twice\n"));
    expect(errorOf().message).toMatch(/^intents\/check_balance\.yaml:\d+ examples\[\d+\]: "I was charged twice" is also an example of billing_dispute/);
  });

  it('refuses an unknown field at start-up too', () => {
    edit('intents/complaint.yaml', (t) => t.replace(/^handoff: true$/m, 'handof: true'));
    expect(errorOf().message).toBe(`intents/complaint.yaml:${lineOf('intents/complaint.yaml', /^handof:/)} handof: unknown field "handof"; did you mean handoff?`);
  });
});

describe('intents without a conversation test', () => {
  beforeEach(() => {
    cpSync(join(root, 'test', 'conversations'), join(dir, 'test', 'conversations'), { recursive: true });
    // Every test of the intent (store_hours.yaml, store_hours_known.yaml …) goes.
    const tests = join(dir, 'test', 'conversations');
    for (const f of readdirSync(tests)) if (f.startsWith('store_hours')) rmSync(join(tests, f));
  });
  const warning = () => `intents/store_hours.yaml:${lineOf('intents/store_hours.yaml', /^intent:/)} intent: no conversation test exercises it; add test/conversations/store_hours.yaml`;

  it('load with a warning, never a refusal', () => {
    expect(load(dir).warnings).toEqual([warning()]);
    expect(load(root).warnings).toEqual([]);
  });

  it('are logged at start-up', async () => {
    const logged: string[] = [];
    const config = readConfig({ CONTENT_DIR: dir, LOG_LEVEL: 'info', DEMO_FIXED_DATES: 'true' }, root, 'demo');
    await compose(config, createLogger('info', (l) => logged.push(l)), { brain: { content: load(dir), model: { rank: () => [] } } });
    const warned = logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'content.warning');
    expect(warned).toEqual([expect.objectContaining({ level: 'warn', warning: warning() })]);
  });

  it('catches a routing rule that names no queue', () => {
    edit('rules/routing.yaml', (t) => t.replace('queue: retention\n', 'queue: loyalty\n'));
    const err = errorOf();
    expect(err.message).toBe(`rules/routing.yaml:${lineOf('rules/routing.yaml', /queue: loyalty/)} rules[0].queue: no queue "loyalty"`);
  });

  it('catches a segment rule with a wrong field', () => {
    edit('rules/segments.yaml', (t) => t.replace('intensity: partnership', 'intensity: [partnership]'));
    const err = errorOf();
    expect(err.message).toBe(
      `rules/segments.yaml:${lineOf('rules/segments.yaml', /intensity: \[partnership\]/)} segments[0].intensity: Expected string, received array`,
    );
  });

  it('catches an offer without its agent prompt', () => {
    edit('rules/offers.yaml', (t) => t.replace(/^    agent: "High churn risk.*$/m, ''));
    expect(errorOf().message).toMatch(/^rules\/offers\.yaml:\d+ offers\[0\]\.agent: Required$/);
  });

  it('catches assistant settings out of range', () => {
    edit('rules/assistant.yaml', (t) => t.replace('ambiguity_margin: 0.12', 'ambiguity_margin: 4'));
    expect(errorOf().message).toBe(
      `rules/assistant.yaml:${lineOf('rules/assistant.yaml', /ambiguity_margin: 4/)} understanding.ambiguity_margin: Number must be less than or equal to 1`,
    );
  });

  it('catches an intent pointing at a dialog that does not exist', () => {
    edit('intents/store_hours.yaml', (t) => t.replace('dialog: store_hours', 'dialog: shop_hours'));
    expect(errorOf().message).toBe(
      `intents/store_hours.yaml:${lineOf('intents/store_hours.yaml', /^dialog:/)} dialog: no dialog "shop_hours" in dialogs/; did you mean store_hours?`,
    );
  });
});
