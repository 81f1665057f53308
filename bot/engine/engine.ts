/**
 * The turn engine: one channel-neutral pipeline for every channel.
 *
 *   lock → load state → identify/enrich → understand → decide → render → save
 *
 * Authentication and deduplication happen at the channel edge, before a
 * turn reaches the engine.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import { TurnContext, type Brain, type EngineServices } from './context';
import { acceptAnswer, fitsAnswer, repeatQuestion, retryAnswer, runDialog, startDialog } from './dialog-runner';
import { escalation, escalationIntent, type Escalation } from './escalation';
import { followUp } from './follow-up';
import { handOff } from './handoff-stage';
import type { Profile } from '../domain/profile';
import type { ConversationLock } from './ports';
import { redact, REDACTED_VERIFICATION } from './redact';
import { correction, isEscape, leaving, otherRequest, severalRequests, vagueOpener } from './interrupt';
import { findOrderNumber, findPostcode, pickChoice } from './slots';
import { boundState, MAX_ENTRY_CHARS, parseState, STATE_VERSION, type ConversationState, type SlotValue } from './state';
import { StaleWriteError, type ConversationStates } from './store';
import type { TurnInput, TurnOutput } from './turn';
import { understand } from './understand';
import { answerVerification, askVerification } from './verify';

/** Handed to a person, served by the bot (a self-service flow ended), or left before either. */
export type ConversationEnd = 'handed_off' | 'completed_in_bot' | 'abandoned';

export interface EngineOptions extends Omit<EngineServices, 'newId' | 'log'> {
  brain: Brain;
  store: ConversationStates;
  lock: ConversationLock;
  log: Logger;
  newId?: () => string;
}

export class Engine {
  private brain: Brain;
  private readonly services: EngineServices;
  /** The stored version each loaded state was read at: its save refuses to overwrite a newer one. */
  private readonly versions = new WeakMap<ConversationState, number>();

  constructor(private readonly options: EngineOptions) {
    this.brain = options.brain;
    this.services = { ...options, newId: options.newId ?? randomUUID };
  }

  /** Swaps in new content and model; turns already running finish with the old. */
  swap(brain: Brain): void {
    this.brain = brain;
  }

  get current(): Brain {
    return this.brain;
  }

  /** How a conversation ended, for a channel that learns the customer has gone (a call hung up). */
  async howItEnded(conversationId: string): Promise<ConversationEnd> {
    const state = await this.peek(conversationId);
    if (state?.handedOff) return 'handed_off';
    return state?.ended || state?.outcomes.length ? 'completed_in_bot' : 'abandoned';
  }

  /** The stored state of a conversation, for channels that report how it ended. */
  async peek(conversationId: string): Promise<ConversationState | null> {
    return (await this.stored(conversationId))?.state ?? null;
  }

  /** The stored state, checked (null when it is unusable: old or corrupt), and its version; undefined when there is none. */
  private async stored(conversationId: string): Promise<{ state: ConversationState | null; version: number } | undefined> {
    const found = await this.options.store.load(conversationId, this.services.clock.now().getTime());
    if (!found) return undefined;
    return { state: parseState(found.state), version: found.version };
  }

  /** Saves a loaded state; StaleWriteError when another turn saved since it was loaded. */
  private async save(state: ConversationState): Promise<void> {
    this.versions.set(state, await this.options.store.save(state, this.versions.get(state) ?? 0, this.services.clock.now().getTime()));
  }

  /**
   * Where to put a customer through right now, from outside a turn (a phone
   * turn past its deadline): decided from the stored conversation without
   * waiting for the turn in progress or asking an outside system.
   * `escalate` delivers the whole story later.
   */
  async routeNow(conversationId: string, channel: TurnInput['channel'], reason: string): Promise<Escalation> {
    const state = await this.loadState({ conversationId, channel });
    return escalation(new TurnContext({ conversationId, channel }, state, null, this.brain, this.services), reason);
  }

