/**
 * Microsoft Web Chat in a real browser (Debian's Chromium driven by
 * playwright-core) against the bot's own Direct Line endpoint.
 * Screenshots are kept in test-output/webchat/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { openChromium, type OpenBrowser } from '../support/chromium';
import { root } from '../support/harness';
import { startApp, type RunningApp } from '../support/server';

jest.setTimeout(90_000);

const shots = join(root, 'test-output', 'webchat');

let app: RunningApp;
let context: BrowserContext;
let browser: OpenBrowser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp();
  browser = await openChromium({
    viewport: { width: 1280, height: 800 },
  });
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${app.url}${path}`);
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-id="webchat-sendbox-input"]');
  await box.fill(text);
  await box.press('Enter');
}

async function expectText(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).last().waitFor({ state: 'visible', timeout: 20_000 });
}

describe('web chat in a browser', () => {
  it('a signed-in customer tracks an order and reads its ETA', async () => {
    const page = await open('/?as=C1001');
    await expectText(page, 'Hi Maya');
    await say(page, 'where is my order');
    await expectText(page, 'expected on Thursday, November 26');
    await expect(page.getByRole('button', { name: 'Track your parcel' })).toBeVisible();
    await page.screenshot({ path: join(shots, 'track-order.png') });
    await page.close();
  });

  it('choices are buttons the customer can click', async () => {
    const page = await open('/?as=C1011');
    await expectText(page, 'Hi Hannah');
    await say(page, 'track my order');
    await page.getByRole('button', { name: 'Samsung Galaxy S25 (BW-550002)' }).first().click();
    await expectText(page, 'expected on Saturday, November 28');
    await page.screenshot({ path: join(shots, 'choose-order.png') });
    await page.close();
  });

  it('asking to cancel shows the handoff, honest that nobody from the team is at the desk', async () => {
    const page = await open('/?as=C1003');
    await expectText(page, 'Hi Sofia');
    await say(page, 'I want to cancel my contract');
    await expectText(page, 'nobody from the team is available right now');
    await page.screenshot({ path: join(shots, 'cancel-handoff.png') });
    await page.close();
  });

  it('an anonymous visitor asks for opening hours', async () => {
    const page = await open('/');
    await expectText(page, 'I can help with your bill, orders, data, outages and more');
    await expect(page.locator('#customer')).toHaveValue('');
    await say(page, 'what are your opening hours?');
    await expectText(page, 'Brightwave Union Square');
    await page.screenshot({ path: join(shots, 'anonymous-hours.png') });
    await page.close();
  });
});

/** Minimal async matchers on locators (jest has no Playwright expect). */
async function expectVisible(l: ReturnType<Page['locator']>) {
  await l.first().waitFor({ state: 'visible', timeout: 20_000 });
}
function expect(l: ReturnType<Page['locator']>) {
  return {
    toBeVisible: () => expectVisible(l),
    toHaveValue: async (v: string) => {
      const got = await l.inputValue();
      if (got !== v) throw new Error(`expected value "${v}", got "${got}"`);
    },
  };
}
