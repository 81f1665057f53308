/**
 * `npm run validate` catches each kind of mistake a product owner can make,
 * naming file, line and field, and exits non-zero.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SPEECH_HINTS } from '../../bot/content/schemas';
import { formatProblem, validateContent } from '../../bot/content/validate';
import { EmbeddedBackOffice } from '../../integrations/backoffice/embedded';
import { root } from '../support/harness';
import { channelRegistry } from '../../bot/compose';
import { runScript } from '../support/spawn';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-validate-'));
  for (const d of ['intents', 'dialogs', 'rules']) cpSync(join(root, d), join(dir, d), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const edit = (file: string, change: (t: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
const lineOf = (file: string, pattern: RegExp) => readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => pattern.test(l)) + 1;
const problems = () => validateContent(dir, EmbeddedBackOffice.actionNames, channelRegistry.names()).map(formatProblem);

describe('npm run validate', () => {
  it('passes the demo content', () => {
    expect(validateContent(root, EmbeddedBackOffice.actionNames, channelRegistry.names())).toEqual([]);
  });

  it('reports every schema error, not just the first', () => {
    edit('intents/thanks.yaml', (t) => t.replace('topic: false', 'topic: maybe'));
    edit('dialogs/greeting.yaml', (t) => t.replace('- say:', '- sya:'));
    edit('dialogs/update_address.yaml', (t) => t.replace("pattern: '\\p{L}\\p{L}'", "pattern: '[a-z'"));
    const found = problems();
    const patternLine = lineOf('dialogs/update_address.yaml', /pattern: '\[a-z'/);
    expect(found.some((p) => p.startsWith(`dialogs/update_address.yaml:${patternLine} steps[1].pattern: not a regular expression: /[a-z/`))).toBe(true);
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
    edit('dialogs/greeting.yaml', (t) => t.replace('How can I help you today?', 'See https://brightwave.example/help 😀'));
    edit('rules/assistant.yaml', (t) => t.replace('goodbye: "Thanks for contacting Brightwave. Goodbye!"', 'goodbye: "**Thanks** for contacting Brightwave. Goodbye!"'));
    const found = problems();
    expect(found).toContain(`dialogs/greeting.yaml:${lineOf('dialogs/greeting.yaml', /https:/)} steps[0].say: a caller would hear a link; put links in a link: field and give a speak: wording`);
    expect(found).toContain(`rules/assistant.yaml:${lineOf('rules/assistant.yaml', /goodbye: "\*\*/)} messages.goodbye: a caller would hear markup; put links in a link: field and give a speak: wording`);
  });

  it('checks the names inside when: and if: — intents, segments, queues, channels', () => {
    edit('rules/offers.yaml', (t) => `${t}\n  - offer: typo_offer\n    kind: service\n    when: { intent: cancel_servce, channel: [chat, phone, sms] }\n    where: { intents: [cancel_service], contexts: [request] }\n    agent: "A typo."\n`);
    edit('rules/routing.yaml', (t) => `${t}  - when: { segment: platnum, intent: "!= tech_suport", queue: biling }\n    queue: billing\n`);
    edit('dialogs/greeting.yaml', (t) => `${t}  - if: { topic: "has compliant" }\n    then:\n      - say: "A typo."\n`);
    const found = problems();
    const expectAt = (file: string, line: RegExp, field: RegExp, text: string) =>
      expect(found.filter((p) => p.startsWith(`${file}:${lineOf(file, line)} `) && field.test(p) && p.endsWith(text))).toHaveLength(1);
    expectAt('rules/offers.yaml', /cancel_servce/, / offers\[\d+\]\.when\.intent: /, 'no intent "cancel_servce"; did you mean cancel_service?');
    expectAt('rules/offers.yaml', /cancel_servce/, / offers\[\d+\]\.when\.channel\[1\]: /, 'no channel "phone" (chat, voice, sms)');
    // The SMS channel's folder registered its name: content may use it.
    expect(found.filter((p) => p.includes('when.channel[2]'))).toEqual([]);
    expectAt('rules/routing.yaml', /platnum/, / rules\[\d+\]\.when\.segment: /, 'no segment "platnum"; did you mean platinum?');
    expectAt('rules/routing.yaml', /platnum/, / rules\[\d+\]\.when\.intent: /, 'no intent "tech_suport"; did you mean tech_support?');
    expectAt('rules/routing.yaml', /platnum/, / rules\[\d+\]\.when\.queue: /, 'no queue "biling"; did you mean billing?');
    expectAt('dialogs/greeting.yaml', /compliant/, / steps\[\d+\]\.if\.topic: /, 'no intent "compliant"; did you mean complaint?');
  });

  it("checks where each offer may appear: the intents, the outcomes it never follows, a bot line for self-service", () => {
    edit('rules/offers.yaml', (t) =>
      t.replace('intents: [new_service, upgrade_device], contexts: [request], not_after: [outage_confirmed] }', 'intents: [new_servce], contexts: [request, self_service], not_after: [outage_confrmed] }'),
    );
    const found = problems();
    const at = lineOf('rules/offers.yaml', /new_servce/);
    expect(found).toContain(`rules/offers.yaml:${at} offers[5].where.intents[0]: no intent "new_servce"; did you mean new_service?`);
    expect(found).toContain(`rules/offers.yaml:${at} offers[5].where.not_after[0]: no dialog ends with "outage_confrmed"`);
    expect(found).toContain(`rules/offers.yaml:${at} offers[5].where.contexts: self_service needs a bot: line for the bot to say`);
  });

  it('refuses unknown fields at the line of the typo, suggesting the field meant', () => {
    edit('intents/complaint.yaml', (t) => t.replace(/^handoff: true$/m, 'handof: true'));
    edit('dialogs/update_address.yaml', (t) => t.replace('prompt: "Which city', 'promt: "Which city'));
    edit('rules/offers.yaml', (t) => `${t}\n  - offer: typo_offer\n    kind: service\n    wen: { segment: gold }\n    agent: "A typo."\n`);
    const found = problems();
    expect(found).toContain(`intents/complaint.yaml:${lineOf('intents/complaint.yaml', /^handof:/)} handof: unknown field "handof"; did you mean handoff?`);
    expect(found.filter((p) => p.startsWith('intents/complaint.yaml:'))).toHaveLength(1);
    expect(found).toContain(`dialogs/update_address.yaml:${lineOf('dialogs/update_address.yaml', /promt:/)} steps[1].promt: unknown field "promt"; did you mean prompt?`);
    expect(found.some((p) => new RegExp(`^rules/offers\\.yaml:${lineOf('rules/offers.yaml', /wen:/)} offers\\[\\d+\\]\\.wen: unknown field "wen"; did you mean when\\?$`).test(p))).toBe(true);
  });

  it('asks for as many examples per intent as the README does', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const asked = Number(/at least (\d+) varied examples/.exec(readme)?.[1]);
    expect(asked).toBeGreaterThan(1);
    edit('intents/thanks.yaml', (t) => t.replace(/^examples:\n((?:- .*\n)+)/m, (_m, list: string) => `examples:\n${list.split('\n').slice(0, asked - 1).join('\n')}\n`));
    expect(problems()).toContain(`intents/thanks.yaml:${lineOf('intents/thanks.yaml', /^examples:/)} examples: write at least ${asked} varied examples, so the bot learns the ways customers say it`);
  });

  it('reports an unclosed quote at the line where it opens', () => {
    edit('dialogs/greeting.yaml', (t) => t.replace('- say: "Hello! How can I help you today?"', '- say: "Hello! How can I help you today?'));
    expect(problems()).toContain(`dialogs/greeting.yaml:${lineOf('dialogs/greeting.yaml', /say: "Hello/)} steps[0].say: this " quote is never closed`);
  });

  it('exits non-zero with the problems listed', () => {
    edit('intents/store_hours.yaml', (t) => t.replace('dialog: store_hours', 'dialog: shop_hours'));
    // One of each check this command makes beyond names.
    edit('intents/complaint.yaml', (t) => t.replace(/^handoff: true$/m, 'handof: true'));
    edit('rules/routing.yaml', (t) => `${t}  - when: { segment: platnum }\n    queue: billing\n`);
    edit('intents/thanks.yaml', (t) => t.replace(/^examples:\n((?:- .*\n)+)/m, 'examples:\n- thanks\n'));
    edit('dialogs/greeting.yaml', (t) => t.replace('- say: "Hello! How can I help you today?"', '- say: "Hello! How can I help you today?'));
    const r = runScript('validate', [dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^intents\/store_hours\.yaml:\d+ dialog: no dialog "shop_hours" in dialogs\//m);
    expect(r.stdout).toMatch(/^intents\/complaint\.yaml:\d+ handof: unknown field "handof"/m);
    expect(r.stdout).toMatch(/^rules\/routing\.yaml:\d+ rules\[3\]\.when\.segment: no segment "platnum"/m);
    expect(r.stdout).toMatch(/^intents\/thanks\.yaml:\d+ examples: write at least \d+ varied examples/m);
    expect(r.stdout).toMatch(/^dialogs\/greeting\.yaml:4 steps\[0\]\.say: this " quote is never closed$/m);
  });

  it('keeps speech hints to what a recogniser writes, and to a short list', () => {
    edit('intents/store_hours.yaml', (t) => t.replace('- store hours\n', '- store hours, opening hours\n'));
    const many = Array.from({ length: 80 }, (_, i) => `- hint number ${i}\n`).join('');
    edit('intents/track_order.yaml', (t) => t.replace('speech_hints:\n', `speech_hints:\n${many}`));
    const found = problems();
    expect(found).toContain(
      `intents/store_hours.yaml:${lineOf('intents/store_hours.yaml', /- store hours, opening/)} speech_hints[0]: words separated by single spaces: letters, digits and apostrophes only, no commas`,
    );
    // At the first hint past the cap.
    const over = found.find((p) => p.startsWith('intents/track_order.yaml:') && p.includes('more than'));
    const index = Number(/speech_hints\[(\d+)\]/.exec(over ?? '')?.[1]);
    expect(found).toContain(
      `intents/track_order.yaml:${lineOf('intents/track_order.yaml', new RegExp(`^- hint number ${index}$`))} speech_hints[${index}]: speech hints of all intents come to more than ${MAX_SPEECH_HINTS} here; keep the phrases callers say most`,
    );
  });

  it('shows a file\'s schema errors and its wrong references in one run', () => {
    // The new-user review's case: a number among the examples, and a misspelt dialog name, in one file.
    edit('intents/store_hours.yaml', (t) => t.replace('dialog: store_hours', 'dialog: store_hourz').replace('- nearest shop\n', '- nearest shop\n- 42\n'));
    // A syntax error elsewhere: the file cannot be read at all, and nothing is said about what it names.
    edit('intents/thanks.yaml', (t) => t.replace('topic: false', 'topic: [false'));
    const r = runScript('validate', [dir]);
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    const file = 'intents/store_hours.yaml';
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${file}:${lineOf(file, /^- 42$/)} examples\\[\\d+\\]: Expected string, received number$`)));
    expect(lines).toContain(`${file}:${lineOf(file, /^dialog:/)} dialog: no dialog "store_hourz" in dialogs/; did you mean store_hours?`);
    expect(lines.filter((l) => l.startsWith('intents/thanks.yaml:'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('thanks') && !l.startsWith('intents/thanks.yaml:'))).toEqual([]);
  });

  it('warns about an intent no conversation test exercises, and still passes the content', () => {
    cpSync(join(root, 'test', 'conversations'), join(dir, 'test', 'conversations'), { recursive: true });
    rmSync(join(dir, 'test', 'conversations', 'store_hours.yaml'));
    rmSync(join(dir, 'test', 'conversations', 'store_hours_known.yaml'));
    const r = runScript('validate', [dir]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
      `warning: intents/store_hours.yaml:${lineOf('intents/store_hours.yaml', /^intent:/)} intent: no conversation test exercises it; add test/conversations/store_hours.yaml`,
    ]);
    expect(r.stdout).toMatch(/Content is valid \(1 warning\)\./);
  });
});