  /**
   * Hands a conversation to a person from outside a turn: a channel that had
   * to put the customer through already (see `routeNow`). Runs after the
   * turn in progress, so the summary includes what it did, and brings the
   * handoff target's copy of the waiting contact up to date with it — or
   * with the handoff that late turn made itself.
   */
  async escalate(conversationId: string, channel: TurnInput['channel'], reason: string, turnInProgress?: Promise<TurnOutput>): Promise<void> {
    const late = await turnInProgress?.catch(() => null);
    const handoff = late?.handoff?.handoff ?? (await this.options.lock.run(conversationId, async () => {
      const state = await this.loadState({ conversationId, channel });
      if (state.handedOff) return null;
      const ctx = new TurnContext({ conversationId, channel }, state, null, this.brain, this.services);
      await this.identify(ctx);
      await handOff(ctx, { intent: escalationIntent(ctx), reason });
      await this.save(state);
      return ctx.output.handoff?.handoff ?? null;
    }));
    if (handoff) await this.options.handoffs.update?.(handoff);
  }

  /**
   * Runs one turn. Never throws for the customer's sake: an internal error hands off politely.
   * A turn overtaken by another (its save meets a newer version: another instance took the
   * conversation when this one's lease ran out) is run again on the newer state, once; overtaken
   * twice, it fails politely like any internal error.
   */
  async turn(input: TurnInput): Promise<TurnOutput> {
    return this.options.lock.run(input.conversationId, async () => {
      try {
        return await this.attempt(input);
      } catch (err) {
        if (!(err instanceof StaleWriteError)) throw err;
        this.services.log.warn('state.stale', { conversationId: input.conversationId, expected: err.expected, actual: err.actual });
        return this.attempt(input).catch(async (again: unknown) => {
          if (!(again instanceof StaleWriteError)) throw again;
          return this.attempt(input, again);
        });
      }
    });
  }

  private async attempt(input: TurnInput, overtaken?: StaleWriteError): Promise<TurnOutput> {
    const state = await this.loadState(input);
    const ctx = new TurnContext(input, state, null, this.brain, this.services);
    try {
      if (overtaken) throw overtaken;
      await this.identify(ctx);
      await this.decide(ctx);
    } catch (err) {
      // The name and where it happened, never the message: it may quote customer data.
      this.services.log.error('turn.failed', {
        conversationId: input.conversationId,
        error: (err as Error).name,
        at: (err as Error).stack?.split('\n').find((l) => l.includes(' at '))?.trim() ?? null,
      });
      ctx.replies.length = 0;
      ctx.say('error');
      if (!state.handedOff) await handOff(ctx, { intent: null, reason: 'An internal error interrupted the conversation' }).catch(() => undefined);
    }
    state.updatedAt = ctx.now.toISOString();
    state.turns += 1;
    ctx.output.turn = state.turns;
    await this.save(state).catch((err: unknown) => {
      // Overtaken a third time: the apology still reaches the customer.
      if (!overtaken || !(err instanceof StaleWriteError)) throw err;
    });
    return ctx.output;
  }

  private async loadState(input: TurnInput): Promise<ConversationState> {
    const stored = await this.stored(input.conversationId);
    if (stored?.state && stored.state.channel === input.channel) {
      this.versions.set(stored.state, stored.version);
      return stored.state;
    }
    if (stored?.state === null) this.services.log.warn('state.discarded', { conversationId: input.conversationId, reason: 'invalid or old version' });
    const now = this.services.clock.now().toISOString();
    const fresh: ConversationState = {
      version: STATE_VERSION,
      conversationId: input.conversationId,
      channel: input.channel,
      startedAt: now,
      updatedAt: now,
      identity: input.identity ?? null,
      customerId: null,
      lookedUp: false,
      verified: false,
      verifying: null,
      misses: 0,
      silences: 0,
      verifyFailures: 0,
      turns: 0,
      topic: null,
      clarifying: null,
      dialog: null,
      pending: [],
      confidence: null,
      actions: [],
      words: [],
      transcript: [],
      handedOff: null,
      outcomes: [],
      offersMade: [],
      ended: false,
    };
    // A discarded state, or one of another channel, is overwritten from the version stored.
    this.versions.set(fresh, stored?.version ?? 0);
    return fresh;
  }

