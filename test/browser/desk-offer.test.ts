/**
 * The /agent page for a transfer to a named agent and the customer's typing,
 * in Chromium: Dana passes Sofia's chat to Marco with a note (over the desk
 * API); Marco is told, sees the contact offered by Dana with her note,
 * accepts with the keyboard, and reads "Sofia Ramirez is typing…" while
 * the customer types. Screenshot in test-output/desk/. And the desk's live
 * stream, answered with an error (as while the store is down), opened again
 * by the page itself: a customer who arrives afterwards shows in the queue.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { deskAgent } from '../support/desk-agent';
import { openChromium, type OpenBrowser } from '../support/chromium';
import { root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';
import { webCustomer } from '../support/web-customer';

jest.setTimeout(180_000);

const shots = join(root, 'test-output', 'desk');
const wait = { timeout: 30_000 };
const password = (id: string) => app.app.agents!.demoPasswords.find((a) => a.id === id)!.password;

let app: RunningApp;
let browser: OpenBrowser | undefined;
let page: Page;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp();
  browser = await openChromium({ viewport: { width: 1400, height: 860 } });
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('a transfer offered to an agent at the desk', () => {
  it('is announced, shows who offers it with the note, is accepted with the keyboard, and the customer typing shows', async () => {
    await page.goto(`${app.url}/agent`);
    await page.locator('#agent-id').fill('marco');
    await page.locator('#password').fill(password('marco'));
    await page.locator('#password').press('Enter');
    await page.locator('#live.on').waitFor(wait);

    const chat = await webCustomer(app, 'C1003');
    await chat.say("I've been charged twice on my November bill");
    const contactId = (await app.app.engine.peek(chat.conversationId))!.handedOff!.handoffId;
    const dana = deskAgent(app.url);
    expect((await dana.signIn('dana', password('dana'))).status).toBe(200);
    expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/accept`)).status).toBe(200);
    const note = 'Refund approved <b>not bold</b>; she wants the wait explained';
    expect((await dana.post(`/api/desk/contacts/${encodeURIComponent(contactId)}/transfer`, { agentId: 'marco', note })).status).toBe(200);

    await page.locator('.toast', { hasText: 'Dana is transferring Sofia Ramirez to you' }).waitFor(wait);
    const item = page.locator('#mine .contact-item', { hasText: 'Sofia' });
    await item.locator('.chip.offered', { hasText: 'Offered by Dana' }).waitFor(wait);
    await item.click();
    const banner = page.locator('.offer-banner');
    await banner.waitFor(wait);
    expect(await banner.innerText()).toContain('Dana is transferring this contact to you.');
    expect(await page.locator('.conversation-head .status').innerText()).toBe('Offered to you');
    // The note is text, never markup.
    expect(await banner.locator('.offer-note').innerText()).toBe(note);
    expect(await banner.locator('b').count()).toBe(0);
    expect(await page.locator('#composer').isDisabled()).toBe(true);
    expect(await page.locator('#decline').isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'offer-to-marco.png') });

    await page.locator('#decline').focus();
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    await page.locator('#composer:not([disabled])').waitFor(wait);
    expect(await page.locator('.offer-banner').count()).toBe(0);
    expect((await chat.read()).map((s) => s.text)).toContain('Marco from Billing has joined.');

    // Web Chat sends a typing activity every few seconds while the customer types.
    app.advance(3000);
    await chat.typing();
    await page.locator('.typing:not([hidden])', { hasText: 'Sofia Ramirez is typing…' }).waitFor(wait);
  });
});

describe("the desk's live stream", () => {
  it('is opened again by the page after the server answered it with an error, and a customer who arrives then shows', async () => {
    // Signed out of the first test's session (one browser profile for the file).
    await browser!.context.clearCookies();
    const desk = await browser!.context.newPage();
    // A browser's EventSource gives up for good on an error answer: the first two tries get one.
    let refused = 0;
    await desk.route('**/api/desk/events', async (route) => {
      if (refused >= 2) return route.continue();
      refused += 1;
      return route.fulfill({ status: 500, contentType: 'application/json', body: '{"code":"InternalError","message":"Something went wrong on our side."}' });
    });
    await desk.goto(`${app.url}/agent`);
    await desk.locator('#agent-id').fill('dana');
    await desk.locator('#password').fill(password('dana'));
    await desk.locator('#password').press('Enter');
    await desk.locator('#live.off', { hasText: 'Reconnecting…' }).waitFor(wait);
    await desk.locator('#live.on').waitFor(wait);
    expect(refused).toBe(2);

    const chat = await webCustomer(app, 'C1004');
    await chat.say('I was charged twice on my bill');
    await desk.locator('[data-queue="billing"] .contact-item', { hasText: 'David' }).waitFor(wait);
  });
});
