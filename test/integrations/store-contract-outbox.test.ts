/**
 * The storage contract, the outbox: messages to outside systems written
 * before they are sent, taken by one sender at a time, retried later, and
 * (durable backends) still there after a restart. Same cases on memory,
 * SQLite and Redis.
 */
import { describeEachBackend, T0 } from '../support/store-backends';

const LEASE = 30_000;

describeEachBackend('store outbox', (backend) => {
  it('keeps a message once per id and hands it out with its exact body, the longest due first', async () => {
    expect(await backend.store.outbox.add('hook', 'h1', '{"id":"h1"}', T0)).toBe(true);
    expect(await backend.store.outbox.add('hook', 'h1', '{"id":"other"}', T0 + 1)).toBe(false);
    await backend.store.outbox.add('hook', 'h2', '{"id":"h2"}', T0 + 5);
    await backend.store.outbox.add('other-topic', 'h1', 'x', T0);
    expect(await backend.store.outbox.size('hook')).toBe(2);
    expect(await backend.store.outbox.take('hook', T0 + 1, LEASE, 10)).toEqual([{ id: 'h1', body: '{"id":"h1"}', attempt: 1, createdAt: T0 }]);
    expect((await backend.store.outbox.take('hook', T0 + 5, LEASE, 10)).map((e) => e.id)).toEqual(['h2']);
    expect(await backend.store.outbox.take('hook', T0 + 6, LEASE, 10)).toEqual([]);
  });

  it('never gives one message to two senders at once, and gives it again once the lease has run out', async () => {
    for (const id of ['a', 'b', 'c']) await backend.store.outbox.add('hook', id, id, T0);
    const takes = await Promise.all(Array.from({ length: 5 }, () => backend.store.outbox.take('hook', T0, LEASE, 1)));
    expect(takes.flat().map((e) => e.id).sort()).toEqual(['a', 'b', 'c']);
    expect(await backend.store.outbox.take('hook', T0 + LEASE - 1, LEASE, 10)).toEqual([]);
    const again = await backend.store.outbox.take('hook', T0 + LEASE, LEASE, 10);
    expect(again.map((e) => [e.id, e.attempt]).sort()).toEqual([['a', 2], ['b', 2], ['c', 2]]);
  });

  it('retries a failed message when it is due, counting tries, and forgets a delivered one', async () => {
    await backend.store.outbox.add('hook', 'h1', 'body', T0);
    const [first] = await backend.store.outbox.take('hook', T0, LEASE, 10);
    expect(await backend.store.outbox.retryAt('hook', 'h1', first!.attempt, T0 + 2000)).toBe(true);
    expect(await backend.store.outbox.take('hook', T0 + 1999, LEASE, 10)).toEqual([]);
    const [second] = await backend.store.outbox.take('hook', T0 + 2000, LEASE, 10);
    expect(second).toMatchObject({ id: 'h1', body: 'body', attempt: 2 });
    // The first try's sender is late: it may not move the second try.
    expect(await backend.store.outbox.retryAt('hook', 'h1', 1, T0 + 9999)).toBe(false);
    expect(await backend.store.outbox.done('hook', 'h1')).toBe(true);
    expect(await backend.store.outbox.done('hook', 'h1')).toBe(false);
    expect(await backend.store.outbox.retryAt('hook', 'h1', 2, T0)).toBe(false);
    expect(await backend.store.outbox.size('hook')).toBe(0);
    expect(await backend.store.outbox.take('hook', T0 + LEASE * 10, LEASE, 10)).toEqual([]);
  });

  if (backend.durable) {
    it('keeps waiting messages and their tries across a restart', async () => {
      await backend.store.outbox.add('hook', 'h1', 'body', T0);
      const [taken] = await backend.store.outbox.take('hook', T0, LEASE, 10);
      await backend.store.outbox.retryAt('hook', 'h1', taken!.attempt, T0 + 1000);
      // A second open of the same place: what a restarted (or another) instance sees.
      const reopened = backend.reopen();
      expect(await reopened.outbox.size('hook')).toBe(1);
      expect(await reopened.outbox.take('hook', T0 + 1000, LEASE, 10)).toEqual([{ id: 'h1', body: 'body', attempt: 2, createdAt: T0 }]);
    });
  }
});
