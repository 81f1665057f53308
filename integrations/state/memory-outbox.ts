/** The outbox in memory: one process, lost on restart (the memory store's promise). */
import type { Outbox, OutboxEntry } from '../../bot/engine/outbox';
import type { Millis } from '../../bot/engine/store';

interface Row {
  body: string;
  attempt: number;
  createdAt: Millis;
  dueAt: Millis;
  seq: number;
}

export class MemoryOutbox implements Outbox {
  private readonly topics = new Map<string, Map<string, Row>>();
  private seq = 0;

  async add(topic: string, id: string, body: string, now: Millis): Promise<boolean> {
    const rows = this.rows(topic);
    if (rows.has(id)) return false;
    rows.set(id, { body, attempt: 0, createdAt: now, dueAt: now, seq: this.seq++ });
    return true;
  }

  async take(topic: string, now: Millis, leaseMs: number, limit: number): Promise<OutboxEntry[]> {
    const due = [...this.rows(topic)]
      .filter(([, row]) => row.dueAt <= now)
      .sort(([, a], [, b]) => a.dueAt - b.dueAt || a.seq - b.seq)
      .slice(0, limit);
    return due.map(([id, row]) => {
      row.attempt += 1;
      row.dueAt = now + leaseMs;
      return { id, body: row.body, attempt: row.attempt, createdAt: row.createdAt };
    });
  }

  async done(topic: string, id: string): Promise<boolean> {
    return this.rows(topic).delete(id);
  }

  async retryAt(topic: string, id: string, attempt: number, dueAt: Millis): Promise<boolean> {
    const row = this.rows(topic).get(id);
    if (!row || row.attempt !== attempt) return false;
    row.dueAt = dueAt;
    return true;
  }

  async size(topic: string): Promise<number> {
    return this.rows(topic).size;
  }

  private rows(topic: string): Map<string, Row> {
    let rows = this.topics.get(topic);
    if (!rows) this.topics.set(topic, (rows = new Map()));
    return rows;
  }
}
