/**
 * SIGTERM as a deploy sends it, to the bot started the way `npm start` runs
 * it: with a Web Chat stream open and a turn in flight (its CI lookup held
 * by a CI system the test controls), the bot stops accepting (readiness goes
 * false), closes the stream with 1001 so the client reconnects, lets the
 * turn finish, closes the store and exits 0 well within 10 s.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startBot } from '../support/spawn';

jest.setTimeout(90_000);

const SECRET = 'shutdown-test-directline-secret-0123456789';

/** A CI system that answers "nobody" only when told to; says when it was asked. */
function heldCi(): { server: Server; asked: Promise<void>; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const wasAsked = new Promise<void>((resolve) => (asked = resolve));
  const server = createServer((_req, res) => {
    asked();
    void released.then(() => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return { server, asked: wasAsked, release };
}

let dataDir: string;
beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'frontline-shutdown-'))));
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

it('SIGTERM with a stream open and a turn in flight: readiness false, stream closed 1001, turn finished, store closed, exit 0', async () => {
  const ci = heldCi();
  await new Promise<void>((resolve) => ci.server.listen(0, '127.0.0.1', resolve));
  const ciUrl = `http://127.0.0.1:${(ci.server.address() as AddressInfo).port}`;
  const bot = startBot({
    env: { CI_API_URL: ciUrl, CI_API_TIMEOUT_MS: '5000', DATA_DIR: dataDir, DIRECTLINE_SECRET: SECRET, CONTENT_RELOAD: 'off' },
  });
  try {
    const url = (await bot.listening).replace(/\/$/, '');
    const dl = `${url}/v3/directline`;
    const post = (path: string, bearer: string, body?: unknown) =>
      fetch(`${dl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });

    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, content: true, store: true, accepting: true });

    // A visitor's Web Chat with its stream open.
    const visitor = (await (await post('/conversations', SECRET)).json()) as { streamUrl: string };
    const ws = new WebSocket(visitor.streamUrl);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));

    // A signed-in customer's welcome turn, waiting on the CI lookup.
    const { token } = (await (await post('/tokens/generate', SECRET, { user: { id: 'C1001' } })).json()) as { token: string };
    const inFlight = post('/conversations', token);
    await ci.asked;

    const signalled = Date.now();
    // As Kubernetes or `docker stop` do: SIGTERM to the main process, which passes it on to the bot.
    bot.signal('SIGTERM', 'process');
    // Everything below happens within 10 s of the signal, or the test fails instead of hanging.
    const limit = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref());
    await bot.waitFor(/"event":"shutdown.started"/);
    const readyAfter = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(readyAfter).not.toBe(200);
    expect(await Promise.race([closed, limit])).toBe(1001); // going away: Web Chat reconnects with its watermark

    ci.release();
    const finished = await Promise.race([inFlight, limit]);
    if (finished === 'still running') throw new Error('the turn in flight was not answered');
    expect(finished.status).toBe(201); // the turn in flight was answered, not cut off
    expect(((await finished.json()) as { conversationId?: string }).conversationId).toBeTruthy();

    const code = await Promise.race([bot.exited, limit]);
    const tookMs = Date.now() - signalled;
    process.stdout.write(`SIGTERM to exit: ${tookMs} ms (a turn held by the CI system included)\n`);
    expect(code).toBe(0);
    expect(bot.out().stdout).toMatch(/"event":"shutdown.done","drained":true/);
    // SQLite folds its write-ahead log into the database when the store is closed.
    expect(readdirSync(dataDir).filter((f) => f.endsWith('-wal'))).toEqual([]);
  } finally {
    ci.release();
    bot.signal('SIGKILL'); // only if it is still running
    await bot.exited;
    await new Promise((resolve) => ci.server.close(resolve));
  }
});
