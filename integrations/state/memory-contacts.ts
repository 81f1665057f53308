/**
 * The memory store's contact records: JSON copies by id, with versions,
 * so a caller never mutates what is stored. One process only.
 */
import { contactExpired, StaleWriteError, type ContactRecord, type ContactRecords, type Millis } from '../../bot/engine/store';
import { byHeldOrder } from './contact-order';

export class MemoryContacts implements ContactRecords {
  private readonly rows = new Map<string, { json: string; version: number }>();

  async load(id: string): Promise<{ record: ContactRecord; version: number } | null> {
    const row = this.rows.get(id);
    return row ? { record: JSON.parse(row.json) as ContactRecord, version: row.version } : null;
  }

  async save(record: ContactRecord, expected: number): Promise<number> {
    const actual = this.rows.get(record.id)?.version ?? 0;
    if (actual !== expected) throw new StaleWriteError(`contact:${record.id}`, expected, actual);
    this.rows.set(record.id, { json: JSON.stringify(record), version: actual + 1 });
    return actual + 1;
  }

  async heldBy(agentId: string): Promise<ContactRecord[]> {
    return [...this.rows.values()]
      .map((row) => JSON.parse(row.json) as ContactRecord)
      .filter((c) => c.status === 'with_agent' && c.agent?.id === agentId)
      .sort(byHeldOrder);
  }

  /** Removes the ended and abandoned contacts past their retention; their ids. */
  purge(now: Millis, retentionMs: number): string[] {
    const gone: string[] = [];
    for (const [id, row] of this.rows) {
      if (!contactExpired(JSON.parse(row.json) as ContactRecord, retentionMs, now)) continue;
      this.rows.delete(id);
      gone.push(id);
    }
    return gone;
  }
}
