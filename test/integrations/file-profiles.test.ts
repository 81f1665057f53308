/**
 * The file-backed CI profiles and the demo customers: the coverage the demo
 * promises (checked against the real file), phone lookup, copies, address
 * updates, date shifting, and errors that name file, line and field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { profileFacts } from '../../bot/domain/facts';
import { segmentOf } from '../../bot/engine/segment';
import { ProfileSourceError } from '../../bot/engine/ports';
import type { Profile } from '../../bot/domain/profile';
import { FileProfileSource, normalizePhone } from '../../integrations/ci/file-profiles';
import { codeNames } from '../../bot/compose';
import { loadContent } from '../../bot/content/load';
import { root } from '../support/harness';

const file = join(root, 'integrations/demo/customers.yaml');
const AS_OF = '2026-11-24';
/** The dates as written: every "days" below counts from as_of. */
const demo = FileProfileSource.loadSync(file);
const all = demo.all();

const daysFromAsOf = (date: string) => Math.round((Date.parse(date.slice(0, 10)) - Date.parse(AS_OF)) / 86_400_000);
/** The demo's segmentation rule (rules/segments.yaml), from the scores alone. */
const segment = ({ scores: { value, potential } }: Profile) =>
  value >= 70 && potential >= 70 ? 'platinum' : value >= 70 ? 'gold' : potential >= 70 ? 'growth' : 'standard';
const dataUsedPct = (p: Profile) =>
  p.products
    .filter((x) => typeof x.allowanceGb === 'number' && x.allowanceGb > 0)
    .map((x) => ((x.usedGb ?? 0) / (x.allowanceGb as number)) * 100);
const ids = (ps: Profile[]) => ps.map((p) => p.id);

