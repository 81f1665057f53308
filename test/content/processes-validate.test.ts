/**
 * Guided processes are content: `npm run validate`, start-up and hot reload
 * refuse a broken `processes/*.yaml` naming file, line and field — an unknown
 * action, argument, fact, intent or value, a form field of no known type.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContent } from '../../bot/content/load';
import { formatProblem, validateContent } from '../../bot/content/validate';
import { watchContent } from '../../bot/content/watch';
import { createLogger } from '../../bot/log';
import { EmbeddedBackOffice } from '../../integrations/backoffice/embedded';
import { root } from '../support/harness';
import { codeNames } from '../../bot/compose';
import { runScript } from '../support/spawn';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-processes-'));
  for (const d of ['intents', 'dialogs', 'rules', 'processes']) cpSync(join(root, d), join(dir, d), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const edit = (file: string, change: (t: string) => string) => {
  const before = readFileSync(join(dir, file), 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit changed nothing in ${file}`);
  writeFileSync(join(dir, file), after);
};
const lineOf = (file: string, pattern: RegExp) => readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => pattern.test(l)) + 1;
const problems = () => validateContent(dir, codeNames.actions, codeNames.channels).map(formatProblem);

it('passes the demo processes, and loads them with the content', () => {
  expect(validateContent(root, codeNames.actions, codeNames.channels)).toEqual([]);
  const content = loadContent(root, codeNames);
  expect([...content.processes.keys()].sort()).toEqual(['change_address', 'credit_charge', 'retention_offer', 'upgrade_device']);
});

it('names an unknown action, argument, fact, intent and value where each is written', () => {
  const up = 'processes/upgrade_device.yaml';
  const credit = 'processes/credit_charge.yaml';
  edit(up, (t) => t.replace('call: fee.charge', 'call: fee.take'));
  edit(up, (t) => t.replace('{ entitlements.free_upgrade: true }', '{ entitled_upgrade: true }'));
  edit(up, (t) => t.replace('intents: [upgrade_device, new_service]', 'intents: [upgrade_device, new_servce]'));
  edit(credit, (t) => t.replace('reason: "{reason}" }', 'why: "{reason}" }'));
  edit(credit, (t) => t.replace('credit {credit.credit_id}', 'credit {credit_ref}'));
  const found = problems();
  expect(found).toEqual(
    expect.arrayContaining([
      `${up}:${lineOf(up, /call: fee.take/)} steps[1].else[2].call: no back-office action "fee.take" (known: ${Object.keys(EmbeddedBackOffice.catalogue).join(', ')})`,
      `${up}:${lineOf(up, /entitled_upgrade/)} steps[1].if.entitled_upgrade: unknown fact "entitled_upgrade"`,
      `${up}:${lineOf(up, /^intents:/)} intents[1]: no intent "new_servce"; did you mean new_service?`,
      `${credit}:${lineOf(credit, /why: /)} steps[1].args.why: charge.credit takes no argument "why" (it takes: invoice, amount, reason)`,
      `${credit}:${lineOf(credit, /credit_ref/)} steps[2].note: "{credit_ref}" is neither a fact nor a value of this process`,
    ]),
  );
  expect(found).toHaveLength(5);
});

it('checks a bound taken from the contact: an item field of a choice in the form, a fact, an earlier value', () => {
  const file = 'processes/credit_charge.yaml';
  const bound = (max: string) => {
    edit(file, (t) => t.replace(/max: .*/, `max: ${max}`));
    return problems();
  };
  const at = () => `${file}:${lineOf(file, /max: /)} steps[0].fields[1].max: `;
  expect(bound('invoice.amout')).toEqual([`${at()}invoices items have no field "amout" (they have: id, date, amount, status, dueDate)`]);
  expect(bound('invoice.status')).toEqual([`${at()}invoice.status is not a number`]);
  expect(bound('invoice')).toEqual([`${at()}name the field of the chosen item, e.g. invoice.amount`]);
  expect(bound('reason.amount')).toEqual([`${at()}"reason" is answered in this same form: a bound can follow only the item of a choices_from field (reason.<field>)`]);
  expect(bound('invoice_total')).toEqual([
    `${at()}unknown fact "invoice_total": a bound is a number, a fact, a value of an earlier step, or <choice field>.<item field> of this form`,
  ]);
  // The credit is made after the form: not known when it opens.
  expect(bound('credit.amount')).toEqual([
    `${at()}unknown fact "credit.amount": a bound is a number, a fact, a value of an earlier step, or <choice field>.<item field> of this form`,
  ]);
  expect(bound('balance')).toEqual([]);
  expect(bound('invoice.amount')).toEqual([]);
});

it('names a schema mistake in a form: a field type nobody knows, a misspelt key, a choice without choices, two forms of one name', () => {
  const file = 'processes/change_address.yaml';
  edit(file, (t) => t.replace('type: postcode', 'type: zipcode'));
  expect(problems()).toEqual([expect.stringMatching(new RegExp(`^${file}:${lineOf(file, /type: zipcode/)} steps\\[0\\]\\.fields\\[2\\]\\.type: Invalid enum value.*'postcode'`))]);
  edit(file, (t) => t.replace('type: zipcode', 'type: postcode').replace('label: City', 'lable: City'));
  expect(problems()).toEqual([`${file}:${lineOf(file, /lable: City/)} steps[0].fields[1].lable: unknown field "lable"; did you mean label?`]);
  edit(file, (t) => t.replace('lable: City', 'label: City').replace('form: read_back', 'form: new_address').replace('type: yesno', 'type: choice'));
  const second = readFileSync(join(dir, file), 'utf8').split('\n').lastIndexOf('  - form: new_address') + 1;
  const twoForms = `${file}:${second} steps[1].form: another form is called "new_address" (steps.0); give each form its own name`;
  // The schema error and the cross-check of the same file, in one run.
  expect(problems()).toEqual([`${file}:${lineOf(file, /type: choice/)} steps[1].fields[0].type: a choice needs choices or choices_from`, twoForms]);
  edit(file, (t) => t.replace('type: choice', 'type: yesno'));
  expect(problems()).toEqual([twoForms]);
});

it('stops start-up and hot reload on a broken process, and npm run validate exits non-zero', () => {
  const file = 'processes/retention_offer.yaml';
  edit(file, (t) => t.replace('call: retention.apply', 'call: retention.give'));
  const line = lineOf(file, /call: retention.give/);
  const expected = `${file}:${line} steps[3].call: no back-office action "retention.give"`;
  expect(() => loadContent(dir, codeNames)).toThrow(expected);

  const watcher = watchContent(dir, (d) => ({ content: loadContent(d, codeNames) }), () => undefined, createLogger('error', () => undefined), {
    debounceMs: 10_000,
  });
  try {
    expect(watcher.reload()).toEqual({ ok: false, error: expect.stringContaining(expected) });
  } finally {
    watcher.close();
  }

  const run = runScript('validate', [dir]);
  expect(run.status).toBe(1);
  expect(run.stdout).toContain(expected);
});
