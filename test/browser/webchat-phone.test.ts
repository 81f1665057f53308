/**
 * The web chat on a phone (390 px wide, Chromium): a launcher bubble, a
 * full-screen chat, a connection dot that tells the truth, and no request
 * that answers 404. Screenshots in test-output/webchat/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { openChromium, type OpenBrowser } from '../support/chromium';
import { root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';

jest.setTimeout(90_000);

const shots = join(root, 'test-output', 'webchat');
const WIDTH = 390;
const HEIGHT = 844;

let app: RunningApp;
let context: BrowserContext;
let browser: OpenBrowser;
const notFound: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp();
  browser = await openChromium({
    viewport: { width: WIDTH, height: HEIGHT },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  context = browser.context;
  context.on('response', (r) => {
    if (r.status() === 404) notFound.push(r.url());
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const box = async (page: Page, selector: string) => (await page.locator(selector).boundingBox())!;

it('opens from a launcher bubble into a full-screen chat that fits 390 px, with the dot online', async () => {
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await launcher.waitFor({ state: 'visible' });
  expect(await page.locator('.widget').isVisible()).toBe(false);
  await page.screenshot({ path: join(shots, 'phone-390-launcher.png') });

  await launcher.click();
  await page.getByText('I can help with your bill, orders, data, outages and more').last().waitFor({ state: 'visible', timeout: 20_000 });
  expect(await box(page, '.widget')).toEqual({ x: 0, y: 0, width: WIDTH, height: HEIGHT });
  await page.locator('#dot.online').waitFor({ state: 'visible', timeout: 20_000 });
  expect(await page.locator('#status').textContent()).toBe('Online');

  const input = page.locator('[data-id="webchat-sendbox-input"]');
  const sendBox = await input.boundingBox();
  expect(sendBox!.x).toBeGreaterThanOrEqual(0);
  expect(sendBox!.x + sendBox!.width).toBeLessThanOrEqual(WIDTH);
  expect(sendBox!.y + sendBox!.height).toBeLessThanOrEqual(HEIGHT);
  await input.fill('what are your opening hours?');
  await input.press('Enter');
  const answer = page.getByText('Brightwave Union Square', { exact: false }).last();
  await answer.waitFor({ state: 'visible', timeout: 20_000 });
  const bubble = (await answer.boundingBox())!;
  expect(bubble.x + bubble.width).toBeLessThanOrEqual(WIDTH);
  expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(WIDTH);
  await page.screenshot({ path: join(shots, 'phone-390-chat.png') });

  await page.getByRole('button', { name: 'Close chat' }).click();
  await launcher.waitFor({ state: 'visible' });
  expect(notFound).toEqual([]);
  await page.close();
});

it('shows the dot offline when the chat cannot connect', async () => {
  const page = await context.newPage();
  await page.route('**/api/webchat/token', (route) => route.fulfill({ status: 503, body: '{}' }));
  await page.goto(`${app.url}/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.locator('#dot.offline').waitFor({ state: 'visible', timeout: 20_000 });
  expect(await page.locator('#status').textContent()).toBe('Offline');
  await page.close();
});