describe('the demo customers', () => {
  it('are at least 14 well-formed US customers', () => {
    expect(all.length).toBeGreaterThanOrEqual(14);
    expect(parse(readFileSync(file, 'utf8')).as_of).toBe(AS_OF);
    for (const p of all) {
      expect(p.id).toMatch(/^C1\d{3}$/);
      for (const phone of p.phones) expect(phone).toMatch(/^\+1555010\d{4}$/);
      expect(p.address.postcode).toMatch(/^\d{5}$/);
      expect(p.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (p.email) expect(p.email).toMatch(/^[a-z.]+@example\.com$/);
      for (const pr of p.products) expect(['mobile', 'broadband', 'tv']).toContain(pr.kind);
    }
    const phones = all.flatMap((p) => p.phones);
    expect(new Set(phones).size).toBe(phones.length);
    expect(all.filter((p) => p.phones.length === 2)).toHaveLength(1);
  });

  it('has at least two customers in every segment, and the content rules agree', () => {
    for (const s of ['platinum', 'gold', 'growth', 'standard']) expect(all.filter((p) => segment(p) === s).length).toBeGreaterThanOrEqual(2);
    // The content alone: the segment rules need no model.
    const rules = loadContent(root, codeNames).segments;
    for (const p of all) expect([p.id, segmentOf(rules, p, profileFacts(p, new Date(`${AS_OF}T17:00:00Z`))).segment]).toEqual([p.id, segment(p)]);
  });

  it('has one customer in the outage ZIP code, 94110', () => {
    expect(ids(all.filter((p) => p.address.postcode === '94110'))).toHaveLength(1);
    const outages = parse(readFileSync(join(root, 'integrations/demo/outages.yaml'), 'utf8')) as { outages: { postcodes: string[]; service: string }[] };
    expect(outages.outages.some((o) => o.service === 'broadband' && o.postcodes.includes('94110'))).toBe(true);
  });

  it('has trackable open orders (one and two per customer) and delivered history', () => {
    const open = (p: Profile) => p.orders.filter((o) => o.open);
    expect(all.some((p) => open(p).length === 2)).toBe(true);
    expect(all.some((p) => open(p).length === 1)).toBe(true);
    for (const o of all.flatMap(open)) {
      expect(o.id).toMatch(/^BW-\d{6}$/);
      expect(o).toEqual(expect.objectContaining({ carrier: expect.any(String), eta: expect.any(String), trackingUrl: expect.any(String) }));
      expect(['shipped', 'processing', 'out for delivery']).toContain(o.status);
    }
    expect(all.some((p) => p.orders.some((o) => !o.open && o.status === 'delivered'))).toBe(true);
  });

  it('has entitlements only where there is a phone to upgrade, free or with a fee', () => {
    const entitled = all.filter((p) => Object.keys(p.entitlements).length > 0);
    for (const p of entitled) {
      expect([p.id, p.products.some((x) => x.kind === 'mobile') && p.devices.length > 0]).toEqual([p.id, true]);
      if (p.entitlements.free_upgrade === false) expect(typeof p.entitlements.early_upgrade_fee).toBe('number');
    }
    expect(entitled.filter((p) => p.entitlements.free_upgrade === true).length).toBeGreaterThanOrEqual(2);
    expect(entitled.filter((p) => p.entitlements.free_upgrade === false).length).toBeGreaterThanOrEqual(2);
  });

  it('has contracts ending within 90 days and later or never', () => {
    const soon = all.filter((p) => p.contract?.endDate && daysFromAsOf(p.contract.endDate) >= 0 && daysFromAsOf(p.contract.endDate) <= 90);
    expect(soon.length).toBeGreaterThanOrEqual(2);
    expect(all.some((p) => p.contract?.endDate && daysFromAsOf(p.contract.endDate) > 90)).toBe(true);
    expect(all.some((p) => !p.contract?.endDate)).toBe(true);
  });

  it('has high churn risks (one gold), each with a retention offer', () => {
    const risky = all.filter((p) => p.scores.churnRisk >= 0.7);
    expect(risky.length).toBeGreaterThanOrEqual(2);
    expect(risky.some((p) => segment(p) === 'gold')).toBe(true);
    for (const p of risky) expect([p.id, p.retentionOffers.length > 0]).toEqual([p.id, true]);
  });

  it('has heavy and light data users, and customers without broadband', () => {
    expect(all.filter((p) => dataUsedPct(p).some((x) => x >= 90)).length).toBeGreaterThanOrEqual(2);
    expect(all.filter((p) => dataUsedPct(p).some((x) => x <= 30)).length).toBeGreaterThanOrEqual(2);
    expect(all.some((p) => !p.products.some((x) => x.kind === 'broadband'))).toBe(true);
  });

  it('has campaigns: recent unanswered, accepted, declined', () => {
    const campaigns = all.flatMap((p) => p.campaigns);
    for (const name of ['Fibre 1 Gig upgrade', 'Unlimited Plus', 'Loyalty renewal']) expect(campaigns.map((c) => c.name)).toContain(name);
    expect(campaigns.filter((c) => c.response === null && daysFromAsOf(c.sentAt) >= -30).length).toBeGreaterThanOrEqual(2);
    expect(campaigns.some((c) => c.response === 'accepted')).toBe(true);
    expect(campaigns.some((c) => c.response === 'declined')).toBe(true);
    for (const c of campaigns) expect(c.keywords.length).toBeGreaterThan(0);
  });

  it('has a billing history for everyone and one disputed double charge', () => {
    for (const p of all) expect([p.id, p.billing.invoices.length >= 3 && p.billing.invoices.length <= 6]).toEqual([p.id, true]);
    const disputed = all.filter((p) => p.billing.invoices.some((i) => i.status === 'disputed'));
    expect(ids(disputed)).toHaveLength(1);
    const [inv, ...earlier] = disputed[0]!.billing.invoices;
    expect(inv!.status).toBe('disputed');
    expect(earlier.some((i) => i.amount * 2 === inv!.amount)).toBe(true);
  });

  it('has contacts by intent topic, recent and older, and open and closed tickets', () => {
    const contacts = all.flatMap((p) => p.contacts);
    for (const t of ['billing_dispute', 'tech_support', 'track_order', 'complaint', 'cancel_service', 'check_balance'])
      expect(contacts.map((c) => c.topic)).toContain(t);
    expect(contacts.some((c) => daysFromAsOf(c.date) >= -90)).toBe(true);
    expect(contacts.some((c) => daysFromAsOf(c.date) < -90)).toBe(true);
    const tickets = all.flatMap((p) => p.tickets);
    expect(tickets.some((t) => t.status === 'open')).toBe(true);
    expect(tickets.some((t) => t.status === 'closed')).toBe(true);
  });

  it('has nothing placed, sent, paid or said after as_of', () => {
    for (const p of all) {
      const past = [
        p.customerSince,
        ...p.orders.flatMap((o) => o.placed ?? []),
        ...p.contacts.map((c) => c.date),
        ...p.tickets.map((t) => t.opened),
        ...p.campaigns.map((c) => c.sentAt),
        ...p.billing.invoices.map((i) => i.date),
        ...(p.billing.lastPayment ? [p.billing.lastPayment.date] : []),
      ];
      for (const d of past) expect([p.id, d, daysFromAsOf(d) <= 0]).toEqual([p.id, d, true]);
    }
  });
});

describe('FileProfileSource', () => {
  it('finds a customer by the phone number however it is written', async () => {
    expect((await demo.byPhone('(555) 010-0001'))?.id).toBe('C1001');
    expect((await demo.byPhone('555.010.0001'))?.id).toBe('C1001');
    expect((await demo.byPhone('1-555-010-0001'))?.id).toBe('C1001');
    expect((await demo.byPhone('+1 555 010 0013'))?.id).toBe('C1003'); // her second phone
    expect(normalizePhone('15550100001')).toBe('+15550100001');
    expect(normalizePhone('+44 20 7946 0000')).toBe('+442079460000');
  });

  it('answers null for nobody', async () => {
    expect(await demo.byPhone('+15550000000')).toBeNull();
    expect(await demo.byCustomerId('C9999')).toBeNull();
  });

  it('hands out read-only profiles: a caller cannot change the store', async () => {
    const p = (await demo.byCustomerId('C1001'))!;
    expect(() => (p.billing.balance = 0)).toThrow(TypeError);
    expect(() => p.orders.pop()).toThrow(TypeError);
    expect((await demo.byCustomerId('C1001'))!.billing.balance).toBe(145);
    expect((await demo.byPhone('+15550100001'))!.orders).toHaveLength(2);
  });

  it('updates an address in memory, for later lookups, never in the file', async () => {
    const source = FileProfileSource.loadSync(file);
    const before = readFileSync(file, 'utf8');
    await source.updateAddress('C1004', { line1: '77 Shattuck Avenue', city: 'Berkeley', region: 'CA', postcode: '94705' });
    expect((await source.byCustomerId('C1004'))!.address).toEqual({ line1: '77 Shattuck Avenue', city: 'Berkeley', region: 'CA', postcode: '94705' });
    expect((await source.byPhone('(555) 010-0004'))!.address.postcode).toBe('94705');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect((await demo.byCustomerId('C1004'))!.address.postcode).toBe('94704'); // another source is untouched
    await expect(source.updateAddress('C9999', { line1: 'x', city: 'y', postcode: '00000' })).rejects.toBeInstanceOf(ProfileSourceError);
  });

  it('moves dates with today, but never a date of birth', async () => {
    const later = FileProfileSource.loadSync(file, { today: new Date('2027-01-03T10:00:00Z') }); // 40 days on
    const p = (await later.byCustomerId('C1002'))!;
    const orig = (await demo.byCustomerId('C1002'))!;
    expect(orig.contract?.endDate).toBe('2027-01-15');
    expect(p.contract?.endDate).toBe('2027-02-24');
    expect(p.orders[0]!.eta).toBe('2027-01-03');
    expect(p.campaigns[0]!.sentAt).toBe('2026-12-20');
    expect(p.billing.invoices[0]!.date).toBe('2026-12-11');
    expect(p.customerSince).toBe('2012-09-24');
    expect(p.dateOfBirth).toBe(orig.dateOfBirth);
    const earlier = FileProfileSource.loadSync(file, { today: new Date('2026-11-14T23:59:00Z') }); // 10 days back
    expect((await earlier.byCustomerId('C1002'))!.contract?.endDate).toBe('2027-01-05');
    const same = FileProfileSource.loadSync(file, { today: new Date(`${AS_OF}T08:00:00Z`) });
    expect(await same.byCustomerId('C1002')).toEqual(orig);
  });

  describe('a broken file', () => {
    let dir: string;
    let broken: string;
    const source = readFileSync(file, 'utf8');
    const lineOf = (text: string, line: string) => text.split('\n').indexOf(line) + 1;
    const write = (text: string) => {
      writeFileSync(broken, text);
      return text;
    };
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'frontline-profiles-'));
      broken = join(dir, 'customers.yaml');
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('names file, line and field', async () => {
      const text = write(source.replace('    value: 78\n', '    value: 780\n'));
      const line = lineOf(text, '    value: 780');
      expect(line).toBeGreaterThan(1);
      await expect(FileProfileSource.load(broken)).rejects.toThrow(
        `${broken}:${line} customers[2].scores.value: Number must be less than or equal to 100`,
      );
    });

    it('names the nearest line there is when a field is missing', () => {
      const text = write(source.replace('  firstName: David\n', ''));
      expect(() => FileProfileSource.loadSync(broken)).toThrow(`${broken}:${lineOf(text, '- id: C1004')} customers[3].firstName: Required`);
    });

    it('gives a one-line message', () => {
      write(source.replace("    postcode: '94110'\n", '    postcode: [94110]\n'));
      let message = '';
      try {
        FileProfileSource.loadSync(broken);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^\S+customers\.yaml:\d+ customers\[0\]\.address\.postcode: Expected string, received array$/);
    });

    it('refuses two customers with the same phone number, written differently', () => {
      const text = write(source.replace("  - '+15550100002'", "  - '(555) 010-0001'"));
      expect(() => FileProfileSource.loadSync(broken)).toThrow(
        `${broken}:${lineOf(text, "  - '(555) 010-0001'")} customers[1].phones[0]: a phone number of customers[0] (C1001) too`,
      );
    });

    it('refuses two customers with the same id', () => {
      write(source.replace('- id: C1002\n', '- id: C1001\n'));
      expect(() => FileProfileSource.loadSync(broken)).toThrow(/customers\.yaml:\d+ customers\[1\]\.id: duplicate customer id C1001 \(also customers\[0\]\)$/);
    });
  });
});
