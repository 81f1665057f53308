/**
 * Writing into a conversation from outside a turn: an agent answering a
 * waiting customer, an outreach. Each channel that can reach a customer on
 * its own implements {@link OutboundChannel}; `bot/compose.ts` registers
 * them by the prefix of the conversation ids they own (`directline:` …).
 */

/** Who writes: a person (shown by display name) or the assistant itself. */
export type OutboundAuthor = { kind: 'agent'; name: string } | { kind: 'bot' };

export interface OutboundMessage {
  text: string;
  from: OutboundAuthor;
  /** A typing indicator from `from` instead of a message (`text` is ignored): an agent is writing. */
  typing?: boolean;
}

/** `delivered` to the customer, or the channel no longer knows the conversation. */
export type OutboundResult = 'delivered' | 'unknown_conversation';

/** A channel that can write into one of its conversations at any time. */
export interface OutboundChannel {
  write(conversationId: string, message: OutboundMessage): Promise<OutboundResult>;
}

/** The port the rest of the app writes through, whatever the channel. */
export interface Outbound {
  /** `no_channel` when no registered channel owns the conversation (a phone call cannot be written into). */
  send(conversationId: string, message: OutboundMessage): Promise<OutboundResult | 'no_channel'>;
}

/** The outbound channels by conversation-id prefix (the text before the first `:`). */
export class OutboundRegistry implements Outbound {
  private readonly channels = new Map<string, OutboundChannel>();

  register(prefix: string, channel: OutboundChannel): this {
    this.channels.set(prefix, channel);
    return this;
  }

  async send(conversationId: string, message: OutboundMessage): Promise<OutboundResult | 'no_channel'> {
    const channel = this.channels.get(conversationId.split(':', 1)[0]!);
    return channel ? channel.write(conversationId, message) : 'no_channel';
  }
}
