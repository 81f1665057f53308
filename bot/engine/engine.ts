/**
 * The turn engine: one channel-neutral pipeline for every channel.
 *
 *   lock → load state → identify/enrich (identify.ts) → decide (decide.ts) → save
 *
 * Authentication and deduplication happen at the channel edge, before a
 * turn reaches the engine.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log';
import { TurnContext, type Brain, type EngineServices } from './context';
import { decide } from './decide';
import { escalation, escalationIntent, type Escalation } from './escalation';
import { handOff } from './handoff-stage';
import { identify } from './identify';
import type { ConversationLock } from './ports';
import { freshState, parseState, type ConversationState } from './state';
import { marks, outcomeEvents } from './outcomes';
import { StaleWriteError, type ConversationStates, type OutcomeEvent } from './store';
import { applyTakeover, type TakeoverChange } from './takeover';
import type { Reply, TurnHooks, TurnInput, TurnOutput } from './turn';

/** Handed to a person, served by the bot (a self-service flow ended), or left before either. */
export type ConversationEnd = 'handed_off' | 'completed_in_bot' | 'abandoned';

export interface EngineOptions extends Omit<EngineServices, 'newId' | 'log'> {
  brain: Brain;
  store: ConversationStates;
  lock: ConversationLock;
  log: Logger;
  newId?: () => string;
  /** Whether each saved turn's outcome events go into the store's log, with its save (for the figures). */
  recordOutcomes?: boolean;
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

  /**
   * Saves a loaded state; StaleWriteError when another turn saved since it was loaded. With `events`
   * (what the turn changed: outcomes.ts), they are recorded with the save, in the same write.
   */
  private async save(state: ConversationState, events: readonly OutcomeEvent[] = []): Promise<void> {
    const recorded = this.options.recordOutcomes ? events : [];
    this.versions.set(state, await this.options.store.save(state, this.versions.get(state) ?? 0, this.services.clock.now().getTime(), recorded));
  }

  /**
   * Where to put a customer through right now, from outside a turn (a phone
   * turn past its deadline): decided from the stored conversation without
   * waiting for the turn in progress or asking an outside system.
   * `escalate` delivers the whole story later.
   */
  async routeNow(conversationId: string, channel: TurnInput['channel'], reason: string): Promise<Escalation> {
    // The store may be what failed: route with what is known, which may be nothing (the fallback queue).
    const state = await this.loadState({ conversationId, channel }).catch((err: unknown) => {
      this.services.log.warn('state.unreadable', { conversationId, error: (err as Error).name });
      return freshState(conversationId, channel, null, this.services.clock.now().toISOString());
    });
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
      const before = marks(state);
      const ctx = new TurnContext({ conversationId, channel }, state, null, this.brain, this.services);
      await identify(ctx);
      await handOff(ctx, { intent: escalationIntent(ctx), reason });
      await this.save(state, outcomeEvents(before, state, ctx.output, ctx.now.toISOString()));
      return ctx.output.handoff?.handoff ?? null;
    }));
    if (handoff) await this.options.handoffs.update?.(handoff);
  }

  /**
   * An agent at the desk changed the conversation they hold (handed off as
   * `contactId`): joined, wrote, passed it on, handed it back or ended it.
   * Runs after the turn in progress; returns what the bot says now (the
   * caller delivers it), or nothing when the conversation has moved on
   * (expired, or handed off again since).
   */
  async takeover(conversationId: string, channel: TurnInput['channel'], contactId: string, change: TakeoverChange): Promise<Reply[]> {
    return this.options.lock.run(conversationId, async () => {
      const stored = await this.stored(conversationId);
      const state = stored?.state;
      if (!state || state.channel !== channel || state.handedOff?.handoffId !== contactId) return [];
      this.versions.set(state, stored.version);
      const ctx = new TurnContext({ conversationId, channel }, state, null, this.brain, this.services);
      applyTakeover(ctx, contactId, change);
      state.updatedAt = ctx.now.toISOString();
      await this.save(state);
      return ctx.replies;
    });
  }

  /** The customer is typing: the contact's desk hears it when a person holds it. */
  async customerTyping(conversationId: string): Promise<void> {
    const contactId = await this.handoffOf(conversationId);
    if (contactId) await this.services.contacts?.typing?.(contactId);
  }

  /** The customer left (closed the chat, hung up): a contact still waiting for a person is abandoned. */
  async left(conversationId: string): Promise<void> {
    const contactId = await this.handoffOf(conversationId);
    if (contactId) await this.services.contacts?.left?.(contactId, this.services.clock.now().toISOString());
  }

  /** The contact a stored conversation was handed off as, if it was. */
  private async handoffOf(conversationId: string): Promise<string | null> {
    return (await this.peek(conversationId))?.handedOff?.handoffId ?? null;
  }

  /** Whether a person at the desk holds the conversation of this state now (the bot stays silent). */
  private async heldByPerson(state: ConversationState): Promise<boolean> {
    return state.handedOff ? ((await this.services.contacts?.heldByPerson?.(state.handedOff.handoffId)) ?? false) : false;
  }

  /**
   * Runs one turn. Never throws for the customer's sake: an internal error hands off politely.
   * A turn overtaken by another (its save meets a newer version: another instance took the
   * conversation when this one's lease ran out) is run again on the newer state, once; overtaken
   * twice, it fails politely like any internal error.
   */
  async turn(input: TurnInput, hooks: TurnHooks = {}): Promise<TurnOutput> {
    const started = performance.now();
    // Told once, even when the turn runs again.
    let answering = hooks.answering;
    const once = async (state: ConversationState): Promise<void> => {
      const hook = answering;
      answering = undefined;
      if (hook && !(await this.heldByPerson(state))) await hook();
    };
    const output = await this.options.lock.run(input.conversationId, async () => {
      try {
        return await this.attempt(input, once);
      } catch (err) {
        if (!(err instanceof StaleWriteError)) throw err;
        this.services.log.warn('state.stale', { conversationId: input.conversationId, expected: err.expected, actual: err.actual });
        return this.attempt(input, once).catch(async (again: unknown) => {
          if (!(again instanceof StaleWriteError)) throw again;
          return this.attempt(input, once, again);
        });
      }
    });
    // Ids, counts and names only: what was said stays out of the log.
    this.services.log.info('turn', {
      conversationId: input.conversationId,
      channel: input.channel,
      turn: output.turn,
      handoff: output.handoff !== undefined,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
    return output;
  }

  private async attempt(input: TurnInput, loaded: (state: ConversationState) => Promise<void>, overtaken?: StaleWriteError): Promise<TurnOutput> {
    const state = await this.loadState(input);
    await loaded(state);
    const before = marks(state);
    const ctx = new TurnContext(input, state, null, this.brain, this.services);
    try {
      if (overtaken) throw overtaken;
      await identify(ctx);
      await decide(ctx);
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
    // What the turn changed is recorded with its save, so a turn run again is not counted twice.
    await this.save(state, outcomeEvents(before, state, ctx.output, ctx.now.toISOString())).catch((err: unknown) => {
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
    const fresh = freshState(input.conversationId, input.channel, input.identity ?? null, now);
    // A discarded state, or one of another channel, is overwritten from the version stored.
    this.versions.set(fresh, stored?.version ?? 0);
    return fresh;
  }

}
