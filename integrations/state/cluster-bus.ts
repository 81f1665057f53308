/**
 * The bus between the worker processes of one start (WORKERS > 1 on SQLite):
 * a message is delivered in this process at once and sent over the IPC
 * channel to the primary, which relays it to every other worker
 * (`relayClusterBus` in bot/cluster.ts). Redis replaces it with pub/sub
 * when instances run on several machines.
 */
import type { Bus } from '../../bot/engine/bus';
import type { Json } from '../../bot/engine/store';
import { LocalBus } from './local-bus';

/** What travels between a worker and the primary. */
export interface ClusterBusMessage {
  frontlineBus: { topic: string; message: Json };
}

/** The worker's end of the IPC channel (`process` in a cluster worker). */
export interface IpcChannel {
  readonly connected?: boolean;
  send?(message: ClusterBusMessage, handle: undefined, options: undefined, callback: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Whether an IPC message is the bus's. */
export function isBusMessage(message: unknown): message is ClusterBusMessage {
  const m = message as Partial<ClusterBusMessage> | null;
  return typeof m === 'object' && m !== null && typeof m.frontlineBus === 'object' && m.frontlineBus !== null && typeof m.frontlineBus.topic === 'string';
}

export class ClusterBus implements Bus {
  private readonly local = new LocalBus();

  constructor(private readonly channel: IpcChannel) {
    channel.on('message', (message) => {
      if (isBusMessage(message)) void this.local.publish(message.frontlineBus.topic, message.frontlineBus.message);
    });
  }

  async publish(topic: string, message: Json): Promise<void> {
    await this.local.publish(topic, message);
    // Fire-and-forget like every bus: during a shutdown the channel may be gone, and the store has the truth.
    if (this.channel.connected && this.channel.send) this.channel.send({ frontlineBus: { topic, message } }, undefined, undefined, () => undefined);
  }

  subscribe(topic: string, listener: (message: Json) => void): () => void {
    return this.local.subscribe(topic, listener);
  }

  /**
   * The primary relays every message to every worker, whatever it listens to: a subscription hears
   * other workers as soon as it is made.
   */
  async subscribed(): Promise<void> {}
}
