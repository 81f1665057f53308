/**
 * Back-office actions are a typed registry: `npm run validate` checks a
 * dialog's `call:` name and its `args:` keys against it, naming file, line
 * and field.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, validateContent } from '../../bot/content/validate';
import { actionRegistry } from '../../integrations/backoffice/actions';
import { EmbeddedBackOffice } from '../../integrations/backoffice/embedded';
import { root } from '../support/harness';
import { channelRegistry } from '../../bot/compose';
import { runScript } from '../support/spawn';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-actions-'));
  for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const edit = (file: string, change: (t: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
const lineOf = (file: string, pattern: RegExp) => readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => pattern.test(l)) + 1;
const problems = () => validateContent(dir, EmbeddedBackOffice.catalogue, channelRegistry.names()).map(formatProblem);

it('passes the demo content: every call and argument is in the registry', () => {
  expect(validateContent(root, EmbeddedBackOffice.catalogue, channelRegistry.names())).toEqual([]);
  expect(EmbeddedBackOffice.actionNames).toEqual(actionRegistry.map((a) => a.name));
});

it('names an argument the action does not take, where it is written', () => {
  edit('dialogs/make_payment.yaml', (t) => t.replace('amount: "{balance}"', 'ammount: "{balance}"'));
  const line = lineOf('dialogs/make_payment.yaml', /ammount:/);
  expect(problems()).toEqual([
    expect.stringMatching(new RegExp(`^dialogs/make_payment\\.yaml:${line} steps\\[\\d+\\]\\.args\\.ammount: payment\\.send_link takes no argument "ammount" \\(it takes: amount, channel\\)$`)),
  ]);
});

it('makes npm run validate exit non-zero on a wrong argument', () => {
  edit('dialogs/outage_status.yaml', (t) => t.replace('postcode: "{outage_zip}"', 'zip: "{outage_zip}"'));
  const run = runScript('validate', [dir]);
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/^dialogs\/outage_status\.yaml:\d+ steps\[\d+\]\.args\.zip: outage\.check takes no argument "zip"/m);
});
