/**
 * `npm run validate` catches each kind of mistake a product owner can make,
 * naming file, line and field, and exits non-zero.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, validateContent } from '../../bot/content/validate';
import { EmbeddedBackOffice } from '../../integrations/backoffice/embedded';
import { root } from '../support/harness';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-validate-'));
  for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const edit = (file: string, change: (t: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
const lineOf = (file: string, pattern: RegExp) => readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => pattern.test(l)) + 1;
const problems = () => validateContent(dir, EmbeddedBackOffice.actionNames).map(formatProblem);

describe('npm run validate', () => {
  it('passes the demo content', () => {
    expect(validateContent(root, EmbeddedBackOffice.actionNames)).toEqual([]);
  });

  it('reports every schema error, not just the first', () => {
    edit('intents/thanks.yaml', (t) => t.replace('topic: false', 'topic: maybe'));
    edit('dialogs/greeting.yaml', (t) => t.replace('- say:', '- sya:'));
    const found = problems();
    expect(found).toContain(`intents/thanks.yaml:${lineOf('intents/thanks.yaml', /^topic: maybe/)} topic: Expected boolean, received string`);
    expect(found.some((p) => p.startsWith(`dialogs/greeting.yaml:${lineOf('dialogs/greeting.yaml', /sya:/)} steps[0]: a step starts with one of`))).toBe(true);
  });

  it('follows references: intent → dialog → value → action → queue → summary → offer', () => {
    edit('intents/store_hours.yaml', (t) => t.replace('queue: customer_care', 'queue: shop_floor'));
    edit('dialogs/track_order.yaml', (t) => t.replace('{order.status}.', '{order.state}. {parcel_status}'));
    edit('dialogs/outage_status.yaml', (t) => t.replace('call: outage.check', 'call: outage.lookup'));
    edit('dialogs/outage_status.yaml', (t) => t.replace('intent: tech_support', 'intent: tech_help'));
    edit('intents/billing_dispute.yaml', (t) => t.replace('- make_payment\n', '- pay_bill\n'));
    edit('rules/offers.yaml', (t) => t.replace('no_sales_on: [complaint,', 'no_sales_on: [complaints,').replace('data_used_pct: ">= 90"', 'data_use: ">= 90"'));
    const found = problems();
    const expectOne = (prefix: string, text: string) => expect(found.filter((p) => p.startsWith(prefix) && p.includes(text))).toHaveLength(1);
    expectOne(`intents/store_hours.yaml:${lineOf('intents/store_hours.yaml', /^queue:/)} queue:`, 'no queue "shop_floor"');
    expectOne('dialogs/track_order.yaml:', '"{parcel_status}" is neither a fact nor a value of this dialog');
    expectOne(`dialogs/outage_status.yaml:${lineOf('dialogs/outage_status.yaml', /call: outage.lookup/)} steps[1].call:`, 'no back-office action "outage.lookup"');
    expectOne('dialogs/outage_status.yaml:', 'no intent "tech_help"');
    expectOne(`intents/billing_dispute.yaml:${lineOf('intents/billing_dispute.yaml', /- pay_bill/)} summary.contacts_topics[2]:`, 'no intent "pay_bill"');
    expectOne('rules/offers.yaml:', 'no intent "complaints"');
    expectOne(`rules/offers.yaml:${lineOf('rules/offers.yaml', /data_use:/)} offers[1].when.data_use:`, 'unknown fact "data_use"');
  });

  it('finds examples repeated or nearly repeated across intents', () => {
    edit('intents/check_balance.yaml', (t) => t.replace("- what's my balance\n", "- what's my balance\n- I was charged twice\n- charged twice this month I think\n"));
    edit('intents/billing_dispute.yaml', (t) => t.replace('- I was charged twice\n', '- I was charged twice\n- I think charged twice this month\n'));
    const found = problems();
    expect(found.some((p) => /^intents\/check_balance\.yaml:\d+ examples\[\d+\]: "I was charged twice" is also an example of billing_dispute \(intents\/billing_dispute\.yaml:\d+\)$/.test(p))).toBe(true);
    expect(found.some((p) => p.includes('is nearly the same as') && p.includes('charged twice this month'))).toBe(true);
  });

  it('finds text a caller would hear that cannot be spoken', () => {
    edit('dialogs/help.yaml', (t) => t.replace('I can help you {options}.', 'I can help you {options}, see https://brightwave.example/help 😀'));
    edit('rules/assistant.yaml', (t) => t.replace('goodbye: "Thanks for contacting Brightwave. Goodbye!"', 'goodbye: "**Thanks** for contacting Brightwave. Goodbye!"'));
    const found = problems();
    expect(found).toContain(`dialogs/help.yaml:${lineOf('dialogs/help.yaml', /https:/)} steps[0].say: a caller would hear a link; put links in a link: field and give a speak: wording`);
    expect(found).toContain(`rules/assistant.yaml:${lineOf('rules/assistant.yaml', /goodbye: "\*\*/)} messages.goodbye: a caller would hear markup; put links in a link: field and give a speak: wording`);
  });

  it('exits non-zero with the problems listed', () => {
    edit('intents/store_hours.yaml', (t) => t.replace('dialog: store_hours', 'dialog: shop_hours'));
    const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'validate.ts'), dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^intents\/store_hours\.yaml:\d+ dialog: no dialog "shop_hours" in dialogs\//m);
  });
});
