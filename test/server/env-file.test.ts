/**
 * `.env` is read: `cp .env.example .env`, change PORT, `npm start` — in a
 * copy of the project, so the test never touches the real one.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../support/harness';
import { startBot } from '../support/spawn';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

jest.setTimeout(90_000);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontline-env-'));
  for (const d of ['bot', 'integrations', 'intents', 'dialogs', 'rules', 'node_modules', 'tsconfig.json']) symlinkSync(join(root, d), join(dir, d));
  for (const f of ['package.json', '.env.example']) copyFileSync(join(root, f), join(dir, f));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('npm start reads the PORT of a .env copied from .env.example', async () => {
  const port = await freePort();
  const example = readFileSync(join(dir, '.env.example'), 'utf8');
  expect(example).toMatch(/^PORT=3978$/m);
  writeFileSync(join(dir, '.env'), example.replace(/^PORT=3978$/m, `PORT=${port}`));
  const s = startBot({ command: 'npm', args: ['start', '--silent'], cwd: dir, unset: ['PORT', 'HOST', 'FRONTLINE_MODE'] });
  try {
    expect(await s.listening).toBe(`http://127.0.0.1:${port}/`);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  } finally {
    await s.stop();
  }
});

it('lists every setting the bot reads in .env.example', () => {
  const example = readFileSync(join(root, '.env.example'), 'utf8');
  const listed = new Set([...example.matchAll(/^([A-Za-z_]+)=/gm)].map((m) => m[1]));
  const config = readFileSync(join(root, 'bot', 'config.ts'), 'utf8');
  const read = [...config.matchAll(/^ {2}([A-Za-z_]+): z\./gm)].map((m) => m[1]);
  expect(read.length).toBeGreaterThan(30);
  expect(read.filter((name) => !listed.has(name))).toEqual([]);
});
