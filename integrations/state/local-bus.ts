/**
 * The bus inside one process: enough for memory and SQLite (one instance).
 * Redis replaces it with pub/sub so several instances hear each other.
 */
import type { Bus } from '../../bot/engine/bus';
import type { Json } from '../../bot/engine/store';

export class LocalBus implements Bus {
  private readonly topics = new Map<string, Set<(message: Json) => void>>();

  async publish(topic: string, message: Json): Promise<void> {
    for (const listener of [...(this.topics.get(topic) ?? [])]) {
      try {
        listener(message);
      } catch {
        // One broken subscriber (a desk gone away) must not stop the others.
      }
    }
  }

  subscribe(topic: string, listener: (message: Json) => void): () => void {
    const listeners = this.topics.get(topic) ?? new Set();
    listeners.add(listener);
    this.topics.set(topic, listeners);
    return () => {
      listeners.delete(listener);
      if (!listeners.size) this.topics.delete(topic);
    };
  }

  /** Subscriptions in one process are active at once. */
  async subscribed(): Promise<void> {}
}
