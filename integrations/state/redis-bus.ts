/**
 * The bus between instances on one Redis: pub/sub under the store's key
 * prefix. Publishing goes over the store's connection; listening needs a
 * connection of its own (a subscribed ioredis connection runs no other
 * command), duplicated on the first subscription and closed with the store.
 */
import type Redis from 'ioredis';
import type { Bus } from '../../bot/engine/bus';
import type { Json } from '../../bot/engine/store';

type Listener = (message: Json) => void;

export class RedisBus implements Bus {
  private subscriber: Redis | null = null;
  /** Once closed, a subscription opens nothing (a connection would keep the process alive) and hears nothing. */
  private closed = false;
  private readonly topics = new Map<string, Set<Listener>>();
  /** SUBSCRIBE/UNSUBSCRIBE commands not yet acknowledged by Redis. */
  private pending: Promise<unknown>[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async publish(topic: string, message: Json): Promise<void> {
    await this.redis.publish(this.channel(topic), JSON.stringify(message));
  }

  subscribe(topic: string, listener: Listener): () => void {
    if (this.closed) return () => undefined;
    let listeners = this.topics.get(topic);
    if (!listeners) {
      this.topics.set(topic, (listeners = new Set()));
      this.track(this.connection().subscribe(this.channel(topic)));
    }
    listeners.add(listener);
    return () => {
      if (!listeners.delete(listener) || listeners.size > 0 || this.topics.get(topic) !== listeners) return;
      this.topics.delete(topic);
      if (this.subscriber && this.subscriber.status !== 'end') this.track(this.subscriber.unsubscribe(this.channel(topic)));
    };
  }

  async subscribed(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Closes the listening connection; the store closes its own. */
  async close(): Promise<void> {
    this.closed = true;
    this.topics.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber && subscriber.status !== 'end') await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.duplicate();
    subscriber.on('message', (channel: string, raw: string) => this.deliver(channel, raw));
    // A lost connection reconnects and resubscribes by itself; meanwhile listeners read the store anyway.
    subscriber.on('error', () => undefined);
    return (this.subscriber = subscriber);
  }

  private deliver(channel: string, raw: string): void {
    const listeners = this.topics.get(channel.slice(this.channel('').length));
    if (!listeners) return;
    let message: Json;
    try {
      message = JSON.parse(raw) as Json;
    } catch {
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(message);
      } catch {
        // One broken subscriber (a desk gone away) must not stop the others.
      }
    }
  }

  /** Keeps the promise for `subscribed()` and keeps a failure from going unhandled. */
  private track(command: Promise<unknown>): void {
    const settled = command.catch(() => undefined);
    this.pending.push(settled);
    void settled.then(() => {
      this.pending = this.pending.filter((p) => p !== settled);
    });
  }

  private channel(topic: string): string {
    return `${this.prefix}bus:${topic}`;
  }
}