  /** Identify/enrich: find the CI profile from the channel's hint, once; reload it by id on later turns. */
  private async identify(ctx: TurnContext): Promise<void> {
    const { state } = ctx;
    if (!state.identity && ctx.input.identity) state.identity = ctx.input.identity;
    let profile: Profile | null = null;
    const { customerId, identity } = state;
    if (customerId) profile = await ctx.lookUp((p) => p.byCustomerId(customerId));
    else if (!state.lookedUp && identity) {
      state.lookedUp = true;
      profile = await ctx.lookUp((p) => (identity.kind === 'phone' ? p.byPhone(identity.value) : p.byCustomerId(identity.value)));
      if (profile) {
        state.customerId = profile.id;
        if (identity.kind === 'customerId' && identity.authenticated && ctx.content.assistant.verification.trust_signed_in)
          state.verified = true;
      }
    }
    ctx.setProfile(profile);
  }

  /** Adds the customer's message to the transcript (redacted, cut) and keeps the state within its bounds. */
  private record(ctx: TurnContext): void {
    boundState(ctx.state);
    const { text, digits } = ctx.input;
    const said = text ?? (digits !== undefined ? `[keypad] ${digits}` : null);
    if (said === null) return;
    // Whatever answers a verification prompt (ZIP, date of birth, PIN) is never kept, typed, said or keyed.
    const sensitive = ctx.state.verifying !== null;
    ctx.state.transcript.push({
      from: 'customer',
      text: sensitive ? REDACTED_VERIFICATION : redact(said.slice(0, MAX_ENTRY_CHARS)),
      at: ctx.now.toISOString(),
    });
  }

  /** Decide: what this message means in this conversation, and what the bot does about it. */
  private async decide(ctx: TurnContext): Promise<void> {
    this.record(ctx);
    await this.decideTurn(ctx);
    await this.servePending(ctx);
  }

  private async decideTurn(ctx: TurnContext): Promise<void> {
    const { state, input, content } = ctx;
    if (input.event === 'start') {
      if (state.transcript.length > 0 && state.transcript.some((t) => t.from === 'bot')) return;
      ctx.say(ctx.profile && state.verified ? 'welcome_known' : 'welcome');
      return;
    }
    if (state.handedOff) {
      await followUp(ctx);
      return;
    }
    if (state.ended) state.ended = false;
    const text = input.text?.trim() ?? '';
    const digits = input.digits?.trim() ?? '';
    const minConfidence = content.assistant.understanding.min_speech_confidence;
    const unclear = text !== '' && input.speechConfidence !== undefined && input.speechConfidence < minConfidence;
    if (input.event === 'no_input' || (!text && !digits) || unclear) {
      await this.noInput(ctx, unclear ? 'speech_unclear' : 'no_input');
      return;
    }
    state.silences = 0;

    // A person is always one word or one key away.
    if (isEscape(this.brain, text, digits)) {
      const intent = content.intents.get(content.assistant.escape.intent)!;
      state.confidence = 1;
      if (text) state.words.push(redact(text));
      await handOff(ctx, { intent, reason: 'The customer asked for a person', ...(intent.say ? { say: intent.say } : {}) });
      return;
    }

    if (state.verifying || state.dialog?.waiting) {
      await this.inFlow(ctx, text);
      return;
    }

    const wasClarifying = state.clarifying !== null;
    if (state.clarifying) {
      const options = state.clarifying;
      state.clarifying = null;
      // A typed "2" picks the second choice as a pressed 2 does.
      const picked = pickChoice(
        digits ? { text, digits } : { text },
        options.map((o) => ({ value: o, label: content.intents.get(o)?.label ?? o })),
      );
      if (picked) {
        await this.serve(ctx, picked, state.confidence ?? 0.5, null);
        return;
      }
    }

    if (!text) {
      await this.miss(ctx);
      return;
    }
    const left = leaving(content, text);
    if (left) {
      if (left.rest) await this.respond(ctx, left.rest, wasClarifying);
      else ctx.say('what_now');
      return;
    }
    await this.respond(ctx, text, wasClarifying);
  }

