/**
 * The storage contract, part three: the bus. Every backend delivers to the
 * subscribers of a topic and stops after unsubscribing; Redis also carries a
 * message from one instance to a subscriber on another (pub/sub), which is
 * what lets a Web Chat stream on instance A hear a reply made on instance B.
 * A store closed twice at once closes, its listening connection with it; a
 * subscription made after it closed opens no connection that would keep the
 * process alive.
 */
import { spawn } from 'node:child_process';
import type { Json, Store } from '../../bot/engine/store';
import { root } from '../support/harness';
import { describeEachBackend, REDIS_URL } from '../support/store-backends';

/** The next message `store` hears on `topic`. */
function next(store: Store, topic: string): Promise<Json> {
  return new Promise((resolve) => {
    const stop = store.bus.subscribe(topic, (message) => {
      stop();
      resolve(message);
    });
  });
}

describeEachBackend('store bus', (backend) => {
  it('delivers a message to every subscriber of its topic and to no other topic', async () => {
    const heard: string[] = [];
    backend.store.bus.subscribe('dl:c1', (m) => heard.push(`a:${JSON.stringify(m)}`));
    backend.store.bus.subscribe('dl:c1', (m) => heard.push(`b:${JSON.stringify(m)}`));
    backend.store.bus.subscribe('dl:c2', (m) => heard.push(`other:${JSON.stringify(m)}`));
    const arrived = next(backend.store, 'dl:c1');
    await backend.store.bus.subscribed();
    await backend.store.bus.publish('dl:c1', { look: 'again', watermark: 3 });
    expect(await arrived).toEqual({ look: 'again', watermark: 3 });
    expect(heard.sort()).toEqual(['a:{"look":"again","watermark":3}', 'b:{"look":"again","watermark":3}']);
  });

  it('stops delivering to a listener that unsubscribed; a throwing listener does not stop the others', async () => {
    const heard: Json[] = [];
    const stop = backend.store.bus.subscribe('t', (m) => heard.push(m));
    backend.store.bus.subscribe('t', () => {
      throw new Error('a desk went away');
    });
    const first = next(backend.store, 't');
    await backend.store.bus.subscribed();
    await backend.store.bus.publish('t', 1);
    await first;
    stop();
    const second = next(backend.store, 't');
    await backend.store.bus.subscribed();
    await backend.store.bus.publish('t', 2);
    expect(await second).toBe(2);
    expect(heard).toEqual([1]);
  });

  it('closes when closed twice at once, a subscription open (two shutdown paths ending one store)', async () => {
    // A store of its own where the backend is durable: the suite's teardown still uses the first one.
    const store = backend.durable ? backend.reopen() : backend.store;
    store.bus.subscribe('t', () => undefined);
    await store.bus.subscribed();
    await expect(Promise.all([store.close(), store.close()])).resolves.toBeDefined();
  });

  if (backend.name === 'redis') {
    it('opens no connection for a subscription made after it closed (a late desk stream at shutdown): the process ends', async () => {
      const script = `
        const { RedisStore } = require('./integrations/state/redis');
        const store = new RedisStore({ url: ${JSON.stringify(REDIS_URL)}, prefix: 'after-close:', stateTtlMs: 60000 });
        store.close().then(() => {
          store.bus.subscribe('t', () => undefined);
          process.stdout.write('subscribed after close');
        });
      `;
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      // A process kept alive by a connection never exits: it is ended here, and the exit code says so.
      const stuck = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      clearTimeout(stuck);
      expect({ out, code }).toEqual({ out: 'subscribed after close', code: 0 });
    }, 20_000);

    it('carries a message published on one instance to a subscriber on a second instance', async () => {
      const other = backend.reopen();
      const arrived = next(other, 'dl:c1');
      await other.bus.subscribed();
      await backend.store.bus.publish('dl:c1', { look: 'again' });
      expect(await arrived).toEqual({ look: 'again' });
      // Back the other way, and the publisher's own subscribers hear it too.
      const mine = next(backend.store, 'dl:c1');
      const theirs = next(other, 'dl:c1');
      await Promise.all([backend.store.bus.subscribed(), other.bus.subscribed()]);
      await other.bus.publish('dl:c1', 'reply');
      expect(await Promise.all([mine, theirs])).toEqual(['reply', 'reply']);
    });

    it('keeps deployments apart: an instance under another key prefix does not hear it', async () => {
      const heard: Json[] = [];
      const elsewhere = backend.open();
      elsewhere.bus.subscribe('dl:c1', (m) => heard.push(m));
      const same = next(backend.store, 'dl:c1');
      await Promise.all([backend.store.bus.subscribed(), elsewhere.bus.subscribed()]);
      await backend.store.bus.publish('dl:c1', 'for this deployment');
      await same;
      // The other deployment's own message arrives after ours would have, on the same connection order.
      const own = next(elsewhere, 'dl:c1');
      await elsewhere.bus.subscribed();
      await elsewhere.bus.publish('dl:c1', 'its own');
      await own;
      expect(heard).toEqual(['its own']);
    });
  }
});
