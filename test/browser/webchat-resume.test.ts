/**
 * Reloading the web chat page (real Chromium, the page npm start serves)
 * keeps the conversation: the history shows again, there is no second
 * welcome, a dialog goes on where it was, and during a takeover the agent's
 * messages still arrive and the customer's reach the agent. "bye" shows the
 * chat ended, with no empty bubble, and a new conversation can start.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { openChromium, type OpenBrowser } from '../support/chromium';
import { deskAgent, type DeskAgentClient } from '../support/desk-agent';
import { startApp, type RunningApp } from '../support/server';

jest.setTimeout(120_000);

let app: RunningApp;
let browser: OpenBrowser;
let context: BrowserContext;

beforeAll(async () => {
  app = await startApp();
  browser = await openChromium({ viewport: { width: 1280, height: 800 } });
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A page that records what Web Chat complains about on the console. */
async function open(path: string): Promise<{ page: Page; console: string[] }> {
  const page = await context.newPage();
  const console: string[] = [];
  page.on('console', (m) => console.push(m.text()));
  page.setDefaultNavigationTimeout(90_000);
  await page.goto(`${app.url}${path}`);
  return { page, console };
}

async function say(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-id="webchat-sendbox-input"]');
  await box.fill(text);
  await box.press('Enter');
}

async function shows(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).last().waitFor({ state: 'visible', timeout: 20_000 });
}

/** How many bubbles of the transcript show `text` (Web Chat's screen-reader copies not counted). */
async function count(page: Page, text: string): Promise<number> {
  return page.locator('.webchat__bubble__content', { hasText: text }).count();
}

async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.locator('#status', { hasText: 'Online' }).waitFor({ timeout: 20_000 });
}

async function ruth(): Promise<DeskAgentClient> {
  const agent = deskAgent(app.url);
  const password = app.app.agents!.demoPasswords.find((a) => a.id === 'ruth')!.password;
  expect((await agent.signIn('ruth', password)).status).toBe(200);
  return agent;
}

describe('reloading the web chat page', () => {
  it('keeps a dialog going: the history shows again, no second welcome, the next answer follows on', async () => {
    const { page } = await open('/?as=C1011');
    await shows(page, 'Hi Hannah');
    await say(page, 'track my order');
    await shows(page, 'Samsung Galaxy S25 (BW-550002)');
    await reload(page);
    await shows(page, 'track my order');
    await shows(page, 'Hi Hannah');
    expect(await count(page, 'Hi Hannah')).toBe(1);
    await say(page, 'the Samsung Galaxy S25');
    await shows(page, 'expected on Saturday, November 28');
    expect(await count(page, 'Hi Hannah')).toBe(1);
    await page.close();
  });

  it('keeps a live agent chat: the agent writes after the reload and the customer answers the agent', async () => {
    const { page } = await open('/?as=C1007');
    await say(page, "I want to make a complaint, the engineer didn't turn up again");
    // Handed off (nobody is at the desk yet, so no wait is promised).
    await shows(page, 'passed your request to our');
    const agent = await ruth();
    type Queues = { queues: { queue: string; waiting: { contactId: string }[] }[] };
    const { queues } = (await (await agent.get('/api/desk/queues')).json()) as Queues;
    const id = encodeURIComponent(queues.find((q) => q.queue === 'customer_care')!.waiting[0]!.contactId);
    expect((await agent.post(`/api/desk/contacts/${id}/accept`)).status).toBe(200);
    expect((await agent.post(`/api/desk/contacts/${id}/messages`, { text: 'Hello, Ruth here. Sorry about the engineer.' })).status).toBe(200);
    await shows(page, 'Ruth here');

    await reload(page);
    await shows(page, 'Ruth here');
    expect((await agent.post(`/api/desk/contacts/${id}/messages`, { text: 'Can you tell me the day of the visit?' })).status).toBe(200);
    await shows(page, 'the day of the visit');
    await say(page, 'hello? I was talking to Ruth');
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor();
    // The message reaches Ruth's contact, and the bot neither greets again nor fails to understand.
    for (let i = 0; i < 50 && !JSON.stringify(await (await agent.get(`/api/desk/contacts/${id}`)).json()).includes('I was talking to Ruth'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(JSON.stringify(await (await agent.get(`/api/desk/contacts/${id}`)).json())).toContain('I was talking to Ruth');
    expect(await count(page, 'Brightwave Assistant')).toBe(1);
    await page.close();
  });

  it('after "bye" says the chat ended (no empty bubble, no console error) and starts a new one on request', async () => {
    const { page, console } = await open('/?as=C1001');
    await shows(page, 'Hi Maya');
    await say(page, 'bye');
    await page.locator('#ended').waitFor({ state: 'visible', timeout: 20_000 });
    // Every bubble has words: endOfConversation left no empty "Bot said:" behind.
    for (const text of await page.locator('.webchat__bubble__content').allInnerTexts()) expect(text.trim()).not.toBe('');
    expect(console.filter((line) => /No renderer for activity/.test(line))).toEqual([]);
    await page.locator('#new-chat').click();
    await page.locator('#ended').waitFor({ state: 'hidden' });
    await shows(page, 'Hi Maya');
    await shows(page, 'How can I help');
    expect(await count(page, 'bye')).toBe(0);
    await page.close();
  });
});