  /**
   * A message while a question waits (a dialog's slot, or verification).
   * In order: a change of mind, another request the classifier is sure of,
   * the answer, a correction ("no, I meant …"), any other clear request;
   * only then is it a bad answer, asked again.
   */
  private async inFlow(ctx: TurnContext, text: string): Promise<void> {
    const { state, content } = ctx;
    const current = state.dialog?.intent ?? null;
    const left = leaving(content, text);
    if (left) {
      this.leaveFlow(ctx, 'changed their mind');
      ctx.say('left_flow');
      if (left.rest) await this.respond(ctx, left.rest, false);
      else ctx.say('what_now');
      return;
    }
    // "I want to cancel" is a new request, not a wrong ZIP code; digits are an answer.
    const lead = correction(content, text);
    const fits = state.verifying ? /\d/.test(text) : fitsAnswer(ctx);
    // During verification the same request again ("my balance please") starts it over, uncounted.
    const other = state.verifying ? null : current;
    const sure = fits ? null : (otherRequest(this.brain, text, other, true) ?? (lead ? otherRequest(this.brain, lead, other, false) : null));
    if (sure?.intent === current) {
      state.dialog = null;
      state.verifying = null;
      await this.serve(ctx, sure.intent, sure.confidence, text);
      return;
    }
    if (sure) {
      this.leaveFlow(ctx, 'asked for something else');
      await this.serve(ctx, sure.intent, sure.confidence, text);
      return;
    }
    if (state.verifying) {
      if (await answerVerification(ctx)) await runDialog(ctx);
      return;
    }
    if (acceptAnswer(ctx)) {
      await runDialog(ctx);
      return;
    }
    // Not an answer: a correction, or another request after all.
    if (lead) {
      this.leaveFlow(ctx, 'corrected what they wanted');
      ctx.say('left_flow');
      await this.respond(ctx, lead, false);
      return;
    }
    const another = otherRequest(this.brain, text, current, false);
    if (another) {
      this.leaveFlow(ctx, 'asked for something else');
      await this.serve(ctx, another.intent, another.confidence, text);
      return;
    }
    await retryAnswer(ctx);
  }

  /** Drops the flow in progress, and anything queued after it; the agent reads where it was left. */
  private leaveFlow(ctx: TurnContext, why: string): void {
    const { state, content } = ctx;
    const active = state.dialog;
    if (active) {
      const label = content.intents.get(active.intent)?.label ?? active.intent;
      const where = state.verifying ? ' during verification' : active.waiting ? ` when asked for "${active.waiting.slot}"` : '';
      ctx.did(`Started to ${label}; left it${where}: the customer ${why}`);
    }
    for (const p of state.pending) ctx.did(`Did not ${content.intents.get(p.intent)?.label ?? p.intent}: the customer ${why}`);
    state.pending = [];
    state.dialog = null;
    state.verifying = null;
  }

  /** A message on its own: one request or several, a vague opener, a question which one, or not understood. */
  private async respond(ctx: TurnContext, text: string, wasClarifying: boolean): Promise<void> {
    const { state, content } = ctx;
    const several = severalRequests(this.brain, text);
    if (several) {
      // What the bot can do itself first: after a handoff nothing more is served.
      const handsOff = (r: { intent: string }) => (content.intents.get(r.intent)?.handoff ? 1 : 0);
      const [first, ...rest] = [...several].sort((a, b) => handsOff(a) - handsOff(b));
      state.pending.push(...rest.map((r) => ({ intent: r.intent, values: { utterance: redact(r.text) } })));
      await this.serve(ctx, first!.intent, first!.confidence, first!.text);
      return;
    }
    const vague = vagueOpener(content, text);
    if (vague) {
      state.words.push(redact(text));
      // Asked which one, and answered as vaguely again: that counts as not understood.
      if (wasClarifying) await this.miss(ctx);
      else this.clarify(ctx, vague, 'clarify_vague');
      return;
    }
    const u = understand(this.brain, text);
    if (u.kind === 'intent') await this.serve(ctx, u.intent, u.confidence, text);
    else if (u.kind === 'unclear' && wasClarifying) {
      // Asked which one and still unclear: that counts as not understood.
      state.words.push(redact(text));
      await this.miss(ctx);
    } else if (u.kind === 'unclear') {
      state.confidence = u.confidence;
      state.words.push(redact(text));
      this.clarify(ctx, u.options, 'clarify');
    } else {
      state.words.push(redact(text));
      await this.miss(ctx);
    }
  }

