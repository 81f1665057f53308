/**
 * Notifications between instances: a reply produced on instance B reaches
 * the Web Chat stream held by instance A; a contact enqueued anywhere shows
 * on every agent's desk. Fire-and-forget: what must not be lost is written
 * to the store first, and the bus only says "look again".
 */
import type { Json } from './store';

export interface Bus {
  /** Delivers `message` to every subscriber of `topic` on every instance (this one included). */
  publish(topic: string, message: Json): Promise<void>;
  /** Calls `listener` for each message on `topic`; the function returned stops it. */
  subscribe(topic: string, listener: (message: Json) => void): () => void;
  /**
   * Resolves once every subscription made so far hears other instances. Subscribe, await this, then read
   * the store: nothing published after that read is missed.
   */
  subscribed(): Promise<void>;
}
