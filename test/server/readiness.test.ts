/**
 * Liveness and readiness, on the server `npm start` builds: /livez (and
 * /healthz) answer while the process runs; /readyz is 503 while the store
 * does not answer and once shutting down, 200 otherwise.
 */
import type { AddressInfo } from 'node:net';
import { directLineChannel } from '../../bot/channels/directline/channel';
import { compose } from '../../bot/compose';
import { readConfig } from '../../bot/config';
import { silentLogger } from '../../bot/log';
import { buildServer } from '../../bot/routes';
import { MemoryStore } from '../../integrations/state/memory';
import { demoBrain, fixedClock, root } from '../support/harness';

/** A memory store whose backend can be taken away. */
class FlakyStore extends MemoryStore {
  down = false;
  override async ping(): Promise<void> {
    if (this.down) throw new Error('connection refused');
  }
}

beforeAll(() => void demoBrain(), 120_000);

it('/readyz follows the store and the shutdown; /livez and /healthz only say the process answers', async () => {
  const config = readConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: '' }, root, 'demo');
  const store = new FlakyStore({ stateTtlMs: 60_000 });
  const app = await compose(config, silentLogger, { clock: fixedClock, brain: demoBrain(), store });
  const { server, mounted, lifecycle } = await buildServer(app);
  const directLine = mounted.get(directLineChannel);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  try {
    expect(await get('/readyz')).toEqual({ status: 200, body: { ready: true, content: true, store: true, accepting: true } });
    store.down = true;
    expect(await get('/readyz')).toEqual({ status: 503, body: { ready: false, content: true, store: false, accepting: true } });
    expect((await get('/livez')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    store.down = false;
    expect((await get('/readyz')).status).toBe(200);

    expect(await lifecycle.shutdown(() => directLine.streams.goingAway(), 1000)).toBe(true);
    expect(await lifecycle.readiness()).toMatchObject({ accepting: false });
    await expect(fetch(`${url}/livez`)).rejects.toThrow(); // no longer accepting
  } finally {
    // A failed expectation must not leave the server listening (Jest would wait for it).
    server.server.closeAllConnections();
    server.close();
    await store.close();
  }
});
