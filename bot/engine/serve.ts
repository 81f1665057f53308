/**
 * Serving a request: one understood intent (a self-service dialog or a
 * person), a message on its own (one request or several, a vague opener, a
 * question which one was meant, a "Did you mean …?"), requests still pending,
 * and a message the bot did not understand.
 */
import { agentLabel, agentLabelOf } from '../content/schemas';
import type { TurnContext } from './context';
import { startDialog } from './dialog-runner';
import { handOff } from './handoff-stage';
import { leaving, notKnowing, severalRequests, vagueOpener } from './interrupt';
import { redact } from './redact';
import { findOrderNumber, findPostcode } from './slots';
import type { SlotValue } from './state';
import { understand } from './understand';
import { askYesNo, shortYesNo } from './yes-no';

/** A message on its own: one request or several, a vague opener, a question which one, or not understood. */
export async function respond(ctx: TurnContext, text: string, wasClarifying: boolean): Promise<void> {
  const { state, content } = ctx;
  const several = severalRequests(ctx.brain, text);
  if (several) {
    // What the bot can do itself first: after a handoff nothing more is served.
    const handsOff = (r: { intent: string }) => (content.intents.get(r.intent)?.handoff ? 1 : 0);
    const [first, ...rest] = [...several].sort((a, b) => handsOff(a) - handsOff(b));
    state.pending.push(...rest.map((r) => ({ intent: r.intent, values: { utterance: redact(r.text) } })));
    await serve(ctx, first!.intent, first!.confidence, first!.text);
    return;
  }
  // "I don't know" as a request: not understood, never a goodbye or a guess.
  if (notKnowing(content, text, false)) {
    state.words.push(redact(text));
    await miss(ctx, wasClarifying);
    return;
  }
  const vague = vagueOpener(content, text);
  if (vague) {
    state.words.push(redact(text));
    // Asked which one, and answered as vaguely again: that counts as not understood.
    if (wasClarifying) await miss(ctx, true);
    else clarify(ctx, vague, 'clarify_vague');
    return;
  }
  const u = understand(ctx.brain, text);
  if (u.kind === 'intent') await serve(ctx, u.intent, u.confidence, text);
  else if (u.kind === 'unclear' && wasClarifying) {
    // Asked which one and still unclear: that counts as not understood.
    state.words.push(redact(text));
    await miss(ctx, true);
  } else if (u.kind === 'unclear') {
    state.confidence = u.confidence;
    state.words.push(redact(text));
    clarify(ctx, u.options, 'clarify');
  } else if (u.kind === 'unsure' && !wasClarifying) {
    state.confidence = u.confidence;
    state.words.push(redact(text));
    confirmIntent(ctx, u.intent);
  } else {
    state.words.push(redact(text));
    await miss(ctx, wasClarifying);
  }
}

/** Asks which of two or three requests the customer means, as choices. */
function clarify(ctx: TurnContext, options: string[], message: 'clarify' | 'clarify_vague'): void {
  const intents = options.map((o) => ctx.content.intents.get(o)!);
  const labels = intents.map((i) => i.label);
  const listed = `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
  ctx.state.clarifying = options;
  const reply = ctx.message(message, { first: labels[0]!, second: labels[1]!, options: listed });
  reply.choices = intents.map((i) => ({ value: i.intent, label: capitalize(i.label) }));
  ctx.push(reply);
  ctx.output.expecting = 'choice';
}

/**
 * "Did you mean …?" for a request just under the threshold, with Yes and No
 * (read out with the content's choice wording on the phone). The one-option
 * `clarifying` state holds it; nothing is served without the yes.
 */
function confirmIntent(ctx: TurnContext, intent: string): void {
  ctx.state.clarifying = [intent];
  askYesNo(ctx, 'confirm_intent', { intent: ctx.content.intents.get(intent)!.label });
}

/**
 * The answer to "Did you mean …?": yes serves the request; no counts as not
 * understood (and says what the bot can do); anything longer is understood
 * afresh, though never confirmed a second time.
 */
export async function answerConfirmIntent(ctx: TurnContext, intent: string, text: string, digits: string): Promise<void> {
  const left = text ? leaving(ctx.content, text) : null;
  if (left) {
    if (left.rest) await respond(ctx, left.rest, false);
    else ctx.say('what_now');
    return;
  }
  if (text && notKnowing(ctx.content, text, false)) {
    await miss(ctx, true);
    return;
  }
  const answer = shortYesNo(ctx, text, digits);
  if (answer === true) await serve(ctx, intent, ctx.state.confidence ?? 0.5, null);
  else if (answer === false || !text) await miss(ctx, true);
  else await respond(ctx, text, true);
}

/** Serves what is queued (the second of two requests), once nothing else is in progress. */
export async function servePending(ctx: TurnContext): Promise<void> {
  const { state } = ctx;
  for (let guard = 0; guard < 5 && state.pending.length && !state.dialog && !state.verifying && !state.clarifying && !state.handedOff && !state.ended; guard++) {
    const next = state.pending.shift()!;
    const said = next.values.utterance;
    await serve(ctx, next.intent, state.confidence ?? 1, typeof said === 'string' ? said : null, next.values);
  }
  if (state.handedOff && state.pending.length) {
    // Never dropped silently: the agent reads what else the customer asked for.
    for (const p of state.pending) ctx.did(`The customer also asked to ${agentLabelOf(ctx.content.intents, p.intent)}`);
    state.pending = [];
  }
}

/**
 * A message the bot did not understand, on the no-match ladder
 * (shared/conversation-design.md): the first in a row hears a short
 * re-prompt, the next what the bot can do, and at `misses_before_handoff` a
 * person takes over. `afterRepair`: the bot had already asked which one or
 * "Did you mean …?" about the message before, so that counts as the first.
 */
export async function miss(ctx: TurnContext, afterRepair = false): Promise<void> {
  const { state, content } = ctx;
  if (afterRepair) state.misses = Math.max(state.misses, 1);
  state.misses += 1;
  if (state.misses >= content.assistant.understanding.misses_before_handoff) {
    ctx.say('not_understood_handoff');
    await handOff(ctx, { intent: null, reason: `The bot did not understand ${state.misses} messages in a row` });
    return;
  }
  ctx.say(state.misses === 1 ? 'not_understood' : 'not_understood_help');
}

/** Serve an understood intent: a dialog, or straight to a person. */
export async function serve(ctx: TurnContext, name: string, confidence: number, text: string | null, values: Record<string, SlotValue> = {}): Promise<void> {
  const { state, content } = ctx;
  const intent = content.intents.get(name);
  if (!intent) return miss(ctx);
  state.misses = 0;
  state.confidence = confidence;
  if (text && intent.topic) state.words.push(redact(text));
  if (intent.topic && !intent.queue_from_topic) state.topic = intent.intent;
  if (intent.handoff) {
    await handOff(ctx, { intent, reason: `The customer asked to ${agentLabel(intent)}`, ...(intent.say ? { say: intent.say } : {}) });
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

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
