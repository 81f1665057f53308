/**
 * The storage contract, part two: Direct Line histories with watermarks, the
 * queue of waiting contacts, the outcome-event log, and (for the durable
 * backends) a second instance on the same store. Same cases on memory,
 * SQLite and Redis.
 */
import { StaleWriteError, type OutcomeEvent } from '../../bot/engine/store';
import { describeEachBackend, makeHandoff, makeState, T0 } from '../support/store-backends';

const HOUR = 60 * 60_000;
const at = (ms: number) => new Date(T0 + ms).toISOString();

describeEachBackend('store', (backend) => {
  describe('activity history', () => {
    it('numbers activities in order and reads them back from a watermark', async () => {
      for (const text of ['Hello!', 'How can I help?', 'my bill']) await backend.store.histories.append('dl1', { type: 'message', text }, HOUR, T0);
      await backend.store.histories.append('dl2', { type: 'message', text: 'other' }, HOUR, T0);
      const all = await backend.store.histories.since('dl1', 0, T0);
      expect(all.watermark).toBe(3);
      expect(all.entries.map((e) => [e.seq, (e.item as { text: string }).text])).toEqual([
        [0, 'Hello!'],
        [1, 'How can I help?'],
        [2, 'my bill'],
      ]);
      expect(await backend.store.histories.since('dl1', 2, T0)).toEqual({ entries: [{ seq: 2, item: { type: 'message', text: 'my bill' } }], watermark: 3 });
      expect(await backend.store.histories.since('dl1', 3, T0)).toEqual({ entries: [], watermark: 3 });
      expect((await backend.store.histories.since('dl1', 0, T0, 2)).entries.map((e) => e.seq)).toEqual([0, 1]);
      expect(await backend.store.histories.since('unknown', 0, T0)).toEqual({ entries: [], watermark: 0 });
    });

    it('gives twenty concurrent appends twenty different positions', async () => {
      const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => backend.store.histories.append('dl1', i, HOUR, T0)));
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      const read = await backend.store.histories.since('dl1', 0, T0);
      expect(read.entries.map((e) => e.item)).toEqual(seqs.map((_, i) => seqs.indexOf(i)));
    });

    it('keeps a history while it is in use and forgets it an idle time to live after the last activity', async () => {
      await backend.store.histories.append('dl1', 'first', HOUR, T0);
      await backend.store.histories.append('dl1', 'second', HOUR, T0 + HOUR - 1);
      expect((await backend.store.histories.since('dl1', 0, T0 + 2 * HOUR - 2)).watermark).toBe(2);
      expect(await backend.store.histories.since('dl1', 0, T0 + 2 * HOUR)).toEqual({ entries: [], watermark: 0 });
      expect((await backend.store.purge(T0 + 2 * HOUR)).histories).toBe(1);
      expect(await backend.store.histories.append('dl1', 'again', HOUR, T0 + 2 * HOUR)).toBe(0);
    });

    it('starts an expired history again from 0 before the purge has run, without what it held', async () => {
      await backend.store.histories.append('dl1', 'first', HOUR, T0);
      await backend.store.histories.append('dl1', 'second', HOUR, T0);
      expect(await backend.store.histories.append('dl1', 'again', HOUR, T0 + HOUR)).toBe(0);
      expect(await backend.store.histories.append('dl1', 'and on', HOUR, T0 + HOUR)).toBe(1);
      expect(await backend.store.histories.since('dl1', 0, T0 + HOUR)).toEqual({ entries: [{ seq: 0, item: 'again' }, { seq: 1, item: 'and on' }], watermark: 2 });
    });
  });

  describe('several activities at once', () => {
    it('appends them together at consecutive positions, whatever else is appended at the same time', async () => {
      const { histories } = backend.store;
      const [reply, single, other] = await Promise.all([
        histories.appendAll('dl1', ['reply 1', 'reply 2', 'reply 3'], HOUR, T0),
        histories.append('dl1', 'single', HOUR, T0),
        histories.appendAll('dl1', ['other 1', 'other 2'], HOUR, T0),
      ]);
      const items = (await histories.since('dl1', 0, T0)).entries.map((e) => e.item);
      expect(items).toHaveLength(6);
      expect(items.slice(reply, reply + 3)).toEqual(['reply 1', 'reply 2', 'reply 3']);
      expect(items[single]).toBe('single');
      expect(items.slice(other, other + 2)).toEqual(['other 1', 'other 2']);
      expect(await histories.appendAll('dl1', [{ type: 'message', text: 'next' }], HOUR, T0)).toBe(6);
    });

    it('starts an expired history again from 0, and appends nothing for no activities', async () => {
      const { histories } = backend.store;
      await histories.appendAll('dl1', ['old 1', 'old 2', 'old 3'], HOUR, T0);
      expect(await histories.appendAll('dl1', [], HOUR, T0 + HOUR - 1)).toBe(3);
      expect(await histories.since('dl1', 0, T0 + HOUR)).toEqual({ entries: [], watermark: 0 });
      expect(await histories.appendAll('dl1', ['new 1', 'new 2'], HOUR, T0 + HOUR)).toBe(0);
      expect(await histories.since('dl1', 0, T0 + HOUR)).toEqual({ entries: [{ seq: 0, item: 'new 1' }, { seq: 1, item: 'new 2' }], watermark: 2 });
    });
  });

  describe('waiting contacts', () => {
    it('lists a queue highest priority first, then the longest waiting', async () => {
      await backend.store.waiting.enqueue(makeHandoff('late-normal', { priority: 5, createdAt: at(2000) }));
      await backend.store.waiting.enqueue(makeHandoff('early-normal', { priority: 5, createdAt: at(1000) }));
      await backend.store.waiting.enqueue(makeHandoff('urgent', { priority: 9, createdAt: at(3000) }));
      await backend.store.waiting.enqueue(makeHandoff('other-queue', { queue: 'loyalty', priority: 9 }));
      const list = await backend.store.waiting.list('billing');
      expect(list.map((c) => c.id)).toEqual(['urgent', 'early-normal', 'late-normal']);
      expect(list[0]).toEqual({ id: 'urgent', queue: 'billing', priority: 9, enqueuedAt: at(3000), handoff: makeHandoff('urgent', { priority: 9, createdAt: at(3000) }) });
      expect((await backend.store.waiting.list('loyalty')).map((c) => c.id)).toEqual(['other-queue']);
      expect(await backend.store.waiting.list('empty')).toEqual([]);
    });

    it('keeps a conversation waiting once: a second handoff replaces the first, even in another queue', async () => {
      await backend.store.waiting.enqueue(makeHandoff('h1', { conversationId: 'c1', queue: 'billing' }));
      await backend.store.waiting.enqueue(makeHandoff('h2', { conversationId: 'c1', queue: 'loyalty' }));
      expect(await backend.store.waiting.list('billing')).toEqual([]);
      expect((await backend.store.waiting.list('loyalty')).map((c) => c.id)).toEqual(['h2']);
    });

    it('gives the next contact to an agent and removes it from the queue', async () => {
      await backend.store.waiting.enqueue(makeHandoff('a', { priority: 1 }));
      await backend.store.waiting.enqueue(makeHandoff('b', { priority: 7 }));
      expect((await backend.store.waiting.claimNext('billing'))?.id).toBe('b');
      expect((await backend.store.waiting.list('billing')).map((c) => c.id)).toEqual(['a']);
      expect((await backend.store.waiting.claimNext('billing'))?.handoff).toEqual(makeHandoff('a', { priority: 1 }));
      expect(await backend.store.waiting.claimNext('billing')).toBeNull();
    });

    it('gives a contact two agents reach for at once to one of them', async () => {
      await backend.store.waiting.enqueue(makeHandoff('only'));
      const [first, second] = await Promise.all([backend.store.waiting.claim('only'), backend.store.waiting.claim('only')]);
      expect([first?.id ?? null, second?.id ?? null].sort()).toEqual(['only', null].sort());
      await backend.store.waiting.enqueue(makeHandoff('x'));
      const nexts = await Promise.all([backend.store.waiting.claimNext('billing'), backend.store.waiting.claimNext('billing')]);
      expect(nexts.filter((c) => c !== null)).toHaveLength(1);
    });

    it('shares three contacts among six concurrent claimers without giving any twice', async () => {
      for (const id of ['p', 'q', 'r']) await backend.store.waiting.enqueue(makeHandoff(id));
      const got = await Promise.all(Array.from({ length: 6 }, () => backend.store.waiting.claimNext('billing')));
      expect(got.flatMap((c) => (c ? [c.id] : [])).sort()).toEqual(['p', 'q', 'r']);
    });

    it('removes a contact who left, once', async () => {
      await backend.store.waiting.enqueue(makeHandoff('gone'));
      expect(await backend.store.waiting.remove('gone')).toBe(true);
      expect(await backend.store.waiting.remove('gone')).toBe(false);
      expect(await backend.store.waiting.claim('gone')).toBeNull();
      expect(await backend.store.waiting.list('billing')).toEqual([]);
    });
  });

  describe('outcome events', () => {
    const event = (i: number): OutcomeEvent => ({
      at: at(i),
      conversationId: `c${i}`,
      channel: i % 2 ? 'voice' : 'chat',
      kind: 'completed_in_bot',
      intent: 'check_balance',
      detail: { turns: i, verified: true, outcome: null },
    });

    it('keeps events in the order they happened and reads on from a position', async () => {
      for (const i of [0, 1, 2]) expect(await backend.store.events.append(event(i))).toBe(i);
      expect(await backend.store.events.read(-1)).toEqual([0, 1, 2].map((i) => ({ seq: i, event: event(i) })));
      expect((await backend.store.events.read(0)).map((e) => e.seq)).toEqual([1, 2]);
      expect((await backend.store.events.read(-1, 2)).map((e) => e.seq)).toEqual([0, 1]);
      expect(await backend.store.events.read(2)).toEqual([]);
    });

    it("are saved with a turn's state, both or neither: a stale save appends none", async () => {
      await backend.store.events.append(event(0));
      expect(await backend.store.states.save(makeState('c1'), 0, T0, [event(1), event(2)])).toBe(1);
      await expect(backend.store.states.save(makeState('c1'), 0, T0 + 1, [event(3)])).rejects.toThrow(StaleWriteError);
      expect((await backend.store.events.read(-1)).map((e) => e.event)).toEqual([event(0), event(1), event(2)]);
      expect(await backend.store.events.append(event(4))).toBe(3);
    });
  });

  if (backend.durable) {
    describe('a second instance on the same store', () => {
      it('sees everything the first wrote and cannot overwrite its newer state', async () => {
        await backend.store.states.save(makeState('c1', { topic: 'billing' }), 0, T0);
        await backend.store.histories.append('dl1', 'Hello!', HOUR, T0);
        await backend.store.waiting.enqueue(makeHandoff('w1'));
        await backend.store.events.append({ at: at(0), conversationId: 'c1', channel: 'chat', kind: 'handed_off', intent: null, detail: {} });
        const other = backend.reopen();
        const seen = (await other.states.load('c1', T0))!;
        expect(seen).toEqual({ state: makeState('c1', { topic: 'billing' }), version: 1 });
        expect((await other.histories.since('dl1', 0, T0)).entries).toEqual([{ seq: 0, item: 'Hello!' }]);
        expect((await other.events.read(-1)).map((e) => e.event.kind)).toEqual(['handed_off']);
        await backend.store.states.save(makeState('c1', { topic: 'outage' }), 1, T0 + 1);
        await expect(other.states.save(seen.state, seen.version, T0 + 2)).rejects.toThrow(StaleWriteError);
        const lease = await backend.store.leases.acquire('c1', 30_000, T0);
        expect(await other.leases.acquire('c1', 30_000, T0)).toBeNull();
        expect(await other.leases.release(lease!)).toBe(true);
        const claims = await Promise.all([backend.store.waiting.claim('w1'), other.waiting.claim('w1')]);
        expect(claims.filter((c) => c !== null)).toHaveLength(1);
      });
    });
  }
});
