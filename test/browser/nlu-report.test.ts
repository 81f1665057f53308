/**
 * `npm run nlu -- eval --html` opened from disk in a real browser (Debian's
 * Chromium driven by playwright-core) with every network request refused:
 * the charts draw from what the file holds. The screenshot is kept in
 * test-output/nlu-report/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext } from 'playwright-core';
import { openChromium, type OpenBrowser } from '../support/chromium';
import { root } from '../support/harness';
import { runScript } from '../support/spawn';

jest.setTimeout(240_000);

const out = join(root, 'test-output', 'nlu-report');
const html = join(out, 'report.html');

let context: BrowserContext;
let browser: OpenBrowser;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  rmSync(html, { force: true });
  // Two-fold cross-validation on the demo intents: quick, with labelled out-of-scope examples.
  const r = runScript('nlu', ['eval', '--folds', '2', '--html', html]);
  if (r.status !== 0) throw new Error(r.stderr);
  browser = await openChromium({
    viewport: { width: 1280, height: 900 },
  });
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
});

it('renders the figures, the per-intent chart, the confusion heatmap with examples and the threshold sweep, offline', async () => {
  const page = await context.newPage();
  const outside: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(html).href);

  await page.getByRole('heading', { name: 'How well the assistant understands' }).waitFor();
  const figures = page.locator('table.figures');
  const row = (name: string) => figures.getByRole('row', { name: new RegExp(`^${name} `) }).innerText();
  expect(await row('Out-of-scope recall')).toMatch(/\d+\.\d%/);
  expect(await row('Threshold')).toMatch(/0\.\d+\s+chosen by the model/);
  expect(await row('Calibration error')).toMatch(/0\.\d+/);

  // Each chart drew an SVG with its own labels.
  await page.locator('#sweep svg').waitFor();
  for (const label of ['containment', 'misroutes', 'out-of-scope recall']) expect(await page.locator('#sweep svg').getByText(label).count()).toBeGreaterThan(0);
  expect(await page.locator('#per-intent svg').getByText('check_balance', { exact: true }).count()).toBeGreaterThan(0);
  expect(await page.locator('#heatmap svg rect, #heatmap svg path').count()).toBeGreaterThan(10);
  // The most confused pairs come with the customers' own words.
  const examples = page.locator('table.examples tr');
  expect(await examples.count()).toBeGreaterThan(3);
  expect(await examples.nth(1).innerText()).toMatch(/“.+”/);

  await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
});
