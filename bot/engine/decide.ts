/**
 * The decide stage: what this message means in this conversation, and what
 * the bot does about it: an escape to a person, verification, a waiting
 * question (in-flow.ts), clarification, understanding, a self-service dialog
 * or a handoff (serve.ts); then requests still pending.
 */
import { agentLabel } from '../content/schemas';
import type { TurnContext } from './context';
import { repeatQuestion } from './dialog-runner';
import { topicNamedWithEscape } from './escape-topic';
import { followUp } from './follow-up';
import { handOff } from './handoff-stage';
import { inFlow } from './in-flow';
import { isEscape, leaving } from './interrupt';
import { redact, REDACTED_VERIFICATION } from './redact';
import { answerConfirmIntent, miss, respond, serve, servePending } from './serve';
import { parseSlot, pickChoice } from './slots';
import { boundState, MAX_ENTRY_CHARS } from './state';
import { answerSurvey } from './survey';
import { askVerification } from './verify';

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
  if (state.survey && (await answerSurvey(ctx))) return;
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
    // "a person about my bill": routed as the bill would be, like a topic said earlier.
    const named = text ? topicNamedWithEscape(ctx.brain, text) : null;
    if (named) state.topic = named.intent;
    const reason = named ? `The customer asked for a person about: ${agentLabel(named)}` : 'The customer asked for a person';
    await handOff(ctx, { intent, reason, ...(intent.say ? { say: intent.say } : {}) });
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
    if (options.length === 1) {
      await answerConfirmIntent(ctx, options[0]!, text, digits);
      return;
    }
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
    await miss(ctx, wasClarifying);
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
