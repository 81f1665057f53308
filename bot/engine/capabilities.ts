/**
 * What a channel can do, declared once per channel: the engine renders by
 * capability, never by channel name, so a new channel (SMS, WhatsApp) is a
 * folder that declares its name and capabilities, not a change in the engine.
 */
import type { Channel } from '../domain/channels';

/**
 * `speech`: replies are heard (the `_voice` variants of messages, spoken wording);
 * `buttons`: choices can be tapped; `links`: a link can be opened where it is shown;
 * `sms`: links go to the customer by text message.
 */
export type Capability = 'speech' | 'buttons' | 'links' | 'sms';

export type Capabilities = readonly Capability[];

/**
 * A channel as it declares itself: the open name its conversations carry
 * (content may name it in `when: { channel: … }`) and what it can do.
 */
export interface ChannelDeclaration {
  readonly name: Channel;
  readonly capabilities: Capabilities;
}

/**
 * The channels this bot serves, by name: the composition root registers
 * them, the content check learns their names, the engine their capabilities.
 */
export class ChannelRegistry {
  private readonly byName = new Map<Channel, Capabilities>();

  constructor(declarations: Iterable<ChannelDeclaration>) {
    for (const d of declarations) {
      const known = this.byName.get(d.name);
      // Two adapters may serve one kind (Direct Line and Bot Framework are both "chat"), but then alike.
      if (known && known.join() !== d.capabilities.join())
        throw new Error(`channel "${d.name}" is declared twice with different capabilities (${known.join(', ')} / ${d.capabilities.join(', ')})`);
      this.byName.set(d.name, d.capabilities);
    }
  }

  /** Every registered channel name. */
  names(): Channel[] {
    return [...this.byName.keys()];
  }

  /** What the named channel declared; none for a name nobody registered. */
  capabilities(name: Channel): Capabilities {
    return this.byName.get(name) ?? [];
  }
}

/** The capabilities a turn declared, or those its channel registered. */
export function capabilitiesOf(declared: Capabilities | undefined, channel: Channel, registry: ChannelRegistry): Capabilities {
  return declared ?? registry.capabilities(channel);
}
