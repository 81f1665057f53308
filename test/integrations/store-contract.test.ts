/**
 * The storage contract, part one: conversation state with versions, leases,
 * delivery dedupe. The same cases run against memory, SQLite and Redis.
 */
import { StaleWriteError } from '../../bot/engine/store';
import { describeEachBackend, makeState, STATE_TTL_MS, T0 } from '../support/store-backends';

describeEachBackend('store', (backend) => {
  describe('conversation state', () => {
    it('saves a new conversation as version 1 and each save after it one higher', async () => {
      expect(await backend.store.states.load('c1', T0)).toBeNull();
      expect(await backend.store.states.save(makeState('c1', { turns: 1 }), 0, T0)).toBe(1);
      expect(await backend.store.states.save(makeState('c1', { turns: 2 }), 1, T0 + 1)).toBe(2);
      const loaded = await backend.store.states.load('c1', T0 + 2);
      expect(loaded).toEqual({ state: makeState('c1', { turns: 2 }), version: 2 });
    });

    it('refuses a stale write: the second of two turns that loaded the same version loses, the first is kept', async () => {
      await backend.store.states.save(makeState('c1'), 0, T0);
      const a = (await backend.store.states.load('c1', T0))!;
      const b = (await backend.store.states.load('c1', T0))!;
      expect(await backend.store.states.save({ ...a.state, topic: 'billing' }, a.version, T0 + 1)).toBe(2);
      const stale = backend.store.states.save({ ...b.state, topic: 'outage' }, b.version, T0 + 2);
      await expect(stale).rejects.toThrow(StaleWriteError);
      await expect(stale).rejects.toMatchObject({ name: 'StaleWriteError', expected: 1, actual: 2 });
      expect((await backend.store.states.load('c1', T0 + 3))!.state.topic).toBe('billing');
    });

    it('refuses to create a conversation twice: of five concurrent first saves exactly one wins', async () => {
      const saves = await Promise.allSettled([1, 2, 3, 4, 5].map((turns) => backend.store.states.save(makeState('c1', { turns }), 0, T0)));
      const won = saves.filter((s) => s.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const winner = saves.findIndex((s) => s.status === 'fulfilled') + 1;
      expect((await backend.store.states.load('c1', T0))!.state.turns).toBe(winner);
      for (const s of saves.filter((s) => s.status === 'rejected')) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(StaleWriteError);
    });

    it('hands out copies: changing a loaded state changes nothing stored', async () => {
      await backend.store.states.save(makeState('c1'), 0, T0);
      const loaded = (await backend.store.states.load('c1', T0))!;
      loaded.state.actions.push('changed');
      expect((await backend.store.states.load('c1', T0))!.state.actions).toEqual([]);
    });

    it('forgets an idle conversation after its time to live; a purge removes it; it can start again', async () => {
      await backend.store.states.save(makeState('c1'), 0, T0);
      await backend.store.states.save(makeState('c2'), 0, T0 + 10_000);
      expect(await backend.store.states.load('c1', T0 + STATE_TTL_MS - 1)).not.toBeNull();
      expect(await backend.store.states.load('c1', T0 + STATE_TTL_MS)).toBeNull();
      expect((await backend.store.purge(T0 + STATE_TTL_MS)).states).toBe(1);
      expect(await backend.store.states.load('c2', T0 + STATE_TTL_MS)).not.toBeNull();
      expect(await backend.store.states.save(makeState('c1'), 0, T0 + STATE_TTL_MS)).toBe(1);
    });
  });

  describe('conversation lease', () => {
    it('is held by one at a time and released only by its holder', async () => {
      const a = (await backend.store.leases.acquire('c1', 30_000, T0))!;
      expect(a).not.toBeNull();
      expect(await backend.store.leases.acquire('c1', 30_000, T0 + 1)).toBeNull();
      expect(await backend.store.leases.acquire('c2', 30_000, T0 + 1)).not.toBeNull();
      const impostor = { ...a, token: 'not-the-holder' };
      expect(await backend.store.leases.release(impostor)).toBe(false);
      expect(await backend.store.leases.acquire('c1', 30_000, T0 + 2)).toBeNull();
      expect(await backend.store.leases.release(a)).toBe(true);
      expect(await backend.store.leases.acquire('c1', 30_000, T0 + 3)).not.toBeNull();
    });

    it('frees the conversation when the holder dies: the lease runs out, and the old holder can neither renew nor release it', async () => {
      const dead = (await backend.store.leases.acquire('c1', 30_000, T0))!;
      expect(await backend.store.leases.acquire('c1', 30_000, T0 + 29_999)).toBeNull();
      const next = await backend.store.leases.acquire('c1', 30_000, T0 + 30_000);
      expect(next).not.toBeNull();
      expect(await backend.store.leases.renew(dead, 30_000, T0 + 30_001)).toBe(false);
      expect(await backend.store.leases.release(dead)).toBe(false);
      expect(await backend.store.leases.acquire('c1', 30_000, T0 + 30_002)).toBeNull();
    });

    it('lasts through a long turn that renews it', async () => {
      const lease = (await backend.store.leases.acquire('c1', 30_000, T0))!;
      expect(await backend.store.leases.renew(lease, 30_000, T0 + 25_000)).toBe(true);
      expect(lease.expiresAt).toBe(T0 + 55_000);
      expect(await backend.store.leases.acquire('c1', 30_000, T0 + 40_000)).toBeNull();
      expect(await backend.store.leases.acquire('c1', 30_000, T0 + 55_000)).not.toBeNull();
    });

    it('goes to exactly one of ten instances asking at once', async () => {
      const got = await Promise.all(Array.from({ length: 10 }, () => backend.store.leases.acquire('c1', 30_000, T0)));
      expect(got.filter((l) => l !== null)).toHaveLength(1);
    });

    it('leaves nothing behind once expired and purged', async () => {
      await backend.store.leases.acquire('c1', 30_000, T0);
      expect((await backend.store.purge(T0 + 30_000)).leases).toBe(1);
    });
  });

  describe('delivery dedupe', () => {
    it('lets the first delivery run and answers a retry with the first answer', async () => {
      expect(await backend.store.deliveries.claim('act-1', 60_000, T0)).toEqual({ status: 'new' });
      expect(await backend.store.deliveries.claim('act-1', 60_000, T0 + 1)).toEqual({ status: 'pending' });
      await backend.store.deliveries.answer('act-1', { replies: ['Hello!'], turn: 1 }, 60_000, T0 + 2);
      await backend.store.deliveries.answer('act-1', { replies: ['a second answer'], turn: 2 }, 60_000, T0 + 3);
      expect(await backend.store.deliveries.claim('act-1', 60_000, T0 + 4)).toEqual({ status: 'done', answer: { replies: ['Hello!'], turn: 1 } });
    });

    it('runs a delivery once when ten copies arrive at once', async () => {
      const claims = await Promise.all(Array.from({ length: 10 }, () => backend.store.deliveries.claim('act-1', 60_000, T0)));
      expect(claims.filter((c) => c.status === 'new')).toHaveLength(1);
    });

    it('forgets a delivery id after its time to live', async () => {
      await backend.store.deliveries.claim('act-1', 60_000, T0);
      await backend.store.deliveries.answer('act-1', '<Response/>', 60_000, T0);
      expect(await backend.store.deliveries.claim('act-1', 60_000, T0 + 59_999)).toEqual({ status: 'done', answer: '<Response/>' });
      expect((await backend.store.purge(T0 + 60_000)).deliveries).toBe(1);
      expect(await backend.store.deliveries.claim('act-1', 60_000, T0 + 60_000)).toEqual({ status: 'new' });
    });
  });
});
