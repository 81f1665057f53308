/**
 * The decide stage: what this message means in this conversation, and what
 * the bot does about it: an escape to a person, verification, a waiting
 * question (or leaving it: a change of mind, another request), clarification,
 * understanding, a self-service dialog or a handoff; then requests still pending.
 */
import type { TurnContext } from './context';
import { acceptAnswer, fitsAnswer, repeatQuestion, retryAnswer, runDialog, startDialog } from './dialog-runner';
import { followUp } from './follow-up';
import { handOff } from './handoff-stage';
import { correction, isEscape, leaving, otherRequest, severalRequests, vagueOpener } from './interrupt';
import { redact, REDACTED_VERIFICATION } from './redact';
import { findOrderNumber, findPostcode, parseSlot, pickChoice } from './slots';
import { boundState, MAX_ENTRY_CHARS, type SlotValue } from './state';
import { understand } from './understand';
import { answerVerification, askVerification } from './verify';

/** Adds the customer's message to the transcript (redacted, cut) and keeps the state within its bounds. */
function record(ctx: TurnContext): void {
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
export async function decide(ctx: TurnContext): Promise<void> {
  record(ctx);
  await decideTurn(ctx);
  await servePending(ctx);
}

async function decideTurn(ctx: TurnContext): Promise<void> {
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
  const askedAnythingElse = state.askedAnythingElse;
  state.askedAnythingElse = false;
  const minConfidence = content.assistant.understanding.min_speech_confidence;
  const unclear = text !== '' && input.speechConfidence !== undefined && input.speechConfidence < minConfidence;
  if (input.event === 'no_input' || (!text && !digits) || unclear) {
    await noInput(ctx, unclear ? 'speech_unclear' : 'no_input');
    return;
  }
  state.silences = 0;

  // A person is always one word or one key away.
  if (isEscape(ctx.brain, text, digits)) {
    const intent = content.intents.get(content.assistant.escape.intent)!;
    state.confidence = 1;
    if (text) state.words.push(redact(text));
    await handOff(ctx, { intent, reason: 'The customer asked for a person', ...(intent.say ? { say: intent.say } : {}) });
    return;
  }

  if (state.verifying || state.dialog?.waiting) {
    await inFlow(ctx, text);
    return;
  }
  if (askedAnythingElse && answerAnythingElse(ctx, text, digits)) return;

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
      await serve(ctx, picked, state.confidence ?? 0.5, null);
      return;
    }
  }

  if (!text) {
    await miss(ctx);
    return;
  }
  const left = leaving(content, text);
  if (left) {
    if (left.rest) await respond(ctx, left.rest, wasClarifying);
    else ctx.say('what_now');
    return;
  }
  await respond(ctx, text, wasClarifying);
}

/**
 * A bare yes or no to "anything else?": yes asks what, no says goodbye and
 * ends. Anything longer ("yes, where is my order?") is a request as usual.
 */
function answerAnythingElse(ctx: TurnContext, text: string, digits: string): boolean {
  if (text.split(/\s+/).length > 3) return false;
  const answer = parseSlot('yesno', digits ? { digits } : { text }, { choices: [], patterns: ctx.patterns, now: ctx.now });
  if (!answer.ok) return false;
  if (answer.value === true) {
    ctx.say('what_else');
    return true;
  }
  ctx.say('goodbye');
  ctx.state.ended = true;
  ctx.output.ended = true;
  return true;
}

/**
 * A message while a question waits (a dialog's slot, or verification).
 * In order: a change of mind, another request the classifier is sure of,
 * the answer, a correction ("no, I meant …"), any other clear request;
 * only then is it a bad answer, asked again.
 */
async function inFlow(ctx: TurnContext, text: string): Promise<void> {
  const { state, content } = ctx;
  const current = state.dialog?.intent ?? null;
  const left = leaving(content, text);
  if (left) {
    leaveFlow(ctx, 'changed their mind');
    ctx.say('left_flow');
    if (left.rest) await respond(ctx, left.rest, false);
    else ctx.say('what_now');
    return;
  }
  // "I want to cancel" is a new request, not a wrong ZIP code; digits are an answer.
  const lead = correction(content, text);
  const fits = state.verifying ? /\d/.test(text) : fitsAnswer(ctx);
  // During verification the same request again ("my balance please") starts it over, uncounted.
  const other = state.verifying ? null : current;
  const sure = fits ? null : (otherRequest(ctx.brain, text, other, true) ?? (lead ? otherRequest(ctx.brain, lead, other, false) : null));
  if (sure?.intent === current) {
    state.dialog = null;
    state.verifying = null;
    await serve(ctx, sure.intent, sure.confidence, text);
    return;
  }
  if (sure) {
    leaveFlow(ctx, 'asked for something else');
    await serve(ctx, sure.intent, sure.confidence, text);
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
    leaveFlow(ctx, 'corrected what they wanted');
    ctx.say('left_flow');
    await respond(ctx, lead, false);
    return;
  }
  const another = otherRequest(ctx.brain, text, current, false);
  if (another) {
    leaveFlow(ctx, 'asked for something else');
    await serve(ctx, another.intent, another.confidence, text);
    return;
  }
  await retryAnswer(ctx);
}

/** Drops the flow in progress, and anything queued after it; the agent reads where it was left. */
function leaveFlow(ctx: TurnContext, why: string): void {
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
async function respond(ctx: TurnContext, text: string, wasClarifying: boolean): Promise<void> {
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
  const vague = vagueOpener(content, text);
  if (vague) {
    state.words.push(redact(text));
    // Asked which one, and answered as vaguely again: that counts as not understood.
    if (wasClarifying) await miss(ctx);
    else clarify(ctx, vague, 'clarify_vague');
    return;
  }
  const u = understand(ctx.brain, text);
  if (u.kind === 'intent') await serve(ctx, u.intent, u.confidence, text);
  else if (u.kind === 'unclear' && wasClarifying) {
    // Asked which one and still unclear: that counts as not understood.
    state.words.push(redact(text));
    await miss(ctx);
  } else if (u.kind === 'unclear') {
    state.confidence = u.confidence;
    state.words.push(redact(text));
    clarify(ctx, u.options, 'clarify');
  } else {
    state.words.push(redact(text));
    await miss(ctx);
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

/** Serves what is queued (the second of two requests), once nothing else is in progress. */
async function servePending(ctx: TurnContext): Promise<void> {
  const { state } = ctx;
  for (let guard = 0; guard < 5 && state.pending.length && !state.dialog && !state.verifying && !state.clarifying && !state.handedOff && !state.ended; guard++) {
    const next = state.pending.shift()!;
    const said = next.values.utterance;
    await serve(ctx, next.intent, state.confidence ?? 1, typeof said === 'string' ? said : null, next.values);
  }
  if (state.handedOff && state.pending.length) {
    // Never dropped silently: the agent reads what else the customer asked for.
    for (const p of state.pending) ctx.did(`The customer also asked to ${ctx.content.intents.get(p.intent)?.label ?? p.intent}`);
    state.pending = [];
  }
}

/** Silence, or speech too unclear to use: ask again in other words, then a person takes over. */
async function noInput(ctx: TurnContext, kind: 'no_input' | 'speech_unclear'): Promise<void> {
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

async function miss(ctx: TurnContext): Promise<void> {
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
async function serve(ctx: TurnContext, name: string, confidence: number, text: string | null, values: Record<string, SlotValue> = {}): Promise<void> {
  const { state, content } = ctx;
  const intent = content.intents.get(name);
  if (!intent) return miss(ctx);
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

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
