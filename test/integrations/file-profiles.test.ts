/**
 * The file-backed CI profiles and the demo customers: the coverage the demo
 * promises, phone lookup, date shifting, and errors that name file, line, field.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { segmentOf, profileFacts } from '../../bot/engine/facts';
import { FileProfileSource, normalizePhone } from '../../integrations/ci/file-profiles';
import { demoBrain, root, TODAY } from '../support/harness';

const file = join(root, 'integrations/demo/customers.yaml');
const demo = FileProfileSource.loadSync(file, { today: TODAY });
const all = demo.all();
const segmentOfProfile = (p: (typeof all)[number]) => segmentOf(demoBrain().content.segments, p, profileFacts(p, TODAY)).segment;

describe('the demo customers', () => {
  it('has at least 12 customers and at least two in every segment', () => {
    expect(all.length).toBeGreaterThanOrEqual(12);
    const counts = new Map<string, number>();
    for (const p of all) counts.set(segmentOfProfile(p), (counts.get(segmentOfProfile(p)) ?? 0) + 1);
    for (const s of ['platinum', 'gold', 'growth', 'standard']) expect(counts.get(s)).toBeGreaterThanOrEqual(2);
  });

  it('covers what the demo needs', () => {
    const facts = all.map((p) => ({ p, f: profileFacts(p, TODAY) }));
    expect(all.filter((p) => p.orders.filter((o) => o.open).length >= 2).length).toBeGreaterThanOrEqual(2);
    expect(all.filter((p) => p.address.postcode === '94110')).toHaveLength(1);
    expect(all.some((p) => p.entitlements.free_upgrade === true)).toBe(true);
    expect(all.some((p) => p.entitlements.free_upgrade === false)).toBe(true);
    expect(facts.some(({ f }) => typeof f.contract_days_left === 'number' && f.contract_days_left <= 90)).toBe(true);
    expect(facts.some(({ f }) => (f.churn_risk as number) >= 0.7)).toBe(true);
    expect(facts.some(({ f }) => (f.data_used_pct as number) >= 90)).toBe(true);
    expect(facts.some(({ f }) => f.data_used_pct !== null && (f.data_used_pct as number) <= 30)).toBe(true);
    expect(facts.some(({ f }) => !(f.product_kinds as string[]).includes('broadband'))).toBe(true);
    expect(facts.some(({ f }) => typeof f.campaign_days_ago === 'number' && f.campaign_days_ago <= 30)).toBe(true);
    expect(all.every((p) => p.billing.invoices.length >= 2)).toBe(true);
    const topics = new Set(all.flatMap((p) => p.contacts.map((c) => c.topic)));
    for (const t of ['billing_dispute', 'tech_support', 'complaint', 'cancel_service']) expect(topics).toContain(t);
  });
});

describe('FileProfileSource', () => {
  it('finds a customer by the phone number however it is written', async () => {
    expect((await demo.byPhone('(555) 010-0001'))?.id).toBe('C1001');
    expect((await demo.byPhone('1-555-010-0001'))?.id).toBe('C1001');
    expect((await demo.byPhone('+1 555 010 0013'))?.id).toBe('C1003');
    expect(await demo.byPhone('+15550000000')).toBeNull();
    expect(normalizePhone('555.010.0001')).toBe('+15550100001');
  });

  it('hands out copies: a caller cannot change the store', async () => {
    const p = (await demo.byCustomerId('C1001'))!;
    p.billing.balance = 0;
    expect((await demo.byCustomerId('C1001'))!.billing.balance).toBe(145);
  });

  it('moves dates with today, but never a date of birth', async () => {
    const later = FileProfileSource.loadSync(file, { today: new Date('2027-01-03T10:00:00Z') }); // 40 days on
    const asWritten = FileProfileSource.loadSync(file);
    const p = (await later.byCustomerId('C1002'))!;
    const orig = (await asWritten.byCustomerId('C1002'))!;
    expect(orig.contract?.endDate).toBe('2027-01-15');
    expect(p.contract?.endDate).toBe('2027-02-24');
    expect(p.orders[0]!.eta).toBe('2027-01-03');
    expect(p.dateOfBirth).toBe(orig.dateOfBirth);
  });

  describe('a broken file', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'frontline-profiles-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('names file, line and field', () => {
      const broken = join(dir, 'customers.yaml');
      const text = readFileSync(file, 'utf8').replace('    value: 78\n', '    value: 780\n');
      writeFileSync(broken, text);
      const line = text.split('\n').findIndex((l) => l === '    value: 780') + 1;
      expect(() => FileProfileSource.loadSync(broken)).toThrow(
        `${broken}:${line} customers[2].scores.value: Number must be less than or equal to 100`,
      );
    });

    it('refuses two customers with the same phone number', () => {
      const broken = join(dir, 'customers.yaml');
      writeFileSync(broken, readFileSync(file, 'utf8').replace("- '+15550100002'", "- '+15550100001'"));
      expect(() => FileProfileSource.loadSync(broken)).toThrow(/customers\[1\]\.phones: a phone number is used by two customers/);
    });
  });
});