  /** Asks which of two or three requests the customer means, as choices. */
  private clarify(ctx: TurnContext, options: string[], message: 'clarify' | 'clarify_vague'): void {
    const intents = options.map((o) => ctx.content.intents.get(o)!);
    const labels = intents.map((i) => i.label);
    const listed = `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
    ctx.state.clarifying = options;
    const reply = ctx.message(message, { first: labels[0]!, second: labels[1]!, options: listed });
    reply.choices = intents.map((i) => ({ value: i.intent, label: capitalize(i.label) }));
    ctx.push(reply);
    ctx.output.expecting = 'choice';
  }

  /** Serves what is queued (the second of two requests), once nothing else is in progress. */
  private async servePending(ctx: TurnContext): Promise<void> {
    const { state } = ctx;
    for (let guard = 0; guard < 5 && state.pending.length && !state.dialog && !state.verifying && !state.clarifying && !state.handedOff && !state.ended; guard++) {
      const next = state.pending.shift()!;
      const said = next.values.utterance;
      await this.serve(ctx, next.intent, state.confidence ?? 1, typeof said === 'string' ? said : null, next.values);
    }
    if (state.handedOff && state.pending.length) {
      // Never dropped silently: the agent reads what else the customer asked for.
      for (const p of state.pending) ctx.did(`The customer also asked to ${ctx.content.intents.get(p.intent)?.label ?? p.intent}`);
      state.pending = [];
    }
  }

  /** Silence, or speech too unclear to use: ask again in other words, then a person takes over. */
  private async noInput(ctx: TurnContext, kind: 'no_input' | 'speech_unclear'): Promise<void> {
    const { state, content } = ctx;
    state.silences += 1;
    if (state.silences >= content.assistant.understanding.silences_before_handoff) {
      ctx.say('no_input_handoff');
      const what = kind === 'no_input' ? 'did not answer' : 'could not be understood';
      await handOff(ctx, { intent: ctx.dialogIntent(), reason: `The customer ${what} ${state.silences} times in a row` });
      return;
    }
    ctx.say(kind);
    if (state.dialog?.waiting) repeatQuestion(ctx);
    else if (state.verifying) askVerification(ctx);
    else ctx.say('what_now');
  }

  private async miss(ctx: TurnContext): Promise<void> {
    const { state, content } = ctx;
    state.misses += 1;
    if (state.misses >= content.assistant.understanding.misses_before_handoff) {
      ctx.say('not_understood_handoff');
      await handOff(ctx, { intent: null, reason: `The bot did not understand ${state.misses} messages in a row` });
      return;
    }
    ctx.say('not_understood');
  }

  /** Serve an understood intent: a dialog, or straight to a person. */
  private async serve(ctx: TurnContext, name: string, confidence: number, text: string | null, values: Record<string, SlotValue> = {}): Promise<void> {
    const { state, content } = ctx;
    const intent = content.intents.get(name);
    if (!intent) return this.miss(ctx);
    state.misses = 0;
    state.confidence = confidence;
    if (text && intent.topic) state.words.push(redact(text));
    if (intent.topic && !intent.queue_from_topic) state.topic = intent.intent;
    if (intent.handoff) {
      await handOff(ctx, { intent, reason: `The customer asked to ${intent.label}`, ...(intent.say ? { say: intent.say } : {}) });
      return;
    }
    const prefill: Record<string, SlotValue> = { ...values };
    const orderNumber = text ? findOrderNumber(text, ctx.patterns) : null;
    if (orderNumber) prefill.order_number = orderNumber;
    const postcode = text ? findPostcode(text, ctx.patterns) : null;
    if (postcode) prefill.postcode_mentioned = postcode;
    if (text) prefill.utterance = redact(text);
    await startDialog(ctx, intent.dialog!, intent.intent, prefill);
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
