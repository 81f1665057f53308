/**
 * The agent desk and Web Chat in real browsers, as the "what it must
 * show" tells it: a customer disputes a bill in Web Chat; Dana (billing)
 * sees the contact with invoices and without orders, accepts and writes;
 * the customer reads and answers; Dana reads the answer and transfers to
 * customer care with a note; Marco takes it, ends it with a disposition; the
 * customer answers the survey; the outcome holds the disposition and score.
 * Screenshots are kept in test-output/desk/; with UPDATE_SCREENSHOTS=1 the last one becomes the README's picture.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';

jest.setTimeout(180_000);

const shots = join(root, 'test-output', 'desk');
const wait = { timeout: 30_000 };

let app: RunningApp;
/** One Chromium; each person (the customer, Dana, Marco) has a window of their own in it. */
let browser: Browser | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp();
  browser = await launchChromium();
});

afterEach(async () => {
  // What each window showed when a step failed.
  for (const [i, page] of pages.entries()) await page.screenshot({ path: join(shots, `last-window-${i}.png`) }).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const pages: Page[] = [];

async function newWindow(width = 1400, height = 860): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  pages.push(page);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

async function signIn(page: Page, agentId: string): Promise<void> {
  const password = app.app.agents!.demoPasswords.find((a) => a.id === agentId)!.password;
  await page.goto(`${app.url}/agent`);
  await page.locator('#agent-id').fill(agentId);
  await page.locator('#password').fill(password);
  await page.locator('#password').press('Enter');
  await page.locator('#live.on').waitFor(wait);
}

async function customerSays(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-id="webchat-sendbox-input"]');
  await box.fill(text);
  await box.press('Enter');
}

const customerSees = (page: Page, text: string) => page.getByText(text, { exact: false }).last().waitFor({ state: 'visible', ...wait });

describe('the agent desk with a customer in Web Chat', () => {
  it('takes a billing dispute from the queue to a disposition and a survey score', async () => {
    const customer = await newWindow(800, 760);
    await customer.goto(`${app.url}/?as=C1003`);
    await customerSees(customer, 'Hi Sofia');

    const dana = await newWindow();
    await signIn(dana, 'dana');
    await dana.locator('[data-queue="billing"] .count', { hasText: '0' }).waitFor(wait);

    await customerSays(customer, "I've been charged twice on my November bill");
    await customerSees(customer, 'Billing');

    // Dana is told, sees it in her queue, and opens the card: invoices, no orders.
    await dana.locator('.toast.arrival', { hasText: 'Sofia' }).waitFor(wait);
    const item = dana.locator('[data-queue="billing"] .contact-item', { hasText: 'Sofia' });
    await item.waitFor(wait);
    expect(await dana.title()).toMatch(/\(1 waiting\)/);
    // The priority in words, explained by a legend the chip points to (review finding 24: "P70" said nothing).
    const chip = item.locator('.chip.priority');
    expect(await chip.innerText()).toMatch(/^Priority \d+$/);
    const legend = dana.locator(`#${await chip.getAttribute('aria-describedby')}`);
    expect(await legend.isVisible()).toBe(true);
    expect(await legend.innerText()).toContain('the highest priority first, then the longest wait');
    await item.click();
    await dana.locator('.card [data-section="invoices"]').waitFor(wait);
    expect(await dana.locator('.card [data-section="orders"]').count()).toBe(0);
    expect(await dana.locator('.card .words').innerText()).toContain('charged twice');
    expect(await dana.locator('.card details.transcript').getAttribute('open')).toBeNull();
    await dana.screenshot({ path: join(shots, '1-billing-queue-card.png') });

    // Accept with the keyboard; the customer is told who joined.
    await dana.keyboard.press('a');
    await dana.locator('#composer:not([disabled])').waitFor(wait);
    await customerSees(customer, 'Dana from Billing has joined');
    await dana.locator('#composer').fill('Hi Sofia, I can see two charges on your November bill. Let me look into it.');
    await dana.locator('#composer').press('Enter');
    await customerSees(customer, 'I can see two charges on your November bill');

    await customerSays(customer, 'Thank you, the second charge was on the 3rd');
    await dana.locator('.msg.from-customer', { hasText: 'the second charge was on the 3rd' }).waitFor(wait);
    await dana.screenshot({ path: join(shots, '2-dana-chatting.png') });
    await customer.screenshot({ path: join(shots, '2-customer-chatting.png') });

    // Transfer to customer care with a private note.
    await dana.keyboard.press('Escape'); // leaves the chat box: the keys are shortcuts again
    await dana.keyboard.press('t');
    await dana.locator('#transfer-target').selectOption({ label: 'Customer Care' });
    await dana.locator('#transfer-note').fill('Double charge confirmed; refund of $80 approved. She also wants to complain about the wait.');
    await dana.getByRole('button', { name: 'Transfer', exact: true }).last().click();
    await dana.locator('.toast', { hasText: 'Transferred' }).waitFor(wait);
    await customerSees(customer, 'Customer Care');

    // Marco takes it, reads the note, ends it with a disposition.
    const marco = await newWindow();
    await signIn(marco, 'marco');
    const moved = marco.locator('[data-queue="customer_care"] .contact-item', { hasText: 'Sofia' });
    await moved.waitFor(wait);
    await moved.click();
    await marco.locator('#accept').click();
    await marco.locator('.notes', { hasText: 'refund of $80 approved' }).waitFor(wait);
    await marco.locator('.msg.from-agent', { hasText: 'two charges' }).waitFor(wait);
    await customerSees(customer, 'Marco');
    // Marco credits the double charge with the guided process the card proposes for a billing dispute.
    const processes = marco.locator('section[data-panel="processes"]');
    await processes.locator('[data-process="credit_charge"] button').click();
    const form = processes.locator('form[data-form="choose_charge"]');
    await form.locator('select[name="invoice"]').selectOption('INV-C1003-202611');
    await form.locator('input[name="amount"]').fill('40');
    await form.locator('select[name="reason"]').selectOption('charged_twice');
    await form.getByRole('button', { name: 'Credit it' }).click();
    await processes.locator('.process-done li[data-outcome="charge_credited"]').waitFor(wait);
    await marco.screenshot({ path: join(shots, '3b-marco-process.png') });
    await marco.locator('#composer').fill('Hi Sofia, Marco here. The refund is on its way and I have logged your complaint.');
    await marco.locator('#composer').press('Enter');
    await customerSees(customer, 'The refund is on its way');
    await marco.screenshot({ path: join(shots, '3-marco-with-note.png') });
    // The README's picture of the desk, refreshed on request only: a test run leaves the checkout as it was.
    if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(join(shots, '3-marco-with-note.png'), join(root, 'docs', 'agent-desk.png'));

    await marco.keyboard.press('Escape');
    await marco.keyboard.press('e');
    await marco.locator('input[name="disposition"][value="resolved"]').check();
    await marco.getByRole('button', { name: 'End', exact: true }).last().click();
    await marco.locator('.toast', { hasText: 'Ended' }).waitFor(wait);

    // The survey, answered; the outcome holds the disposition and the score.
    await customerSees(customer, 'how satisfied are you');
    await customerSays(customer, '5');
    await customerSees(customer, 'Thank you for your feedback');
    await customer.screenshot({ path: join(shots, '4-customer-survey.png') });

    const events = (await app.app.store.events.read(-1)).map((e) => e.event);
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'process_completed', detail: expect.objectContaining({ process: 'credit_charge', outcome: 'charge_credited', agent: 'marco' }) }),
    );
    expect(events).toContainEqual(expect.objectContaining({ kind: 'survey', channel: 'chat', detail: expect.objectContaining({ disposition: 'resolved', score: 5 }) }));
    expect(pageErrors).toEqual([]);
  });
});
