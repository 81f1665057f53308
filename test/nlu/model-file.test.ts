/**
 * The trained model kept under DATA_DIR: a second start with the same content
 * uses it (and understands exactly as the trained one did); other content,
 * or a file that does not read back, trains anew.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose } from '../../bot/compose';
import { readConfig } from '../../bot/config';
import { createLogger } from '../../bot/log';
import type { Example } from '../../bot/nlu/classifier';
import { modelKey } from '../../bot/nlu/model-file';
import { root } from '../support/harness';

jest.setTimeout(120_000);

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'frontline-model-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Composes the app as `npm start` does, with DATA_DIR set; returns its model and what it logged about it. */
async function start(contentDir = root) {
  const lines: string[] = [];
  const config = readConfig({ CONTENT_DIR: contentDir, DATA_DIR: dataDir, DEMO_FIXED_DATES: 'true', CONTENT_RELOAD: 'off' }, root, 'demo');
  const app = await compose(config, createLogger('info', (l) => lines.push(l)));
  await app.store.close();
  const loaded = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'content.loaded')!;
  return { model: app.engine.current.model, loaded };
}

const probes = ['what are your opening hours', 'I was charged twice', 'my internet is down in 94110', 'can I change my plan', 'asdf qwerty', 'speak to a human'];

describe('a start with the same content', () => {
  let first: Awaited<ReturnType<typeof start>>;
  let second: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    first = await start();
    second = await start();
  });

  it('trains the first time and uses the kept model the second', () => {
    expect(first.loaded.model).toBe('trained');
    expect(second.loaded.model).toBe('kept');
    expect(readdirSync(join(dataDir, 'models')).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
  });

  it('understands exactly as the trained model did: every ranking and the threshold', () => {
    expect(second.model.threshold).toBe(first.model.threshold);
    for (const text of probes) expect(second.model.rank(text)).toEqual(first.model.rank(text));
  });

  it('trains again when the kept file does not read back whole', async () => {
    const dir = join(dataDir, 'models');
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.bin'))!);
    writeFileSync(file, readFileSync(file).subarray(0, 1000));
    const again = await start();
    expect(again.loaded.model).toBe('trained');
    expect(again.model.rank(probes[1]!)).toEqual(first.model.rank(probes[1]!));
  });
});

describe('the key a model is kept under', () => {
  const examples: Example[] = [
    { text: 'what is my balance', label: 'check_balance' },
    { text: 'when are you open', label: 'store_hours' },
  ];
  it('changes with any example, any label, and with the word vectors', () => {
    const key = modelKey(examples, 'v1');
    expect(modelKey([...examples], 'v1')).toBe(key);
    expect(modelKey([examples[0]!, { ...examples[1]!, text: 'when are you open?' }], 'v1')).not.toBe(key);
    expect(modelKey([examples[0]!, { ...examples[1]!, label: 'opening_hours' }], 'v1')).not.toBe(key);
    expect(modelKey([...examples, { text: 'hi', label: 'greeting' }], 'v1')).not.toBe(key);
    expect(modelKey(examples, null)).not.toBe(key);
    expect(modelKey(examples, 'v2')).not.toBe(key);
  });

  it('changes with the content an edit under npm start saves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-content-'));
    try {
      for (const d of ['intents', 'dialogs', 'rules', 'processes'].filter((d) => existsSync(join(root, d)))) cpSync(join(root, d), join(dir, d), { recursive: true, force: true });
      const file = join(dir, 'intents', 'store_hours.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/examples:\n/, 'examples:\n- at what hour does the shop close on sundays\n'));
      const edited = await start(dir);
      expect(edited.loaded.model).toBe('trained');
      expect(readdirSync(join(dataDir, 'models')).filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
