/**
 * The storage contract, part six: keyed records that expire, counters in
 * fixed windows (desk sessions, sign-in limits) and token buckets (message rates), on memory,
 * SQLite and Redis, and seen from a second instance on the durable ones.
 */
import { describeEachBackend, T0 } from '../support/store-backends';

const MINUTE = 60_000;

describeEachBackend('store records', (backend) => {
  it('reads back what was put until its time is up, then nothing; a put replaces the value and its time', async () => {
    const { records } = backend.store;
    expect(await records.get('session:a', T0)).toBeNull();
    await records.put('session:a', { agentId: 'dana', csrf: 'x' }, 10 * MINUTE, T0);
    expect(await records.get('session:a', T0 + 10 * MINUTE - 1)).toEqual({ agentId: 'dana', csrf: 'x' });
    expect(await records.get('session:a', T0 + 10 * MINUTE)).toBeNull();
    await records.put('session:a', 'again', MINUTE, T0 + 20 * MINUTE);
    expect(await records.get('session:a', T0 + 20 * MINUTE)).toBe('again');
    expect(await records.get('session:b', T0)).toBeNull();
  });

  it('deletes a record at once and says whether there was one', async () => {
    const { records } = backend.store;
    await records.put('k', [1, 2, 3], MINUTE, T0);
    expect(await records.delete('k')).toBe(true);
    expect(await records.get('k', T0)).toBeNull();
    expect(await records.delete('k')).toBe(false);
  });

  it('counts the hits of a fixed window that the first hit starts, then starts again from 1', async () => {
    const { records } = backend.store;
    expect(await records.count('attempts:dana', 15 * MINUTE, T0)).toBe(1);
    expect(await records.count('attempts:dana', 15 * MINUTE, T0 + MINUTE)).toBe(2);
    // The window is fixed: a hit near its end does not move it.
    expect(await records.count('attempts:dana', 15 * MINUTE, T0 + 15 * MINUTE - 1)).toBe(3);
    expect(await records.get('attempts:dana', T0 + MINUTE)).toBe(3);
    expect(await records.count('attempts:dana', 15 * MINUTE, T0 + 15 * MINUTE)).toBe(1);
    expect(await records.count('attempts:sam', 15 * MINUTE, T0 + 15 * MINUTE)).toBe(1);
    expect(await records.delete('attempts:dana')).toBe(true);
    expect(await records.count('attempts:dana', 15 * MINUTE, T0 + 16 * MINUTE)).toBe(1);
  });

  it('counts hits made at once exactly once each', async () => {
    const { records } = backend.store;
    const counts = await Promise.all(Array.from({ length: 20 }, () => records.count('rate:c1', MINUTE, T0)));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('takes from a token bucket: a burst at once, then one per interval, none sooner, and a refusal costs nothing', async () => {
    const { records } = backend.store;
    const takes = async (n: number, at: number) => {
      const got: boolean[] = [];
      for (let i = 0; i < n; i++) got.push(await records.take('rate:c1', 3, 10_000, at));
      return got;
    };
    expect(await takes(4, T0)).toEqual([true, true, true, false]);
    expect(await takes(1, T0 + 9_999)).toEqual([false]);
    expect(await takes(2, T0 + 10_000)).toEqual([true, false]);
    // Refused hits were not counted: after three intervals the bucket is full again, and no fuller.
    expect(await takes(4, T0 + 40_000)).toEqual([true, true, true, false]);
    expect(await records.take('rate:c2', 3, 10_000, T0 + 40_000)).toBe(true);
    // Nothing is kept once the bucket is full again.
    expect((await backend.store.purge(T0 + 70_000)).records).toBe(2);
    expect(await takes(3, T0 + 70_000)).toEqual([true, true, true]);
  });

  it('takes hits made at once exactly once each, never more than the bucket holds', async () => {
    const { records } = backend.store;
    const got = await Promise.all(Array.from({ length: 30 }, () => records.take('rate:c1', 20, 2_000, T0)));
    expect(got.filter(Boolean)).toHaveLength(20);
  });

  it('purges records and counters whose time is up and keeps the others', async () => {
    const { records } = backend.store;
    await records.put('short', 1, MINUTE, T0);
    await records.count('window', MINUTE, T0);
    await records.put('long', 2, 60 * MINUTE, T0);
    expect((await backend.store.purge(T0 + MINUTE)).records).toBe(2);
    expect(await records.get('long', T0 + MINUTE)).toBe(2);
    expect(await records.count('window', MINUTE, T0 + MINUTE)).toBe(1);
  });

  if (backend.durable) {
    it('shares records and counters with a second instance on the same store', async () => {
      await backend.store.records.put('session:a', { agentId: 'dana' }, MINUTE, T0);
      const other = backend.reopen();
      expect(await other.records.get('session:a', T0)).toEqual({ agentId: 'dana' });
      const counts = await Promise.all([
        backend.store.records.count('attempts:dana', MINUTE, T0),
        other.records.count('attempts:dana', MINUTE, T0),
        backend.store.records.count('attempts:dana', MINUTE, T0),
        other.records.count('attempts:dana', MINUTE, T0),
      ]);
      expect(counts.sort()).toEqual([1, 2, 3, 4]);
      // One bucket, whichever instance takes from it.
      const taken = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : backend.store).records.take('rate:c1', 4, MINUTE, T0)));
      expect(taken.filter(Boolean)).toHaveLength(4);
      expect(await other.records.delete('session:a')).toBe(true);
      expect(await backend.store.records.get('session:a', T0)).toBeNull();
    });
  }
});
