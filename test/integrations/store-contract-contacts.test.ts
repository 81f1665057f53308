/**
 * The storage contract, part three: contact records for the agent desk
 * (versions that refuse a stale change, the contacts an agent holds, ended
 * ones purged after their retention), on memory, SQLite and Redis, and a
 * second instance on the durable ones.
 */
import { contactLinesKey, StaleWriteError, type ContactRecord } from '../../bot/engine/store';
import { CONTACT_RETENTION_MS, describeEachBackend, makeHandoff, T0 } from '../support/store-backends';

const at = (ms: number) => new Date(T0 + ms).toISOString();

function makeContact(id: string, over: Partial<ContactRecord> = {}): ContactRecord {
  const handoff = makeHandoff(id);
  return {
    id,
    conversationId: handoff.conversationId,
    channel: 'chat',
    status: 'waiting',
    queue: 'billing',
    priority: 5,
    enqueuedAt: at(0),
    agent: null,
    notes: [],
    handoff,
    disposition: null,
    updatedAt: at(0),
    ...over,
  };
}

const dana = { id: 'dana', name: 'Dana' };

describeEachBackend('store', (backend) => {
  describe('contact records', () => {
    it('keeps a contact as version 1 and each change one higher, and reads back what was saved', async () => {
      expect(await backend.store.contacts.load('h1')).toBeNull();
      expect(await backend.store.contacts.save(makeContact('h1'), 0)).toBe(1);
      const taken = makeContact('h1', { status: 'with_agent', agent: dana, updatedAt: at(1000) });
      expect(await backend.store.contacts.save(taken, 1)).toBe(2);
      expect(await backend.store.contacts.load('h1')).toEqual({ record: taken, version: 2 });
    });

    it('refuses a change based on an old version: of two agents changing one contact at once, one wins', async () => {
      await backend.store.contacts.save(makeContact('h1'), 0);
      const results = await Promise.allSettled([
        backend.store.contacts.save(makeContact('h1', { status: 'with_agent', agent: dana }), 1),
        backend.store.contacts.save(makeContact('h1', { status: 'with_agent', agent: { id: 'sam', name: 'Sam' } }), 1),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(StaleWriteError);
      const winner = results[0]!.status === 'fulfilled' ? 'dana' : 'sam';
      expect((await backend.store.contacts.load('h1'))?.record.agent?.id).toBe(winner);
      await expect(backend.store.contacts.save(makeContact('h1'), 0)).rejects.toThrow(StaleWriteError);
    });

    it('lists the contacts an agent holds now, the longest held first, and forgets one passed on or ended', async () => {
      await backend.store.contacts.save(makeContact('late', { status: 'with_agent', agent: dana, updatedAt: at(2000) }), 0);
      await backend.store.contacts.save(makeContact('early', { status: 'with_agent', agent: dana, updatedAt: at(1000) }), 0);
      await backend.store.contacts.save(makeContact('sams', { status: 'with_agent', agent: { id: 'sam', name: 'Sam' } }), 0);
      await backend.store.contacts.save(makeContact('waiting'), 0);
      expect((await backend.store.contacts.heldBy('dana')).map((c) => c.id)).toEqual(['early', 'late']);
      await backend.store.contacts.save(makeContact('early', { status: 'waiting', agent: dana, queue: 'customer_care' }), 1);
      await backend.store.contacts.save(makeContact('late', { status: 'ended', agent: dana, disposition: 'resolved' }), 1);
      expect(await backend.store.contacts.heldBy('dana')).toEqual([]);
      expect((await backend.store.contacts.heldBy('sam')).map((c) => c.id)).toEqual(['sams']);
      expect(await backend.store.contacts.heldBy('nobody')).toEqual([]);
    });

    it('hands out copies: changing a loaded record changes nothing stored', async () => {
      await backend.store.contacts.save(makeContact('h1'), 0);
      const loaded = (await backend.store.contacts.load('h1'))!;
      loaded.record.notes.push({ at: at(0), agentName: 'Dana', text: 'changed' });
      expect((await backend.store.contacts.load('h1'))!.record.notes).toEqual([]);
    });
  });

  describe('retention', () => {
    const DAY = 24 * 3600_000;
    const lines = async (id: string, now: number) => (await backend.store.histories.since(contactLinesKey(id), 0, now)).entries.map((e) => e.item);

    it('purges ended and abandoned contacts with their lines once their retention is over; waiting and held ones stay', async () => {
      const { contacts, histories } = backend.store;
      await contacts.save(makeContact('waiting'), 0);
      await contacts.save(makeContact('held', { status: 'with_agent', agent: dana }), 0);
      await contacts.save(makeContact('ended', { status: 'ended', agent: dana, disposition: 'resolved' }), 0);
      await contacts.save(makeContact('abandoned', { status: 'abandoned' }), 0);
      await contacts.save(makeContact('ended-later', { status: 'ended', agent: dana, updatedAt: at(DAY) }), 0);
      // Ended, then back in a queue (transferred back): open again, so it stays.
      await contacts.save(makeContact('reopened', { status: 'ended' }), 0);
      await contacts.save(makeContact('reopened', { status: 'waiting', updatedAt: at(1000) }), 1);
      const ids = ['waiting', 'held', 'ended', 'abandoned', 'ended-later', 'reopened'];
      for (const id of ids) await histories.append(contactLinesKey(id), { from: 'customer', text: `hello from ${id}` }, 3650 * DAY, T0);

      expect((await backend.store.purge(T0 + CONTACT_RETENTION_MS - 1)).contacts).toBe(0);
      expect((await backend.store.purge(T0 + CONTACT_RETENTION_MS)).contacts).toBe(2);
      const now = T0 + CONTACT_RETENTION_MS;
      for (const id of ['ended', 'abandoned']) {
        expect(await contacts.load(id)).toBeNull();
        expect(await lines(id, now)).toEqual([]);
      }
      for (const id of ['waiting', 'held', 'ended-later', 'reopened']) {
        expect((await contacts.load(id))?.record.id).toBe(id);
        expect(await lines(id, now)).toEqual([{ from: 'customer', text: `hello from ${id}` }]);
      }
      expect((await contacts.heldBy('dana')).map((c) => c.id)).toEqual(['held']);

      expect((await backend.store.purge(T0 + 100 * CONTACT_RETENTION_MS)).contacts).toBe(1);
      expect(await contacts.load('ended-later')).toBeNull();
      for (const id of ['waiting', 'held', 'reopened']) expect((await contacts.load(id))?.record.status).not.toBe('ended');
    });
  });

  if (backend.durable) {
    it('a second instance sees the contacts the first holds and cannot overwrite a newer change', async () => {
      await backend.store.contacts.save(makeContact('h1', { status: 'with_agent', agent: dana }), 0);
      const other = backend.reopen();
      expect((await other.contacts.heldBy('dana')).map((c) => c.id)).toEqual(['h1']);
      await backend.store.contacts.save(makeContact('h1', { status: 'ended', agent: dana }), 1);
      await expect(other.contacts.save(makeContact('h1'), 1)).rejects.toThrow(StaleWriteError);
      expect(await other.contacts.heldBy('dana')).toEqual([]);
    });
  }
});
