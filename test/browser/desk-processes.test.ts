/**
 * The guided-process panel on the desk page, in Chromium: an agent holding a
 * billing dispute starts "Credit a charge" from the card, fills in the form,
 * reads why the form refuses more than the invoice chosen, mends it, and sees the credit done.
 * Screenshots are kept in test-output/desk/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Agent, DeskNote, DeskResult } from '../../bot/desk/desk';
import { ProcessRunner } from '../../bot/desk/processes';
import { silentLogger } from '../../bot/log';
import { LeaseLock } from '../../integrations/state/lease-lock';
import { openChromium, type OpenBrowser } from '../support/chromium';
import { fakeHandoff, FakeDesk } from '../support/fake-desk';
import { root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';

jest.setTimeout(120_000);

const shots = join(root, 'test-output', 'desk');

class NotingDesk extends FakeDesk {
  async note(agent: Agent, id: string, text: string): Promise<DeskResult<DeskNote>> {
    const note = { at: '2026-11-24T17:00:00.000Z', agentName: agent.name, text };
    this.contacts.get(id)!.notes.push(note);
    return { ok: true, value: note };
  }
}

let running: RunningApp;
let browser: OpenBrowser;
const desk = new NotingDesk();

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  running = await startApp({ QUEUES_API: 'off' }, { desk });
  const { app } = running;
  desk.add(fakeHandoff('h-sofia', 'billing', { customer: { id: 'C1003', name: 'Sofia Ramirez', segment: 'gold', strategy: 'retain', intensity: 'proactive', verified: true } }));
  const marco = app.agents!.all().find((a) => a.id === 'marco')!;
  expect((await desk.accept(marco, 'h-sofia')).ok).toBe(true);
  browser = await openChromium({ viewport: { width: 1440, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
});

async function signIn(id: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${running.url}/agent`);
  await page.locator('#agent-id').fill(id);
  await page.locator('#password').fill(running.app.agents!.demoPasswords.find((a) => a.id === id)!.password);
  await page.locator('#signin-button').click();
  await page.locator('#mine .contact-item').first().waitFor();
  return page;
}

it('an agent credits a disputed charge from the card, after the form refuses more than the invoice', async () => {
  const page = await signIn('marco');
  await page.locator('#mine .contact-item[data-contact-id="h-sofia"]').click();
  const panel = page.locator('section[data-panel="processes"]');
  await panel.locator('[data-process="credit_charge"] button').click();

  const form = panel.locator('form[data-form="choose_charge"]');
  await form.waitFor();
  await expect(form.locator('.process-text').textContent()).resolves.toBe('Balance $80.00. Find the charge with the customer, then credit what was wrong.');
  // The form opens on its first field: the agent types straight away.
  expect(await page.evaluate('document.activeElement && document.activeElement.getAttribute("name")')).toBe('invoice');
  const hint = form.locator('[data-field="amount"] .muted');
  const amount = form.locator('input[name="amount"]');
  await expect(hint.textContent()).resolves.toBe('Never more than the invoice the customer disputes. (from $0.01 up to the amount of the invoice)');
  // The invoice picked sets the limit the agent reads and the box's max, before anything is sent.
  await form.locator('select[name="invoice"]').selectOption('INV-C1003-202611');
  await expect(hint.textContent()).resolves.toBe('Never more than the invoice the customer disputes. (from $0.01 up to $80.00, the amount of the invoice)');
  await expect(amount.getAttribute('max')).resolves.toBe('80');
  await form.locator('select[name="invoice"]').selectOption('INV-C1003-202610');
  await expect(amount.getAttribute('max')).resolves.toBe('40');
  await form.locator('select[name="invoice"]').selectOption('INV-C1003-202611');
  await amount.fill('120');
  await form.locator('select[name="reason"]').selectOption('charged_twice');
  await form.getByRole('button', { name: 'Credit it' }).click();
  // Checked against the invoice chosen, under the field, before the back office is called.
  await form.locator('[data-field="amount"] .field-error').getByText('at most $80.00 (the amount of the invoice)').waitFor();
  await page.screenshot({ path: join(shots, 'process-refused.png') });

  await form.locator('input[name="amount"]').fill('40');
  await form.getByRole('button', { name: 'Credit it' }).click();
  const done = panel.locator('.process-done li[data-outcome="charge_credited"]');
  await done.waitFor();
  await expect(done.textContent()).resolves.toMatch(/Credit a charge · Marco · \d\d:\d\dCredited \$40\.00 on invoice INV-C1003-202611 \(Charged twice\), credit CR-\d{6}/);
  await page.screenshot({ path: join(shots, 'process-done.png') });
  expect(desk.contacts.get('h-sofia')!.notes.map((n) => n.text)).toEqual([expect.stringMatching(/^Credit a charge: Credited \$40\.00/)]);
  await page.close();
});
