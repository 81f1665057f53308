/**
 * Everything one turn works with: the state being changed, the customer's
 * profile and facts, the content, and the replies collected so far. Each
 * pipeline stage is a function of this context.
 */
import type { Content } from '../content/load';
import type { Intent } from '../content/schemas';
import type { MessageName } from '../domain/messages';
import type { Logger } from '../log';
import { capabilitiesOf, type Capability, type ChannelRegistry } from './capabilities';
import { profileFacts, type Facts, type FactValue } from '../domain/facts';
import { segmentOf, type Segment } from './segment';
import type { Profile } from '../domain/profile';
import { ProfileSourceError, type BackOffice, type Clock, type ContactLog, type HandoffTarget, type ProfileSource } from './ports';
import type { ConversationState } from './state';
import { Formatter, render, type Vars } from './template';
import type { Reply, TurnInput, TurnOutput } from './turn';
import type { EntityPatterns } from './slots';
import { redact } from './redact';

/** Ranks intents for an utterance, best first. The NLU implements it. */
export interface IntentModel {
  /** Labels with their confidence, best first: all, or the best `limit`. */
  rank(text: string, limit?: number): { label: string; confidence: number }[];
  /** The out-of-scope threshold the model chose on held-out data, if it chose one. */
  readonly threshold?: number | undefined;
}

/** The content and the model trained from it: swapped together on reload. */
export interface Brain {
  content: Content;
  model: IntentModel;
}

export interface EngineServices {
  profiles: ProfileSource;
  backOffice: BackOffice;
  handoffs: HandoffTarget;
  /** Where messages after a handoff go, for the agent; absent: the customer is told they wait. */
  contacts?: ContactLog;
  clock: Clock;
  log: Logger;
  newId: () => string;
  /** The channels served, by name: what each can do when a turn does not say. */
  channels: ChannelRegistry;
}

const optionsOf = new WeakMap<Content, string>();

export class TurnContext {
  readonly replies: Reply[] = [];
  readonly output: TurnOutput = { replies: this.replies };
  readonly now: Date;
  readonly format: Formatter;
  readonly patterns: EntityPatterns;
  /** A profile lookup this turn failed (the CI system is down, slow or garbled): nobody was found, and nobody was ruled out. */
  profileUnavailable = false;
  private cachedFacts: Record<string, FactValue> | null = null;
  private cachedSegment: Segment | null = null;
  /** The last facts built, and what they were built from (see {@link ruleFacts}). */
  private builtFacts: { facts: Facts; withProfile: boolean; verified: boolean; topic: string | null; values: Facts | undefined; seen: unknown[] } | null = null;

  constructor(
    readonly input: TurnInput,
    readonly state: ConversationState,
    public profile: Profile | null,
    readonly brain: Brain,
    readonly services: EngineServices,
  ) {
    this.now = services.clock.now();
    const a = brain.content.assistant;
    this.format = new Formatter(a.language, a.currency, a.timezone, () => this.now);
    this.patterns = { orderNumber: new RegExp(a.entities.order_number, 'i'), postcode: new RegExp(a.entities.postcode) };
  }

  get content(): Content {
    return this.brain.content;
  }

  /** Whether the channel of this turn can do it: the engine renders by capability, not by channel. */
  can(capability: Capability): boolean {
    return capabilitiesOf(this.input.capabilities, this.state.channel, this.services.channels).includes(capability);
  }

  /** The profile changed (found or verified): recompute facts. */
  setProfile(profile: Profile | null): void {
    this.profile = profile;
    this.cachedFacts = null;
    this.cachedSegment = null;
    this.builtFacts = null;
  }

  get segment(): Segment {
    this.cachedSegment ??= segmentOf(this.content.segments, this.profile, this.profileFacts);
    return this.cachedSegment;
  }

  private get profileFacts(): Record<string, FactValue> {
    this.cachedFacts ??= profileFacts(this.profile, this.now);
    return this.cachedFacts;
  }

  /**
   * Facts for what the customer sees and hears, and the dialog's branches:
   * account details only once the customer is verified (a caller ID or a
   * phone number given is not proof of who is asking).
   */
  facts(extra: Record<string, FactValue> = {}): Facts {
    return this.ruleFacts(extra, this.state.verified);
  }

  /** Facts for the rules the customer never sees (routing, the agent's next best actions). */
  ruleFacts(extra: Record<string, FactValue> = {}, withProfile = true): Facts {
    const base = this.baseFacts(withProfile);
    return Object.keys(extra).length === 0 ? base : { ...base, ...extra };
  }

