/**
 * Debian's Chromium driven by playwright-core, as every browser test opens it:
 * a fresh profile, headless, with the flags this machine's closed network
 * needs (no background connections). Never downloads a browser.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface OpenBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function checkInstalled(): void {
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
}

/**
 * One Chromium for several people at once: each `browser.newContext()` is a window of its own with its
 * own cookies and storage (as separate profiles would be), without starting Chromium again for each.
 */
export async function launchChromium(): Promise<Browser> {
  checkInstalled();
  return chromium.launch({ executablePath, headless: true, args });
}

/** Opens a browser context with `options` (viewport, mobile …); `close` removes its profile too. */
export async function openChromium(options: Omit<Parameters<typeof chromium.launchPersistentContext>[1], 'executablePath' | 'args'> = {}): Promise<OpenBrowser> {
  checkInstalled();
  const profileDir = mkdtempSync(join(tmpdir(), 'frontline-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    ...options,
    args,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
