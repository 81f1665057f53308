/**
 * A broken content file stops start-up with one line naming file, line and
 * field — for every kind of file a product owner edits.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContent } from '../../bot/content/load';
import { ContentError } from '../../bot/content/yaml-file';

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

function errorOf(): ContentError {
  try {
    loadContent(dir);
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
    const c = loadContent(root);
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
    edit('rules/assistant.yaml', (t) => t.replace('threshold: 0.4', 'threshold: 4'));
    expect(errorOf().message).toBe(
      `rules/assistant.yaml:${lineOf('rules/assistant.yaml', /threshold: 4/)} understanding.threshold: Number must be less than or equal to 1`,
    );
  });

  it('catches an intent pointing at a dialog that does not exist', () => {
    edit('intents/store_hours.yaml', (t) => t.replace('dialog: store_hours', 'dialog: shop_hours'));
    expect(errorOf().message).toBe(
      `intents/store_hours.yaml:${lineOf('intents/store_hours.yaml', /^dialog:/)} dialog: no dialog "shop_hours" in dialogs/`,
    );
  });
});
