/**
 * What a channel folder offers the bot, and what it mounts with. A channel
 * declares its name and capabilities and mounts its routes on the server;
 * `bot/compose.ts` lists the channels served, and `bot/routes.ts` mounts each
 * one. Adding a channel is its folder and one line in that list.
 */
import type { Server } from 'restify';
import type { Config } from '../config';
import type { ChannelDeclaration } from '../engine/capabilities';
import type { Conversations } from '../engine/conversations';
import type { CustomerStreams } from '../engine/customer-streams';
import type { OutboundRegistry } from '../engine/outbound';
import type { Clock, SmsSender } from '../engine/ports';
import type { Store } from '../engine/store';
import type { Logger } from '../log';
import type { VoiceHandoffMode } from './voice/twiml';

/** The implementation choices channels run with, made in `bot/compose.ts` so that mounting chooses nothing. */
export interface ChannelChoices {
  /** DIRECTLINE_SECRET, or (demo mode only) a made-up one kept in the store, that only the web chat page can use. */
  directLineSecret: string;
  /** How a call reaches a person: TaskRouter, a dial, or a named queue. */
  voiceHandoff: VoiceHandoffMode;
  /** How Twilio's signature is checked; null when checks are off (announced). */
  twilioVerify: { authToken: string; publicUrl: string } | null;
  /** The customers the demo sign-in page lists (empty unless DEMO_SIGN_IN). */
  demoCustomers: { id: string; name: string }[];
}

/** What a channel mounts with: the parts of the composed app a channel may use. */
export interface ChannelHost {
  config: Config;
  /** The engine as channels see it. */
  conversations: Conversations;
  /** Where a channel that can reach a customer outside a turn registers (under its conversation-id prefix). */
  outbound: OutboundRegistry;
  channels: ChannelChoices;
  log: Logger;
  clock: Clock;
  sms: SmsSender;
  /** Histories, delivery records and the bus shared by every instance. */
  store: Pick<Store, 'histories' | 'deliveries' | 'bus' | 'records' | 'outbox'>;
  /** Where a channel whose customers can go without a word (a closed page) reports their streams: the desk's rule. */
  away: CustomerStreams;
}

/** A channel folder's one export: its declaration, and how it mounts (returning what tests may reach into). */
export interface ChannelModule<Mounted = unknown> extends ChannelDeclaration {
  mount(server: Server, host: ChannelHost): Mounted | Promise<Mounted>;
}

/** What each channel's mount returned, by channel module. */
export class MountedChannels {
  private readonly mounted = new Map<ChannelModule, unknown>();

  set<T>(module: ChannelModule<T>, value: T): void {
    this.mounted.set(module as ChannelModule, value);
  }

  /** What `module` returned when mounted; throws when it is not served. */
  get<T>(module: ChannelModule<T>): T {
    if (!this.mounted.has(module as ChannelModule)) throw new Error(`channel "${module.name}" is not mounted`);
    return this.mounted.get(module as ChannelModule) as T;
  }
}