  /**
   * The facts without extras, built again only when what they come from
   * changed: a dialog asks for them at every branch and every line it says,
   * and building ~50 of them each time was a tenth of the engine's CPU.
   */
  private baseFacts(withProfile: boolean): Facts {
    const { verified, topic, dialog } = this.state;
    const values = dialog?.values;
    const b = this.builtFacts;
    if (b && b.withProfile === withProfile && b.verified === verified && b.topic === topic && b.values === values && sameValues(values, b.seen)) return b.facts;
    const seg = this.segment;
    const profile = withProfile ? this.profileFacts : { identified: this.profileFacts.identified ?? false };
    const facts: Facts = {
      ...profile,
      segment: seg.segment,
      strategy: seg.strategy,
      intensity: seg.intensity,
      verified,
      channel: this.state.channel,
      topic,
      options: this.options(),
      ...(values ?? {}),
    };
    this.builtFacts = { facts, withProfile, verified, topic, values, seen: values ? Object.entries(values).flat() : [] };
    return facts;
  }

  /** The self-service intents' labels, as a list a customer can read or hear (once per content). */
  options(): string {
    let listed = optionsOf.get(this.content);
    if (listed === undefined) {
      const labels = [...this.content.intents.values()].filter((i) => i.dialog && i.topic).map((i) => i.label);
      listed = labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
      optionsOf.set(this.content, listed);
    }
    return listed;
  }

  /**
   * A message from rules/assistant.yaml: the channel's own variant (`name_sms`) when there is one,
   * else the voice variant (`name_voice`) where replies are heard, else the message.
   */
  message(name: MessageName, vars: Vars = {}): Reply {
    const messages = this.content.assistant.messages;
    const template = messages[`${name}_${this.state.channel}`] || (this.can('speech') && messages[`${name}_voice`]) || messages[name] || '';
    return this.toReply(template, undefined, vars);
  }

  say(name: MessageName, vars: Vars = {}): void {
    this.push(this.message(name, vars));
  }

  toReply(template: string, speak: string | undefined, vars: Vars = {}): Reply {
    const facts = this.facts();
    // The message's own values over the facts, without copying the facts.
    const r = render(template, Object.keys(vars).length === 0 ? facts : Object.assign(Object.create(facts) as Vars, vars), this.format, speak);
    return r.speak === r.text ? { text: r.text } : { text: r.text, speak: r.speak };
  }

  push(reply: Reply): void {
    if (!reply.text) return;
    // What the bot repeats back ("so the new address is …") is redacted like what the customer said.
    reply.text = redact(reply.text);
    if (reply.speak) reply.speak = redact(reply.speak);
    this.replies.push(reply);
    this.state.transcript.push({ from: 'bot', text: reply.text, at: this.now.toISOString() });
  }

  /** A template's written text with the current facts (notes, action arguments, reasons, links). */
  text(template: string): string {
    return render(template, this.facts(), this.format).text;
  }

  /** The intent of the dialog in progress, if any. */
  dialogIntent(): Intent | null {
    return this.state.dialog ? (this.content.intents.get(this.state.dialog.intent) ?? null) : null;
  }

  /**
   * A profile lookup that a failing CI system cannot break: the customer is
   * then served as unknown, {@link profileUnavailable} is set so nobody is
   * told "no account found", and the operator reads why in the log.
   */
  async lookUp(find: (profiles: ProfileSource) => Promise<Profile | null>): Promise<Profile | null> {
    try {
      return await find(this.services.profiles);
    } catch (err) {
      if (!(err instanceof ProfileSourceError)) throw err;
      this.profileUnavailable = true;
      this.services.log.warn('profiles.unavailable', { conversationId: this.state.conversationId, hint: err.hint });
      return null;
    }
  }

  /** Something the bot did, in the agent's words. */
  did(action: string): void {
    this.state.actions.push(action);
  }
}

/** Whether a dialog's values are still the keys and values `seen` ([key, value, key, value …]) lists. */
function sameValues(values: Facts | undefined, seen: unknown[]): boolean {
  if (!values) return seen.length === 0;
  let i = 0;
  for (const key in values) {
    if (seen[i] !== key || seen[i + 1] !== values[key]) return false;
    i += 2;
  }
  return i === seen.length;
}
