/**
 * What a channel can do, declared once per channel: the engine renders by
 * capability, never by channel name, so a new channel (SMS, WhatsApp) is a
 * folder that declares its capabilities, not a change in the engine.
 */
import type { Channel } from '../domain/channels';

/**
 * `speech`: replies are heard (the `_voice` variants of messages, spoken wording);
 * `buttons`: choices can be tapped; `links`: a link can be opened where it is shown;
 * `sms`: links go to the customer by text message.
 */
export type Capability = 'speech' | 'buttons' | 'links' | 'sms';

export type Capabilities = readonly Capability[];

/** What the two channel kinds could do before channels declared it (turns that say nothing, and stored state). */
const byKind: Record<Channel, Capabilities> = { chat: ['buttons', 'links'], voice: ['speech', 'sms'] };

/** The capabilities a turn declared, or those of its channel kind. */
export function capabilitiesOf(declared: Capabilities | undefined, channel: Channel): Capabilities {
  return declared ?? byKind[channel];
}
